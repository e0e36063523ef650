"""The project's Celery app with every periodic job due each second, for two-beat tests.

Started by tests/faults/test_two_beats.py as `celery -A tests.faults.frequent_beat beat`.
"""

from __future__ import annotations

from config.celery import app

__all__ = ["app"]

app.conf.beat_schedule = {
    name: {**entry, "schedule": 1.0} for name, entry in app.conf.beat_schedule.items()
}

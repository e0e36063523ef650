from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("playbook")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "nightly-scorecards": {
        "task": "analytics.tasks.recompute_nightly",
        "schedule": crontab(hour=2, minute=15),
    },
    # Before the nightly scorecards, so the recompute sees the synced day.
    "nightly-tiktok-sync": {
        "task": "connections.tasks.sync_nightly",
        "schedule": crontab(hour=1, minute=30),
    },
    "monday-checklists": {
        "task": "strategy.tasks.open_weekly_checklists",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon"),
    },
    # Each member's weekly digest, Monday 08:00 in DJANGO_TIME_ZONE (CELERY_TIMEZONE).
    "monday-digests": {
        "task": "notifications.tasks.send_weekly_digests",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
    },
    # Alerts that start without a recompute (no data for 3 days), after the nightly runs.
    "daily-alerts": {
        "task": "notifications.tasks.evaluate_alerts_daily",
        "schedule": crontab(hour=7, minute=0),
    },
    # Queues the recomputes recorded while Redis was down, once it answers again.
    "pending-scorecard-runs": {
        "task": "analytics.tasks.dispatch_pending_runs",
        "schedule": float(settings.PENDING_SWEEP_SECONDS),
    },
    # Previews left unconfirmed for 24 hours go, with their files (issue 17).
    "purge-old-previews": {
        "task": "imports.tasks.purge_old_previews",
        "schedule": crontab(minute=40),
    },
}

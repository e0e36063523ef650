"""The project's Celery app, for a worker whose pool process dies inside its first compute.

Started by tests/analytics/test_scorecard_tasks.py with `celery -A tests.analytics.crashing_worker`
and PLAYBOOK_CRASH_MARKER naming a file: the first pool process to compute scorecards
writes its pid there and kills itself with SIGKILL, as an out-of-memory kill would; the
next one computes normally.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from celery.signals import worker_process_init

from config.celery import app

__all__ = ["app"]


@worker_process_init.connect
def die_in_the_first_compute(**kwargs: Any) -> None:
    from analytics.scorecards import compute as scorecards

    marker = Path(os.environ["PLAYBOOK_CRASH_MARKER"])
    compute = scorecards.scorecards_compute

    def crashing_compute(**options: Any) -> Any:
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        return compute(**options)

    scorecards.scorecards_compute = crashing_compute

"""The project's Celery app, for a worker that stops in the middle of a recompute.

Started by tests/faults/test_worker_killed.py with `celery -A tests.faults.pausing_worker`.
With PLAYBOOK_PAUSE_MARKER naming a file and PLAYBOOK_PAUSE_AFTER a count, the worker
scores that many scorecards, writes the file and sleeps: the test kills it there, in
the middle of a run, with scorecards half streamed into an open transaction.
PLAYBOOK_VISIBILITY_TIMEOUT shortens how long Redis keeps an unacknowledged message from
other workers (an hour in production), so that the next worker gets it back at once.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from celery.signals import task_prerun

from config.celery import app

__all__ = ["app"]

app.conf.broker_transport_options = {
    "visibility_timeout": float(os.environ.get("PLAYBOOK_VISIBILITY_TIMEOUT", "3600")),
    "max_retries": 0,
}


@task_prerun.connect
def pause_in_the_middle(**kwargs: Any) -> None:
    from analytics.scorecards import compute as scorecards

    marker = os.environ.get("PLAYBOOK_PAUSE_MARKER")
    if not marker or getattr(scorecards, "pausing", False):
        return
    after = int(os.environ["PLAYBOOK_PAUSE_AFTER"])
    score_one = scorecards._scorecard_row
    scored = 0

    def pausing_row(**options: Any) -> Any:
        nonlocal scored
        scored += 1
        if scored == after:
            Path(marker).write_text(str(os.getpid()))
            time.sleep(600)
        return score_one(**options)

    scorecards._scorecard_row = pausing_row
    scorecards.pausing = True

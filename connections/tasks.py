"""Background syncs: each task loads its row and calls one service."""

from __future__ import annotations

from datetime import timedelta

from celery import Task, shared_task

from connections.client import RetryLater
from connections.models import Connection, SyncRun
from lib.dates import yesterday
from lib.periodic import once_per_period


def nightly_period() -> str:
    """The nightly sync's period: the day it syncs."""
    return yesterday().isoformat()


# How often a sync may hand itself back to Celery for TikTok's rate limit; the last try
# waits in the worker instead, so a sync is never handed back for ever.
SYNC_HAND_BACKS = 5


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=SYNC_HAND_BACKS)
def sync_connection(self: Task, run_id: int) -> None:
    """Runs a sync; a long rate-limit wait is spent in Celery's queue, not in this worker."""
    from connections.services.sync import sync_run_execute

    if not SyncRun.objects.filter(pk=run_id).exists():
        return
    # Run eagerly (the demo) or called, a retry would come back at once: the wait is here.
    eager = self.request.is_eager or self.request.called_directly
    hand_back = not eager and self.request.retries < SYNC_HAND_BACKS
    try:
        sync_run_execute(run_id=run_id, hand_back=hand_back)
    except RetryLater as wait:
        raise self.retry(countdown=wait.countdown) from wait


@shared_task
@once_per_period(job="nightly-tiktok-sync", period=nightly_period, ttl=timedelta(days=2))
def sync_nightly() -> int:
    """Celery beat's nightly job: one run per connection that still works, for yesterday.

    Once per day however many beats send it; a later call that day returns None.
    """
    from connections.services.sync import SyncBusy, sync_run_start

    queued = 0
    for connection in Connection.objects.filter(status=Connection.Status.ACTIVE):
        try:
            sync_run_start(connection=connection, source="nightly")
        except SyncBusy:
            continue
        queued += 1
    return queued

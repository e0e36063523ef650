"""Background syncs: each task loads its row and calls one service."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from connections.models import Connection, SyncRun
from lib.dates import yesterday
from lib.periodic import once_per_period


def nightly_period() -> str:
    """The nightly sync's period: the day it syncs."""
    return yesterday().isoformat()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sync_connection(run_id: int) -> None:
    from connections.services.sync import sync_run_execute

    if not SyncRun.objects.filter(pk=run_id).exists():
        return
    sync_run_execute(run_id=run_id)


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

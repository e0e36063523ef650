"""Background work of the imports app; each task calls one service."""

from __future__ import annotations

import time
from datetime import timedelta

from celery import shared_task

from lib.periodic import once_per_period

# Each task imports the service it runs inside its function, as every app's tasks do
# (the Celery idiom: a service may queue its task without an import cycle).


def hour_period() -> str:
    """The preview purge's period: the hour the clock is in."""
    return str(int(time.time()) // 3600)


@shared_task
@once_per_period(job="purge-old-previews", period=hour_period, ttl=timedelta(hours=2))
def purge_old_previews() -> int:
    """Celery beat, hourly: discards open previews older than 24 hours (and their files)."""
    from imports.services.previews import previews_purge

    return previews_purge()

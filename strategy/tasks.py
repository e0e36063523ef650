"""Background work of the strategy app."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from lib.dates import this_week
from lib.periodic import once_per_period


def week_period() -> str:
    """The Monday job's period: the week it opens."""
    return this_week().isoformat()


@shared_task(acks_late=True)
@once_per_period(job="monday-checklists", period=week_period, ttl=timedelta(days=8))
def open_weekly_checklists() -> int:
    """Celery beat, Monday morning: opens this week's checklist of every active account.

    Once per week however many beats send it (a later call that week returns None);
    running the service twice opens nothing new anyway.
    """
    from strategy.services import checklists_open_week

    return checklists_open_week(week_start=this_week())

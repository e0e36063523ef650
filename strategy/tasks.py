"""Background work of the strategy app."""

from __future__ import annotations

from celery import shared_task

from strategy.services import checklists_open_week, this_week


@shared_task(acks_late=True)
def open_weekly_checklists() -> int:
    """Celery beat, Monday morning: opens this week's checklist of every active account.

    Running it twice opens nothing new, so a redelivered message is harmless.
    """
    return checklists_open_week(week_start=this_week())

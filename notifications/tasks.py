"""Background work of notifications: the Monday digest (alerts below)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from lib.dates import this_week
from lib.periodic import once_per_period


def week_period() -> str:
    """The digest's period: the week it reports on, named by its Monday."""
    return this_week().isoformat()


@shared_task(acks_late=True)
@once_per_period(job="weekly-digest", period=week_period, ttl=timedelta(days=8))
def send_weekly_digests() -> int:
    """Celery beat, Monday 08:00 in DJANGO_TIME_ZONE: every member's digest of the week.

    Once per week however many beats send it; a user who already has the week's digest
    is skipped anyway (notifications.models.DigestDelivery).
    """
    from notifications.services import digests_send

    return digests_send(on=timezone.localdate()).sent

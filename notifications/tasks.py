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


# -- alerts --

WEBHOOK_RETRIES = 6
WEBHOOK_BACKOFF_SECONDS = 30


def webhook_backoff(retries: int) -> int:
    """Seconds before try `retries + 2`: 30 s, 1 min, 2 min, ... doubling (about 32 min in all)."""
    return WEBHOOK_BACKOFF_SECONDS * 2**retries


def day_period() -> str:
    return timezone.localdate().isoformat()


@shared_task(acks_late=True)
def evaluate_team_alerts(team_id: int) -> int:
    """After a recompute: fires and clears the team's alerts."""
    from accounts.models import Team
    from notifications.alerts import alerts_evaluate

    team = Team.objects.filter(pk=team_id).first()
    return len(alerts_evaluate(team=team)) if team else 0


@shared_task(acks_late=True)
@once_per_period(job="daily-alerts", period=day_period, ttl=timedelta(days=2))
def evaluate_alerts_daily() -> int:
    """Celery beat, daily: every team's alerts (no data for 3 days starts without a run)."""
    from notifications.alerts import alerts_daily

    return alerts_daily()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_alert_event(event_id: int) -> None:
    """Sends an alert's e-mail (retried when the mail server is unreachable) and queues
    its webhook deliveries."""
    from notifications.alerts import alert_event_dispatch

    alert_event_dispatch(event_id=event_id)


@shared_task(bind=True, acks_late=True, max_retries=WEBHOOK_RETRIES)
def deliver_webhook(self, delivery_id: int) -> str:
    """Posts one alert to one webhook; retried with backoff while the receiver fails."""
    from notifications.alerts import webhook_delivery_attempt
    from notifications.models import WebhookDelivery

    last_try = self.request.retries >= WEBHOOK_RETRIES
    status = webhook_delivery_attempt(delivery_id=delivery_id, last_try=last_try)
    if status == WebhookDelivery.Status.RETRYING:
        raise self.retry(countdown=webhook_backoff(self.request.retries))
    return status

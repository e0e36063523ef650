"""Alerts: what a team's lead set up, which conditions hold, and telling the channels.

An alert fires once when its condition starts for an account and once when it clears.
Each (account, condition, subject) has one AlertState row, created under a unique
constraint and locked (select_for_update) while it changes, so two workers evaluating at
once, or a task retried, never fire twice for the same state. Channels are told after
the change commits: e-mail to the chosen members, and a WebhookDelivery per webhook,
posted by a Celery task that retries with backoff.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Membership, Team
from analytics.models import DailyMetric, Scorecard
from analytics.scorecards import rules
from analytics.scorecards.compute import account_targets
from notifications import webhooks
from notifications.models import (
    AlertEvent,
    AlertRecipient,
    AlertRule,
    AlertState,
    Condition,
    Webhook,
    WebhookDelivery,
)
from notifications.selectors import failing_connections, latest_cards
from notifications.tasks import deliver_alert_event, deliver_webhook, evaluate_team_alerts

logger = logging.getLogger(__name__)

GRADE_DROP_POINTS = 10
NO_DATA_DAYS = 3
TARGET_WEEKS = 2
# Every alert is posted to each of a team's webhooks: their number is bounded.
MAX_WEBHOOKS = 10
# KPIs checked against the account's targets, with their names in messages.
KPIS = {
    "engagement_rate": "engagement rate",
    "follower_growth": "follower growth",
    "ctr": "click-through rate",
    "conversion_rate": "conversion rate",
    "roi": "ROI",
}


@dataclass(frozen=True)
class Finding:
    account: Account
    condition: str
    subject: str
    text: str

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.account.pk, self.condition, self.subject)


# -- what the lead sets up --


@transaction.atomic
def alert_settings_update(*, team: Team, conditions: list[str], recipients: list) -> None:
    unknown = set(conditions) - set(Condition.values)
    if unknown:
        raise ValidationError({"conditions": f"Unknown conditions: {', '.join(sorted(unknown))}."})
    members = set(Membership.objects.filter(team=team).values_list("user_id", flat=True))
    outsiders = [user for user in recipients if user.pk not in members]
    if outsiders:
        raise ValidationError({"recipients": "Only the team's members can get its alerts."})
    AlertRule.objects.filter(team=team).exclude(condition__in=conditions).delete()
    for condition in conditions:
        AlertRule.objects.get_or_create(team=team, condition=condition)
    AlertRecipient.objects.filter(team=team).exclude(user__in=recipients).delete()
    for user in recipients:
        AlertRecipient.objects.get_or_create(team=team, user=user)


def webhook_create(*, team: Team, url: str, format: str) -> Webhook:
    """A new webhook with a new secret; the URL must resolve to public addresses only.

    A team has at most MAX_WEBHOOKS: every alert is posted to each of them.
    """
    if Webhook.objects.filter(team=team).count() >= MAX_WEBHOOKS:
        raise ValidationError(
            f"A team has at most {MAX_WEBHOOKS} webhooks: delete one before adding another."
        )
    webhooks.webhook_target(url)
    webhook = Webhook(team=team, url=url, format=format, secret=secrets.token_urlsafe(32))
    webhook.full_clean()
    webhook.save()
    return webhook


def webhook_rotate(*, webhook: Webhook) -> Webhook:
    webhook.secret = secrets.token_urlsafe(32)
    webhook.rotated_at = timezone.now()
    webhook.save(update_fields=["secret", "rotated_at"])
    return webhook


def webhook_delete(*, webhook: Webhook) -> None:
    webhook.delete()


# -- which conditions hold --


def _accounts(team: Team) -> QuerySet[Account]:
    """The team's active accounts by handle, each with its last metric day: a query, which
    the reads after the first take as a subquery."""
    last_metric = DailyMetric.objects.filter(account=OuterRef("pk")).order_by("-date")
    return (
        Account.objects.filter(team=team)
        .active()
        .annotate(last_metric_day=Subquery(last_metric.values("date")[:1]))
        .order_by("handle")
    )


def findings_of(*, team: Team, conditions: set[str], today: date) -> list[Finding]:
    """Every (account, condition, subject) that holds now, in a bounded number of queries."""
    scope = _accounts(team)
    accounts = list(scope)
    found: list[Finding] = []
    if Condition.NO_DATA in conditions:
        since = today - timedelta(days=NO_DATA_DAYS - 1)
        for account in accounts:
            # An account that never had data has not stopped; Needs attention shows it.
            if account.last_metric_day is not None and account.last_metric_day < since:
                day = account.last_metric_day.strftime("%-d %b %Y")
                text = f"@{account.handle} has had no figures since {day}."
                found.append(Finding(account, Condition.NO_DATA, "", text))
    if Condition.GRADE_DROP in conditions:
        found += _grade_drops(accounts, scope)
    if Condition.SYNC_FAILED in conditions:
        found += _sync_failures(accounts, scope)
    if Condition.BELOW_TARGET in conditions:
        found += _below_targets(accounts, today)
    return found


def _grade_drops(accounts: list[Account], scope: QuerySet[Account]) -> list[Finding]:
    by_pk = {account.pk: account for account in accounts}
    found = []
    for card in latest_cards(scope):
        # The subquery runs after the accounts were read: one added since waits for the
        # next evaluation.
        account = by_pk.get(card.account_id)
        if account is None or card.overall_score is None or card.previous_overall_score is None:
            continue
        drop = card.previous_overall_score - card.overall_score
        if drop >= GRADE_DROP_POINTS:
            text = (
                f"@{account.handle}'s overall score dropped {drop:.1f} points to "
                f"{card.overall_score:.1f} (grade {card.grade or '—'}) by {card.period_end:%-d %b}."
            )
            found.append(Finding(account, Condition.GRADE_DROP, "", text))
    return found


def _sync_failures(accounts: list[Account], scope: QuerySet[Account]) -> list[Finding]:
    by_pk = {account.pk: account for account in accounts}
    connections = failing_connections(accounts=scope)
    found = []
    for connection in connections.order_by("account_id", "source"):
        account = by_pk.get(connection.account_id)
        if account is None:  # added since the accounts were read
            continue
        source = connection.get_source_display()
        if connection.needs_reconnect:
            text = f"@{account.handle}'s {source} connection needs reconnecting."
        else:
            text = f"@{account.handle}'s {source} sync failed."
        found.append(Finding(account, Condition.SYNC_FAILED, connection.source, text))
    return found


def _below_targets(accounts: list[Account], today: date) -> list[Finding]:
    """KPIs under the account's target in each of its last two weekly scorecards."""
    by_pk = {account.pk: account for account in accounts}
    cards: dict[int, list[Scorecard]] = defaultdict(list)
    recent = Scorecard.objects.filter(
        account__in=list(by_pk), days=7, period_end__gte=today - timedelta(days=7 * 3)
    ).order_by("account_id", "-period_end")
    for card in recent:
        cards[card.account_id].append(card)
    found = []
    for account_id, weeks in cards.items():
        if len(weeks) < TARGET_WEEKS:
            continue
        latest, before = weeks[0], weeks[1]
        if latest.period_end - before.period_end != timedelta(days=7):
            continue
        account = by_pk[account_id]
        targets = rules.scaled_targets(account_targets(account), 7)
        for kpi, name in KPIS.items():
            target = getattr(targets, kpi)
            values = [getattr(card, kpi) for card in (latest, before)]
            if target and all(value is not None and value < target for value in values):
                text = (
                    f"@{account.handle}'s {name} has been below its target of "
                    f"{target * 100:.1f}% two weeks running ({values[0] * 100:.1f}% "
                    f"in the week to {latest.period_end:%-d %b})."
                )
                found.append(Finding(account, Condition.BELOW_TARGET, kpi, text))
    return found


# -- firing and clearing --


def alerts_evaluate(
    *, team: Team, today: date | None = None, notify: bool = True
) -> list[AlertEvent]:
    """Fires the alerts whose condition started and clears those that ended; returns them.

    `notify=False` records the events without telling any channel (the demo's seed).
    """
    today = today or timezone.localdate()
    conditions = set(AlertRule.objects.filter(team=team).values_list("condition", flat=True))
    if not conditions:
        return []
    holding = {f.key: f for f in findings_of(team=team, conditions=conditions, today=today)}
    active = AlertState.objects.filter(team=team, active=True, condition__in=conditions)
    was_active = {(s.account_id, s.condition, s.subject): s for s in active}
    events = []
    for key, finding in holding.items():
        if key not in was_active:
            events.append(_change(team, key, active=True, text=finding.text, notify=notify))
    for key, state in was_active.items():
        if key not in holding:
            text = f"Cleared: {state.text}" if state.text else "Cleared."
            events.append(_change(team, key, active=False, text=text, notify=notify))
    return [event for event in events if event is not None]


def _change(
    team: Team, key: tuple[int, str, str], *, active: bool, text: str, notify: bool = True
) -> AlertEvent | None:
    account_id, condition, subject = key
    with transaction.atomic():
        AlertState.objects.get_or_create(
            account_id=account_id, condition=condition, subject=subject, defaults={"team": team}
        )
        state = AlertState.objects.select_for_update().get(
            account_id=account_id, condition=condition, subject=subject
        )
        if state.active == active:
            # Another worker (or an earlier try of this one) made this change already.
            return None
        state.active = active
        if active:
            state.text = text[:300]
        state.save(update_fields=["active", "text", "changed_at"])
        change = AlertEvent.Change.FIRED if active else AlertEvent.Change.CLEARED
        event = AlertEvent.objects.create(
            team=team,
            state=state,
            change=change,
            text=text[:300],
            emailed_at=None if notify else timezone.now(),
        )
        if notify:
            WebhookDelivery.objects.bulk_create(
                WebhookDelivery(webhook=webhook, event=event) for webhook in team.webhooks.all()
            )
            transaction.on_commit(partial(_enqueue, event.pk))
    return event


def _enqueue(event_id: int) -> None:
    try:
        deliver_alert_event.delay(event_id)
    except Exception:
        # The daily evaluation sends what is still undelivered once the queue is back.
        logger.exception("Alert %s could not be queued; the daily run will send it", event_id)


# -- telling the channels --


def payload_of(event: AlertEvent) -> dict:
    state = event.state
    team = event.team
    icon = "🔔" if event.change == AlertEvent.Change.FIRED else "✅"
    home = f"{settings.PLAYBOOK_BASE_URL}{reverse('accounts:team-home', args=[team.slug])}"
    return {
        "event": f"alert.{event.change}",
        "id": str(event.public_id),
        "team": team.slug,
        "account": state.account.handle,
        "condition": state.condition,
        "subject": state.subject,
        "text": f"{icon} Playbook, {team.name}: {event.text} {home}",
        "message": event.text,
        "at": event.created_at.isoformat(),
        "url": home,
    }


def alert_email_send(*, event: AlertEvent) -> int:
    """E-mails the event to the team's chosen members once; returns how many got it."""
    claimed = AlertEvent.objects.filter(pk=event.pk, emailed_at=None).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return 0
    addresses = sorted(
        AlertRecipient.objects.filter(team=event.team_id, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not addresses:
        return 0
    payload = payload_of(event)
    verb = "Alert" if event.change == AlertEvent.Change.FIRED else "Cleared"
    try:
        send_mail(
            subject=f"[Playbook] {verb}: {event.text}"[:200],
            message=f"{event.text}\n\nOpen Playbook: {payload['url']}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=addresses,
        )
    except Exception:
        AlertEvent.objects.filter(pk=event.pk).update(emailed_at=None)
        raise
    return len(addresses)


def webhook_delivery_attempt(*, delivery_id: int, last_try: bool) -> str:
    """Posts one delivery; returns its status (RETRYING asks the task to try again)."""
    delivery = (
        WebhookDelivery.objects.select_related("webhook", "event__team", "event__state__account")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status in (
        WebhookDelivery.Status.DELIVERED,
        WebhookDelivery.Status.FAILED,
    ):
        return delivery.status if delivery else WebhookDelivery.Status.FAILED
    webhook = delivery.webhook
    delivery.attempts += 1
    status = WebhookDelivery.Status.RETRYING
    try:
        code = webhooks.post(
            url=webhook.url,
            format=webhook.format,
            secret=webhook.secret,
            payload=payload_of(delivery.event),
        )
    except ValidationError as exc:
        # A URL that now resolves to a private address is refused, not retried.
        delivery.error = " ".join(exc.messages)[:300]
        status = WebhookDelivery.Status.FAILED
    except httpx.HTTPError as exc:
        delivery.error = f"{type(exc).__name__}: {exc}"[:300]
    else:
        delivery.response_status = code
        delivery.error = ""
        if 200 <= code < 300:
            status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = timezone.now()
        elif code not in (408, 429) and code < 500:
            delivery.error = f"The receiver answered {code}."
            status = WebhookDelivery.Status.FAILED
        else:
            delivery.error = f"The receiver answered {code}."
    if status == WebhookDelivery.Status.RETRYING and last_try:
        status = WebhookDelivery.Status.FAILED
    delivery.status = status
    delivery.save()
    return status


def alert_event_dispatch(*, event_id: int) -> None:
    """Sends the event's e-mail and queues its webhook deliveries."""
    event = AlertEvent.objects.select_related("team", "state__account").filter(pk=event_id).first()
    if event is None:
        return
    alert_email_send(event=event)
    pending = event.deliveries.filter(status=WebhookDelivery.Status.PENDING)
    for delivery_id in pending.values_list("pk", flat=True):
        deliver_webhook.delay(delivery_id)


def alerts_daily(*, today: date | None = None) -> int:
    """Evaluates every team that has alerts, and sends what an outage left undelivered."""
    events = 0
    for team in Team.objects.filter(alert_rules__isnull=False).distinct():
        events += len(alerts_evaluate(team=team, today=today))
    stale = timezone.now() - timedelta(hours=1)
    for event_id in (
        AlertEvent.objects.filter(
            Q(emailed_at=None) | Q(deliveries__status=WebhookDelivery.Status.PENDING),
            created_at__lt=stale,
        )
        .values_list("pk", flat=True)
        .distinct()
    ):
        _enqueue(event_id)
    return events


def on_scorecard_run_done(
    sender: object, *, run_id: int, team_id: int | None, account_ids: list[int], **kwargs: object
) -> None:
    """analytics.signals.scorecard_run_done: evaluates the alerts of the run's teams."""
    if team_id is not None:
        team_ids = [team_id]
    elif account_ids:
        team_ids = list(
            Account.objects.filter(pk__in=account_ids).values_list("team", flat=True).distinct()
        )
    else:
        team_ids = list(AlertRule.objects.values_list("team", flat=True).distinct())
    with_rules = set(AlertRule.objects.filter(team__in=team_ids).values_list("team", flat=True))
    for team in sorted(with_rules):
        try:
            evaluate_team_alerts.delay(team)
        except Exception:
            logger.exception("Alerts of team %s could not be queued; the daily run will", team)

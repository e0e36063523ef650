"""Reads of Needs attention: what in a team's week wants someone to act, and where.

Every line names an account (or an import) and links to the page that fixes it. The
reads are bounded: the same number of queries for ten accounts as for a thousand (the
accounts with their last metric day and sync in one query; their latest scorecards,
connections, failed imports and this week's checklists in one or a few more, the first two
over the accounts' query rather than a list of their ids).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Membership
from analytics.models import DailyMetric, Scorecard
from analytics.scorecards.rules import DECLINING
from analytics.scorecards.windows import DEFAULT_DAYS
from connections.models import Connection
from imports.models import ImportRun
from lib.dates import monday_of
from lib.urls import import_upload_url, url_of_handle
from notifications.models import AlertEvent, AlertRecipient, AlertRule, Webhook, WebhookDelivery
from strategy.selectors import WeekProgress, week_progress

# No metric day in this many days (today included) means the account's data stopped.
STALE_DAYS = 3
# From this weekday (Thursday) a checklist under half done is behind.
BEHIND_FROM_WEEKDAY = 3
BEHIND_SHARE = 0.5
# Failed imports are shown for a week, unless a later import of the team succeeded.
FAILED_IMPORT_DAYS = 7
# The team's latest applied imports searched for an account's last import.
RECENT_IMPORTS = 500


class Topic:
    STOPPED = "stopped"
    SCORECARD = "scorecard"
    CHECKLIST = "checklist"
    CONNECTION = "connection"
    FAILED = "failed"


TOPIC_TITLES = {
    Topic.STOPPED: "Data stopped arriving",
    Topic.SCORECARD: "Scorecards to look at",
    Topic.CHECKLIST: "Checklists behind this week",
    Topic.CONNECTION: "Connections to reconnect",
    Topic.FAILED: "Failed imports and syncs",
}


@dataclass(frozen=True)
class AttentionLine:
    topic: str
    text: str
    url: str
    action: str
    account: Account | None = None


@dataclass
class Attention:
    today: date
    lines: list[AttentionLine] = field(default_factory=list)

    @property
    def sections(self) -> list[tuple[str, str, list[AttentionLine]]]:
        """(topic, title, lines) of the topics that have lines, in TOPIC_TITLES' order."""
        return [
            (topic, title, [line for line in self.lines if line.topic == topic])
            for topic, title in TOPIC_TITLES.items()
            if any(line.topic == topic for line in self.lines)
        ]


def attention_scope(*, user: AbstractBaseUser, membership: Membership) -> QuerySet[Account]:
    """The active accounts the user looks after (a lead: the team's; a manager: theirs), as
    a query not yet read: the lines' reads take it as a subquery, not as a list of ids (a
    lead's thousand parameters cost more to send than the subquery to run)."""
    return Account.objects.visible_to(user, membership).active()


def latest_cards(accounts: QuerySet[Account]) -> QuerySet[Scorecard]:
    """The latest scorecard of DEFAULT_DAYS days of each of `accounts`, if it has one: the
    one without a later one (an anti-join, which the database runs once for all accounts)."""
    later = Scorecard.objects.filter(
        account=OuterRef("account"), days=DEFAULT_DAYS, period_end__gt=OuterRef("period_end")
    )
    return (
        Scorecard.objects.filter(account__in=accounts.values("pk"), days=DEFAULT_DAYS)
        .exclude(Exists(later))
        .order_by()
    )


def attention_accounts(*, user: AbstractBaseUser, membership: Membership) -> list[Account]:
    """attention_scope()'s accounts by handle, each with its last metric day and sync."""
    last_metric = DailyMetric.objects.filter(account=OuterRef("pk")).order_by("-date")
    last_sync = Connection.objects.filter(
        account=OuterRef("pk"), last_sync_at__isnull=False
    ).order_by("-last_sync_at")
    accounts = list(
        attention_scope(user=user, membership=membership)
        .annotate(
            last_metric_day=Subquery(last_metric.values("date")[:1]),
            last_sync_at=Subquery(last_sync.values("last_sync_at")[:1]),
        )
        .order_by("handle")
    )
    # All of the membership's team: one Team for them all rather than one joined per row.
    for account in accounts:
        account.team = membership.team
    return accounts


def attention_get(
    *,
    user: AbstractBaseUser,
    membership: Membership,
    today: date | None = None,
    accounts: list[Account] | None = None,
    week: list[WeekProgress] | None = None,
    cards: Mapping[int, Scorecard] | None = None,
) -> Attention:
    """Needs attention for the user in the team: a manager's lines are their accounts'.

    `week`: the accounts' rows of today's week (strategy's week_progress) when the caller
    has read them already (a manager's home page shows them too); read here otherwise.
    `cards`: the accounts' latest_cards() by account id when the caller has read them
    already (the digest's grade lines show them too); read here otherwise.
    """
    today = today or timezone.localdate()
    if accounts is None:
        accounts = attention_accounts(user=user, membership=membership)
    scope = attention_scope(user=user, membership=membership)
    slug = membership.team.slug
    attention = Attention(today=today)
    lines = attention.lines
    lines += _stopped_lines(accounts, slug, today)
    lines += _scorecard_lines(accounts, scope, slug, cards)
    lines += _checklist_lines(accounts, scope, slug, today, week)
    lines += _connection_lines(accounts, scope, slug)
    lines += _failed_import_lines(user, membership, today)
    return attention


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.strftime("%-d %b %Y")


def _last_imports(accounts: list[Account]) -> dict[int, datetime]:
    """When each account was last in an applied import, among the team's recent imports.

    An import of several accounts names them in `account_handles` (its `account` is
    empty), so the team's latest imports are read once and matched here.
    """
    if not accounts:
        return {}
    by_handle = {account.handle: account.pk for account in accounts}
    runs = (
        ImportRun.objects.filter(team=accounts[0].team_id, status=ImportRun.Status.APPLIED)
        .exclude(applied_at=None)
        .order_by("-applied_at")
        .values_list("account_id", "account_handles", "applied_at")[:RECENT_IMPORTS]
    )
    wanted = set(by_handle.values())
    found: dict[int, datetime] = {}
    for account_id, handles, applied_at in runs:
        for pk in {account_id, *(by_handle.get(handle) for handle in handles or [])}:
            if pk in wanted and pk not in found:
                found[pk] = applied_at
    return found


def _stopped_lines(accounts: list[Account], slug: str, today: date) -> list[AttentionLine]:
    since = today - timedelta(days=STALE_DAYS - 1)
    stopped = [
        account
        for account in accounts
        if account.last_metric_day is None or account.last_metric_day < since
    ]
    last_imports = _last_imports(stopped)
    lines = []
    for account in stopped:
        account.last_import_at = last_imports.get(account.pk)
        if account.last_metric_day is None:
            text = f"@{account.handle} has no daily figures yet"
        else:
            text = f"@{account.handle} has no figures since {_day(account.last_metric_day)}"
        sources = []
        if account.last_import_at:
            sources.append(f"last import {_day(account.last_import_at)}")
        if account.last_sync_at:
            sources.append(f"last sync {_day(account.last_sync_at)}")
        text += f" ({', '.join(sources)})." if sources else " (never imported or synced)."
        url = import_upload_url(slug, account.handle)
        lines.append(AttentionLine(Topic.STOPPED, text, url, "Import figures", account))
    return lines


# The only fields of a scorecard its line reads, read as values: a team's thousand cards
# would load as many model instances (some seventy calls each), and the other fields
# (figures, scores, review comment) would be read for nothing.
CARD_LINE_FIELDS = (
    "account_id",
    "period_start",
    "period_end",
    "overall_score",
    "previous_overall_score",
    "grade",
    "flags",
    "reviewed_at",
)


class _CardLine:
    """A scorecard as its line reads it (CARD_LINE_FIELDS)."""

    __slots__ = CARD_LINE_FIELDS

    def __init__(self, values: tuple) -> None:
        for name, value in zip(CARD_LINE_FIELDS, values, strict=True):
            setattr(self, name, value)

    # Scorecard's own reading of its stored flags.
    flag_list = Scorecard.flag_list


def _scorecard_lines(
    accounts: list[Account],
    scope: QuerySet[Account],
    slug: str,
    cards: Mapping[int, Scorecard | _CardLine] | None,
) -> list[AttentionLine]:
    if cards is None:
        cards = {
            values[0]: _CardLine(values)
            for values in latest_cards(scope).values_list(*CARD_LINE_FIELDS)
        }
    scorecard_url = url_of_handle("analytics:account-scorecard", slug)
    lines = []
    for account in accounts:
        card = cards.get(account.pk)
        if card is None:
            continue
        declining = DECLINING in card.flag_list
        if not declining and card.reviewed_at is not None:
            continue
        url = scorecard_url(account.handle)
        period = f"{_day(card.period_start)} – {_day(card.period_end)}"
        if declining:
            change = ""
            if card.overall_score is not None and card.previous_overall_score is not None:
                change = f", {card.overall_score - card.previous_overall_score:+.1f} points"
            text = f"@{account.handle} is declining (grade {card.grade or '—'}{change}, {period})."
            lines.append(AttentionLine(Topic.SCORECARD, text, url, "Open the scorecard", account))
        else:
            text = f"@{account.handle}'s scorecard for {period} is not reviewed."
            lines.append(AttentionLine(Topic.SCORECARD, text, url, "Review it", account))
    return lines


def _checklist_lines(
    accounts: list[Account],
    scope: QuerySet[Account],
    slug: str,
    today: date,
    week: list[WeekProgress] | None,
) -> list[AttentionLine]:
    if today.weekday() < BEHIND_FROM_WEEKDAY or not accounts:
        return []
    if week is None:
        week = week_progress(accounts=accounts, week_start=monday_of(today), among=scope)
    checklist_url = url_of_handle("strategy:checklist", slug)
    lines = []
    for row in week:
        progress = row.progress
        if row.checklist is None or not progress.total:
            continue
        if progress.done / progress.total >= BEHIND_SHARE:
            continue
        account = row.account
        text = f"@{account.handle}'s checklist is {progress.done} of {progress.total} done."
        url = checklist_url(account.handle)
        lines.append(AttentionLine(Topic.CHECKLIST, text, url, "Open the checklist", account))
    return lines


def failing_connections(*, accounts: QuerySet[Account]) -> QuerySet[Connection]:
    """The accounts' connections that need reconnecting or whose last sync failed."""
    return Connection.objects.filter(account__in=accounts.values("pk")).filter(
        Q(status=Connection.Status.NEEDS_RECONNECT) | Q(last_sync_ok=False)
    )


def _connection_lines(
    accounts: list[Account], scope: QuerySet[Account], slug: str
) -> list[AttentionLine]:
    by_pk = {account.pk: account for account in accounts}
    connections = failing_connections(accounts=scope)
    lines = []
    for connection in connections.order_by("account__handle", "source"):
        # The subquery runs after the accounts were read: one added since waits for the
        # next visit.
        account = by_pk.get(connection.account_id)
        if account is None:
            continue
        source = connection.get_source_display()
        if connection.needs_reconnect:
            text = f"@{account.handle}'s {source} connection needs reconnecting."
            url = reverse(
                "connections:connection-start", args=[slug, account.handle, connection.source]
            )
            lines.append(AttentionLine(Topic.CONNECTION, text, url, "Reconnect", account))
        else:
            when = _day(connection.last_sync_at)
            text = f"@{account.handle}'s {source} sync failed on {when}."
            if connection.last_error:
                text = f"{text[:-1]}: {connection.last_error[:120]}"
            url = reverse("connections:connection-list", args=[slug])
            lines.append(AttentionLine(Topic.FAILED, text, url, "Sync again", account))
    return lines


def _failed_import_lines(
    user: AbstractBaseUser, membership: Membership, today: date
) -> list[AttentionLine]:
    since = timezone.now() - timedelta(days=FAILED_IMPORT_DAYS)
    later_success = ImportRun.objects.filter(
        team=OuterRef("team"),
        status=ImportRun.Status.APPLIED,
        applied_at__gt=OuterRef("created_at"),
    )
    failed = (
        ImportRun.objects.visible_to(user, membership)
        .filter(status=ImportRun.Status.FAILED, created_at__gte=since)
        .filter(~Exists(later_success))
        .order_by("-created_at")[:20]
    )
    lines = []
    slug = membership.team.slug
    for run in failed:
        names = ", ".join(run.file_names[:3]) or "an upload"
        text = f"The import of {names} on {_day(run.created_at)} was rejected."
        url = reverse("imports:import-detail", args=[slug, run.public_id])
        lines.append(AttentionLine(Topic.FAILED, text, url, "See why"))
    return lines


# -- alerts --


def alert_settings_get(*, membership: Membership) -> dict:
    """The team's alert conditions, recipients, webhooks, and recent events and deliveries."""
    team = membership.team
    return {
        "conditions": list(AlertRule.objects.filter(team=team).values_list("condition", flat=True)),
        "recipients": list(
            AlertRecipient.objects.filter(team=team).values_list("user_id", flat=True)
        ),
        "webhooks": list(Webhook.objects.filter(team=team).order_by("created_at")),
        "events": list(AlertEvent.objects.filter(team=team).select_related("state__account")[:20]),
        "deliveries": WebhookDelivery.objects.filter(webhook__team=team)
        .select_related("webhook", "event")
        .order_by("-created_at"),
    }


def webhook_get(*, membership: Membership, public_id: UUID) -> Webhook:
    """One of the team's webhooks; another team's is 404."""
    return get_object_or_404(Webhook.objects.filter(team=membership.team), public_id=public_id)

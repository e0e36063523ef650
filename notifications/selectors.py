"""Reads of Needs attention: what in a team's week wants someone to act, and where.

Every line names an account (or an import) and links to the page that fixes it. The
reads are bounded: the database finds, counts and orders each topic's lines and returns
the first SHOWN_LINES of them, so a team of a thousand accounts costs the same queries and
the same Python work as a team of ten (the accounts are read as a subquery of the user's
scope, never as a list of ids). Two reads are bounded otherwise: an account's last import
is searched among the team's RECENT_IMPORTS latest, and a checklist without stored figures
(written around the write services) is read whole, its progress computed from its items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Membership, Team
from analytics.models import DailyMetric, Scorecard
from analytics.models.scorecards import flag_raised, flags_of
from analytics.scorecards.rules import DECLINING
from analytics.scorecards.windows import DEFAULT_DAYS
from connections.models import Connection, Source
from imports.models import ImportRun
from lib.dates import monday_of
from lib.urls import import_upload_url, url_of_handle
from notifications.models import AlertEvent, AlertRecipient, AlertRule, Webhook, WebhookDelivery
from strategy.models import Checklist
from strategy.selectors import WeekProgress, progress_of
from strategy.selectors.states import states_of_checklists

# No metric day in this many days (today included) means the account's data stopped.
STALE_DAYS = 3
# From this weekday (Thursday) a checklist under half done is behind.
BEHIND_FROM_WEEKDAY = 3
BEHIND_SHARE = 0.5
# Failed imports are shown for a week, unless a later import of the team succeeded.
FAILED_IMPORT_DAYS = 7
# The team's latest applied imports searched for an account's last import.
RECENT_IMPORTS = 500
# The lines of a topic read and shown; the others are only counted.
SHOWN_LINES = 50
# The failed imports shown (they are not counted beyond these).
FAILED_IMPORTS_SHOWN = 20


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
    # The account the line names; "" for an import.
    handle: str = ""


@dataclass(frozen=True)
class Section:
    topic: str
    title: str
    # The first SHOWN_LINES lines, by handle.
    lines: list[AttentionLine]
    # The topic's lines in all, shown or not.
    count: int

    @property
    def more(self) -> int:
        """The lines counted but not shown."""
        return self.count - len(self.lines)


@dataclass
class Attention:
    today: date
    # The shown lines of every topic (at most SHOWN_LINES a topic).
    lines: list[AttentionLine] = field(default_factory=list)
    # Each topic's lines in all, shown or not.
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, topic: str, lines: list[AttentionLine], count: int) -> None:
        self.lines += lines
        self.counts[topic] = self.counts.get(topic, 0) + count

    @property
    def sections(self) -> list[Section]:
        """The topics that have lines, in TOPIC_TITLES' order."""
        sections = []
        for topic, title in TOPIC_TITLES.items():
            lines = [line for line in self.lines if line.topic == topic]
            if lines:
                sections.append(Section(topic, title, lines[:SHOWN_LINES], self.counts[topic]))
        return sections


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
    """attention_scope()'s accounts by handle (a manager's week, a digest's grades)."""
    accounts = list(attention_scope(user=user, membership=membership).order_by("handle"))
    # All of the membership's team: one Team for them all rather than one joined per row.
    for account in accounts:
        account.team = membership.team
    return accounts


def attention_get(
    *,
    user: AbstractBaseUser,
    membership: Membership,
    today: date | None = None,
    week: list[WeekProgress] | None = None,
) -> Attention:
    """Needs attention for the user in the team: a manager's lines are their accounts'.

    `week`: the accounts' rows of today's week (strategy's week_progress) when the caller
    has read them already (a manager's home page shows them too); the checklists behind
    are then taken from them. Otherwise the database finds them.
    """
    today = today or timezone.localdate()
    scope = attention_scope(user=user, membership=membership)
    slug = membership.team.slug
    attention = Attention(today=today)
    attention.add(Topic.STOPPED, *_stopped_lines(scope, membership.team, today))
    attention.add(Topic.SCORECARD, *_scorecard_lines(scope, slug))
    attention.add(Topic.CHECKLIST, *_checklist_lines(scope, membership.team, today, week))
    for topic, lines, count in _connection_lines(scope, slug):
        attention.add(topic, lines, count)
    failed = _failed_import_lines(user, membership, today)
    attention.add(Topic.FAILED, failed, len(failed))
    return attention


def _first(rows: QuerySet, *fields: str) -> tuple[list[tuple], int]:
    """`fields` of `rows`' first SHOWN_LINES, and how many rows there are in all (which the
    database counts in the same query)."""
    first = list(
        rows.annotate(in_all=Window(Count("pk"))).values_list(*fields, "in_all")[:SHOWN_LINES]
    )
    return [row[:-1] for row in first], first[0][-1] if first else 0


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.strftime("%-d %b %Y")


def _last_imports(team: Team, by_handle: dict[str, int]) -> dict[int, datetime]:
    """When each account (its id by its handle) was last in an applied import, among the
    team's recent imports.

    An import of several accounts names them in `account_handles` (its `account` is
    empty), so the team's latest imports are read once and matched here.
    """
    if not by_handle:
        return {}
    runs = (
        ImportRun.objects.filter(team=team, status=ImportRun.Status.APPLIED)
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


def _stopped_lines(
    scope: QuerySet[Account], team: Team, today: date
) -> tuple[list[AttentionLine], int]:
    since = today - timedelta(days=STALE_DAYS - 1)
    last_metric = DailyMetric.objects.filter(account=OuterRef("pk")).order_by("-date")
    last_sync = Connection.objects.filter(
        account=OuterRef("pk"), last_sync_at__isnull=False
    ).order_by("-last_sync_at")
    stopped, count = _first(
        scope.annotate(
            last_metric_day=Subquery(last_metric.values("date")[:1]),
            last_sync_at=Subquery(last_sync.values("last_sync_at")[:1]),
        )
        # No metric day since then (none at all included): one probe of the index each.
        .exclude(Exists(DailyMetric.objects.filter(account=OuterRef("pk"), date__gte=since)))
        .order_by("handle"),
        "pk",
        "handle",
        "last_metric_day",
        "last_sync_at",
    )
    last_imports = _last_imports(team, {handle: pk for pk, handle, _, _ in stopped})
    lines = []
    for pk, handle, last_metric_day, last_sync_at in stopped:
        if last_metric_day is None:
            text = f"@{handle} has no daily figures yet"
        else:
            text = f"@{handle} has no figures since {_day(last_metric_day)}"
        sources = []
        if pk in last_imports:
            sources.append(f"last import {_day(last_imports[pk])}")
        if last_sync_at:
            sources.append(f"last sync {_day(last_sync_at)}")
        text += f" ({', '.join(sources)})." if sources else " (never imported or synced)."
        url = import_upload_url(team.slug, handle)
        lines.append(AttentionLine(Topic.STOPPED, text, url, "Import figures", handle))
    return lines, count


def _scorecard_lines(scope: QuerySet[Account], slug: str) -> tuple[list[AttentionLine], int]:
    """The accounts' latest scorecards that are declining or not reviewed yet."""
    cards = (
        latest_cards(scope)
        .filter(Q(reviewed_at__isnull=True) | flag_raised(DECLINING))
        .order_by("account__handle")
    )
    first, count = _first(
        cards,
        "account__handle",
        "period_start",
        "period_end",
        "overall_score",
        "previous_overall_score",
        "grade",
        "flags",
    )
    scorecard_url = url_of_handle("analytics:account-scorecard", slug)
    lines = []
    for handle, start, end, score, previous, grade, flags in first:
        url = scorecard_url(handle)
        period = f"{_day(start)} – {_day(end)}"
        if DECLINING in flags_of(flags):
            change = ""
            if score is not None and previous is not None:
                change = f", {score - previous:+.1f} points"
            text = f"@{handle} is declining (grade {grade or '—'}{change}, {period})."
            lines.append(AttentionLine(Topic.SCORECARD, text, url, "Open the scorecard", handle))
        else:
            text = f"@{handle}'s scorecard for {period} is not reviewed."
            lines.append(AttentionLine(Topic.SCORECARD, text, url, "Review it", handle))
    return lines, count


def _is_behind(done: int, total: int) -> bool:
    """A checklist under BEHIND_SHARE done; one without items that count is not behind."""
    return bool(total) and done / total < BEHIND_SHARE


def _checklist_lines(
    scope: QuerySet[Account], team: Team, today: date, week: list[WeekProgress] | None
) -> tuple[list[AttentionLine], int]:
    """This week's checklists under half done, from Thursday on.

    Without `week`, the database finds them by their stored figures
    (strategy.models.WeekPractice); a checklist without them (written around the write
    services) has its progress computed from its items, as week_progress does.
    """
    if today.weekday() < BEHIND_FROM_WEEKDAY:
        return [], 0
    if week is not None:
        behind = [
            (row.account.handle, row.progress.done, row.progress.total)
            for row in week
            if row.checklist is not None and _is_behind(row.progress.done, row.progress.total)
        ]
        count = len(behind)
    else:
        behind, count = _checklists_behind(scope, monday_of(today), team)
    checklist_url = url_of_handle("strategy:checklist", team.slug)
    lines = [
        AttentionLine(
            Topic.CHECKLIST,
            f"@{handle}'s checklist is {done} of {total} done.",
            checklist_url(handle),
            "Open the checklist",
            handle,
        )
        for handle, done, total in behind[:SHOWN_LINES]
    ]
    return lines, count


def _checklists_behind(
    scope: QuerySet[Account], week_start: date, team: Team
) -> tuple[list[tuple[str, int, int]], int]:
    """(handle, done, total) of the first SHOWN_LINES checklists of the week behind, by
    handle, and how many are behind in all: one query, and the items' reads only for the
    checklists without stored figures."""
    unstored = Q(practice__isnull=True)
    # done / counted < BEHIND_SHARE, in the database's exact arithmetic.
    share_of_counted = ExpressionWrapper(
        F("practice__counted") * BEHIND_SHARE, output_field=FloatField()
    )
    stored_behind = Q(practice__counted__gt=0, practice__done__lt=share_of_counted)
    # Ranked and counted apart: the checklists with stored figures, and those without.
    apart = {"partition_by": [F("unstored")]}
    query = (
        Checklist.objects.filter(account__in=scope.values("pk"), week_start=week_start)
        .filter(unstored | stored_behind)
        .annotate(unstored=Case(When(unstored, then=True), default=False))
        .annotate(
            rank=Window(RowNumber(), order_by=F("account__handle").asc(), **apart),
            in_part=Window(Count("pk"), **apart),
        )
        .filter(Q(unstored=True) | Q(rank__lte=SHOWN_LINES))
        .select_related("account", "practice")
        .order_by("account__handle")
    )
    rows = list(query)
    unstored_rows = [row for row in rows if row.unstored]
    for checklist in unstored_rows:
        checklist.account.team = team
    progress = {
        pk: progress_of(states) for pk, states in states_of_checklists(unstored_rows).items()
    }
    # The stored ones come counted; the others are counted here, the database's order kept.
    count = next((row.in_part for row in rows if not row.unstored), 0)
    behind = []
    for checklist in rows:
        if checklist.unstored:
            done, total = progress[checklist.pk].done, progress[checklist.pk].total
            if not _is_behind(done, total):
                continue
            count += 1
        else:
            done, total = checklist.practice.done, checklist.practice.counted
        behind.append((checklist.account.handle, done, total))
    return behind[:SHOWN_LINES], count


def failing_connections(*, accounts: QuerySet[Account]) -> QuerySet[Connection]:
    """The accounts' connections that need reconnecting or whose last sync failed."""
    return Connection.objects.filter(account__in=accounts.values("pk")).filter(
        Q(status=Connection.Status.NEEDS_RECONNECT) | Q(last_sync_ok=False)
    )


def _connection_lines(
    scope: QuerySet[Account], slug: str
) -> list[tuple[str, list[AttentionLine], int]]:
    """(topic, lines, count) of the connections to reconnect, then of the failed syncs (a
    connection to reconnect is listed there only).

    One query: each topic's connections are ranked by handle apart and counted, and read
    in rank order, so the first 2 x SHOWN_LINES rows hold each topic's first SHOWN_LINES
    (a topic with fewer leaves its room to the other, whose extra rows are dropped here).
    """
    apart = {"partition_by": [F("to_reconnect")]}
    rows = (
        failing_connections(accounts=scope)
        .annotate(
            handle=F("account__handle"),
            to_reconnect=Case(
                When(status=Connection.Status.NEEDS_RECONNECT, then=True), default=False
            ),
        )
        .annotate(
            rank=Window(RowNumber(), order_by=[F("handle").asc(), F("source").asc()], **apart),
            in_topic=Window(Count("pk"), **apart),
        )
        .order_by("rank", "to_reconnect")
        .values_list(
            "to_reconnect", "rank", "in_topic", "handle", "source", "last_sync_at", "last_error"
        )[: 2 * SHOWN_LINES]
    )
    labels = dict(Source.choices)  # as get_source_display() names them
    found: dict[str, tuple[list[AttentionLine], int]] = {
        Topic.CONNECTION: ([], 0),
        Topic.FAILED: ([], 0),
    }
    for to_reconnect, rank, in_topic, handle, source, last_sync_at, last_error in rows:
        if rank > SHOWN_LINES:
            continue
        label = labels.get(source, source)
        if to_reconnect:
            topic = Topic.CONNECTION
            text = f"@{handle}'s {label} connection needs reconnecting."
            url = reverse("connections:connection-start", args=[slug, handle, source])
            line = AttentionLine(topic, text, url, "Reconnect", handle)
        else:
            topic = Topic.FAILED
            text = f"@{handle}'s {label} sync failed on {_day(last_sync_at)}."
            if last_error:
                text = f"{text[:-1]}: {last_error[:120]}"
            url = reverse("connections:connection-list", args=[slug])
            line = AttentionLine(topic, text, url, "Sync again", handle)
        lines = found[topic][0]
        lines.append(line)
        found[topic] = (lines, in_topic)
    return [(topic, lines, count) for topic, (lines, count) in found.items()]


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
        .order_by("-created_at")[:FAILED_IMPORTS_SHOWN]
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

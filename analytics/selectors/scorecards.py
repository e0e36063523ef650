"""Reads of stored scorecards for the review pages, scoped to the asking user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OrderBy,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length, NullIf, Replace
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Account, Membership
from accounts.selectors import handle_is_valid
from analytics import rules
from analytics.models import DailyMetric, Scorecard, ScorecardRun
from analytics.services.scorecards import account_targets
from lib.dates import yesterday

DEFAULT_DAYS = 28
HISTORY_LENGTH = 20

# Sortable columns of the review table: the URL's name for each and what it orders by.
# Every order puts nulls last, so accounts without a figure never crowd the top.
SORT_EXPRESSIONS: dict[str, object] = {
    "handle": F("account__handle"),
    "kind": F("account__kind"),
    "engagement_score": F("engagement_score"),
    "roi_score": F("roi_score"),
    "overall_score": F("overall_score"),
    # A blank grade means there was no overall score: it sorts with the nulls.
    "grade": NullIf(F("grade"), Value("")),
    "quadrant": F("quadrant_rank"),
    "trend": F("trend"),
    "flags": F("flag_count"),
    "reviewed": F("reviewed_at"),
}
DEFAULT_SORT = "handle"
# The practice score is computed on read from the checklists, not stored: it has no
# expression here, and analytics.selectors.practice sorts by it.
PRACTICE_SORT = "practice"
SORT_COLUMNS = (*SORT_EXPRESSIONS, PRACTICE_SORT)


@dataclass(frozen=True)
class Window:
    days: int
    start: date
    end: date

    @property
    def previous(self) -> Window:
        start, end = rules.previous_period(self.end, self.days)
        return Window(days=self.days, start=start, end=end)


def window_of(*, end: date, days: int) -> Window:
    start, end = rules.period(end, days)
    return Window(days=days, start=start, end=end)


def scorecard_default_end(*, user: AbstractBaseUser, membership: Membership, days: int) -> date:
    """The latest day that has data among the team's visible active accounts; without any
    data, the latest period end stored; else yesterday.

    Not the latest stored period end first: a window ending on a download day, which has
    no data yet, would show every account on a day without figures.
    """
    latest = (
        DailyMetric.objects.visible_to(user)
        .filter(account__team=membership.team, account__archived=False, date__lte=yesterday())
        .aggregate(latest=Max("date"))["latest"]
    )
    if latest is None:
        latest = (
            Scorecard.objects.visible_to(user)
            .filter(account__team=membership.team, days=days)
            .aggregate(latest=Max("period_end"))["latest"]
        )
    return latest or yesterday()


@dataclass
class UnscoredRow:
    """A row of the review table for an active account without a scorecard in the window.

    It answers what the table asks of a Scorecard: no scores, and the flags a window
    without rows carries when it has none (else none: its rows are not scored yet).
    """

    account: Account
    days: int
    period_end: date
    rows_in_window: int
    last_data_day: date | None
    flag_list: list[str]
    unscored: bool = True
    engagement_score: None = None
    roi_score: None = None
    overall_score: None = None
    previous_overall_score: None = None
    trend: None = None
    grade: str = ""
    quadrant: str = ""
    reviewed_at: None = None
    days_with_rows: int = 0
    practice_score: Decimal | None = None
    scorecard_url: str = ""

    @property
    def account_id(self) -> int:
        return self.account.pk


def unscored_rows(
    *,
    user: AbstractBaseUser,
    membership: Membership,
    window: Window,
    kind: str = "",
    grade: str = "",
    quadrant: str = "",
    flag: str = "",
    search: str = "",
) -> list[UnscoredRow]:
    """The team's visible active accounts that have no scorecard of the window, by handle.

    Every active account is listed in every window: one without a scorecard shows as such,
    with the last day that has data (one query). None matches a grade or quadrant filter.
    """
    if grade or quadrant:
        return []
    accounts = (
        Account.objects.visible_to(user)
        .filter(team=membership.team, archived=False)
        .exclude(scorecards__days=window.days, scorecards__period_end=window.end)
    )
    if kind:
        accounts = accounts.filter(kind=kind)
    if search:
        accounts = accounts.filter(handle__icontains=search.strip().removeprefix("@"))
    accounts = accounts.annotate(
        last_data_day=Max("daily_metrics__date"),
        rows_in_window=Count(
            "daily_metrics", filter=Q(daily_metrics__date__range=(window.start, window.end))
        ),
    ).order_by("handle")
    rows = []
    for account in accounts:
        flags: list[str] = []
        if account.rows_in_window == 0:
            flags = list(
                rules.flags_without_rows(
                    kind=account.kind, verified=account.verified, days=window.days
                )
            )
        if flag and flag not in flags:
            continue
        rows.append(
            UnscoredRow(
                account=account,
                days=window.days,
                period_end=window.end,
                rows_in_window=account.rows_in_window,
                last_data_day=account.last_data_day,
                flag_list=flags,
            )
        )
    return rows


def last_data_days(account_ids: list[int]) -> dict[int, date]:
    """The last day that has data of each account (one query)."""
    if not account_ids:
        return {}
    rows = (
        DailyMetric.objects.filter(account_id__in=account_ids)
        .values("account_id")
        .annotate(last=Max("date"))
        .values_list("account_id", "last")
    )
    return dict(rows)


def scorecard_list(
    *,
    user: AbstractBaseUser,
    membership: Membership,
    window: Window,
    kind: str = "",
    grade: str = "",
    quadrant: str = "",
    flag: str = "",
    search: str = "",
    sort: str = DEFAULT_SORT,
) -> QuerySet[Scorecard]:
    """The team's scorecards of one window that the user may see, filtered and sorted."""
    cards = Scorecard.objects.visible_to(user).filter(
        account__team=membership.team,
        account__archived=False,
        days=window.days,
        period_end=window.end,
    )
    if kind:
        cards = cards.filter(account__kind=kind)
    if grade:
        cards = cards.filter(grade=grade)
    if quadrant:
        cards = cards.filter(quadrant=quadrant)
    if flag:
        cards = cards.filter(_has_flag(flag))
    if search:
        cards = cards.filter(account__handle__icontains=search.strip().removeprefix("@"))
    cards = cards.annotate(
        trend=F("overall_score") - F("previous_overall_score"),
        quadrant_rank=Case(
            *(When(quadrant=name, then=Value(rank)) for rank, name in enumerate(rules.QUADRANTS)),
            default=None,
            output_field=IntegerField(),
        ),
        flag_count=Case(
            When(flags="", then=Value(0)),
            default=Length("flags") - Length(Replace("flags", Value(";"), Value(""))) + 1,
            output_field=IntegerField(),
        ),
    )
    return cards.select_related("account", "reviewed_by").order_by(*_ordering(sort))


@dataclass(frozen=True)
class CardsOverview:
    """What the review page shows of all the cards, not only of its page."""

    points: list[dict[str, object]]  # the scatter chart's, one per card with an overall score
    count: int
    computed_at: datetime | None  # when the newest card was computed


def scorecard_overview(cards: QuerySet[Scorecard]) -> CardsOverview:
    """The scatter chart's points, the number of cards and when the newest was computed:
    one query whatever the number of accounts."""
    rows = cards.order_by().values_list(
        "account__handle",
        "account__kind",
        "engagement_score",
        "roi_score",
        "overall_score",
        "computed_at",
    )
    points, count, newest = [], 0, None
    for handle, kind, engagement, roi, overall, computed_at in rows:
        count += 1
        if newest is None or computed_at > newest:
            newest = computed_at
        # An account without an overall score has no quadrant and is not placed on the map
        # (docs/scoring.md, "Grade and quadrant"); otherwise a missing side is drawn at 0, as
        # the quadrant rule counts it.
        if overall is not None:
            points.append(
                {"handle": handle, "kind": kind, "x": float(engagement or 0), "y": float(roi or 0)}
            )
    return CardsOverview(points=points, count=count, computed_at=newest)


def scorecard_latest(*, account: Account, days: int = DEFAULT_DAYS) -> Scorecard | None:
    """The newest scorecard of an account the caller already checked the user may see."""
    return account.scorecards.filter(days=days).order_by("-period_end").first()


def scorecard_find(*, account: Account, days: int, end: date) -> Scorecard | None:
    return (
        Scorecard.objects.filter(account=account, days=days, period_end=end)
        .select_related("account", "reviewed_by")
        .first()
    )


def scorecard_get(
    *, user: AbstractBaseUser, membership: Membership, handle: str, days: int, end: date
) -> Scorecard:
    """One visible scorecard of the team; 404 when it does not exist or is not the user's."""
    if not handle_is_valid(handle):
        raise Http404("No such account in this team.")
    cards = Scorecard.objects.visible_to(user).filter(account__team=membership.team)
    return get_object_or_404(
        cards.select_related("account", "reviewed_by"),
        account__handle=handle.lower(),
        days=days,
        period_end=end,
    )


def scorecards_of_handles(
    *, user: AbstractBaseUser, membership: Membership, days: int, end: date, handles: list[str]
) -> QuerySet[Scorecard]:
    """The visible scorecards of the team's active accounts named, of one window."""
    return Scorecard.objects.visible_to(user).filter(
        account__team=membership.team,
        account__archived=False,
        account__handle__in=[handle.lower() for handle in handles if handle_is_valid(handle)],
        days=days,
        period_end=end,
    )


def scorecard_history(*, account: Account, days: int) -> list[Scorecard]:
    """The account's latest HISTORY_LENGTH scorecards of `days` days, newest first."""
    cards = list(
        Scorecard.objects.filter(account=account, days=days)
        .select_related("reviewed_by")
        .annotate(trend=F("overall_score") - F("previous_overall_score"))
        .order_by("-period_end")[:HISTORY_LENGTH]
    )
    for card in cards:
        card.account = account
    return cards


def scorecard_with_history(
    *, account: Account, days: int, end: date | None
) -> tuple[date, Scorecard | None, list[Scorecard]]:
    """The window's end (the latest scorecard's when `end` is None, as account_default_end),
    its scorecard or None, and scorecard_history(): one query unless the asked scorecard is
    older than the history."""
    history = scorecard_history(account=account, days=days)
    if end is None:
        end = history[0].period_end if history else yesterday()
    card = next((c for c in history if c.period_end == end), None)
    covered = len(history) < HISTORY_LENGTH or end >= history[-1].period_end
    if card is None and not covered:
        card = scorecard_find(account=account, days=days, end=end)
    return end, card, history


def account_default_end(*, account: Account, days: int) -> date:
    latest = account.scorecards.filter(days=days).aggregate(latest=Max("period_end"))["latest"]
    return latest or yesterday()


@dataclass(frozen=True)
class DailyPoint:
    day: date
    views: int | None
    engagement_rate: Decimal | None
    spend: Decimal | None
    roas: Decimal | None


def daily_series(*, account: Account, window: Window) -> list[DailyPoint]:
    """One point per day of the window; a day without a metric row has only nulls."""
    rows = {
        row.date: row
        for row in DailyMetric.objects.filter(
            account=account, date__range=(window.start, window.end)
        ).only("date", "video_views", "likes", "comments", "shares", "spend", "revenue")
    }
    points = []
    for offset in range(window.days):
        day = window.start + timedelta(days=offset)
        row = rows.get(day)
        if row is None:
            points.append(DailyPoint(day, None, None, None, None))
            continue
        interactions = row.likes + row.comments + row.shares
        points.append(
            DailyPoint(
                day=day,
                views=row.video_views,
                engagement_rate=(
                    Decimal(interactions) / Decimal(row.video_views) if row.video_views else None
                ),
                spend=row.spend,
                roas=row.revenue / row.spend if row.spend else None,
            )
        )
    return points


def scorecard_run_get(*, membership: Membership, public_id: UUID) -> ScorecardRun:
    """A recompute of the membership's team; other teams' runs are 404."""
    return get_object_or_404(ScorecardRun.objects.filter(team=membership.team), public_id=public_id)


def _has_flag(flag: str) -> Q:
    # Flags are stored joined with ';'; matching whole names keeps one flag from
    # matching inside another.
    return (
        Q(flags=flag)
        | Q(flags__startswith=f"{flag};")
        | Q(flags__endswith=f";{flag}")
        | Q(flags__contains=f";{flag};")
    )


def _ordering(sort: str) -> list[OrderBy]:
    descending = sort.startswith("-")
    name = sort.removeprefix("-")
    if name == PRACTICE_SORT:
        # Sorted by practice score in Python afterwards; equal scores keep this order.
        return [F("account__handle").asc()]
    expression = SORT_EXPRESSIONS.get(name, SORT_EXPRESSIONS[DEFAULT_SORT])
    order = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return [order, F("account__handle").asc()]


@dataclass(frozen=True)
class FigureRow:
    """One line of an account's scorecard: a figure, its target and its sub-score."""

    name: str
    label: str
    value: object
    form: str  # count, money or rate: how the template formats the value
    target: Decimal | None = None
    sub_score: Decimal | None = None
    missing: str = ""  # why the figure is '—', for its tooltip
    sub_score_missing: str = ""


NO_VIEWS = "No views in this period, so there is nothing to divide by."
NO_SPEND = "No spend in this period, so there is nothing to divide by."
NO_CLICKS = "No clicks in this period, so there is nothing to divide by."
NO_IMPRESSIONS = "No impressions in this period, so there is nothing to divide by."
NO_CONVERSIONS = "No conversions in this period, so there is nothing to divide by."
NO_FOLLOWERS = "No follower count was recorded for this period."
ZERO_FOLLOWERS = "The follower count at the start was 0, so there is nothing to divide by."
ZERO_TARGET = "The target is 0, so there is no sub-score."


def scorecard_figures(card: Scorecard) -> tuple[list[FigureRow], list[FigureRow]]:
    """(figures with a target and sub-score, other figures) of a stored scorecard.

    Sub-scores are not stored; they come from the stored figures and the account's
    current targets through the same rules the scorecard used.
    """
    targets = rules.scaled_targets(account_targets(card.account), card.days)
    growth_missing = ZERO_FOLLOWERS if card.followers_base == 0 else NO_FOLLOWERS
    scored = [
        ("engagement_rate", "Engagement rate", NO_VIEWS),
        ("follower_growth", f"Follower growth over {card.days} days", growth_missing),
        ("ctr", "Click-through rate (CTR)", NO_IMPRESSIONS),
        ("conversion_rate", "Conversion rate", NO_CLICKS),
        ("roi", "Return on investment (ROI)", NO_SPEND),
    ]
    with_targets = []
    for name, label, why in scored:
        value = getattr(card, name)
        target = getattr(targets, name)
        sub = rules.sub_score(value, target)
        with_targets.append(
            FigureRow(
                name=name,
                label=label,
                value=value,
                form="rate",
                target=target,
                sub_score=rules.round_score(sub),
                missing=why if value is None else "",
                sub_score_missing=(why if value is None else ZERO_TARGET) if sub is None else "",
            )
        )
    others = [
        FigureRow("views", "Video views", card.views, "count"),
        FigureRow(
            "interactions", "Interactions (likes, comments, shares)", card.interactions, "count"
        ),
        FigureRow("impressions", "Paid impressions", card.impressions, "count"),
        FigureRow("clicks", "Paid clicks", card.clicks, "count"),
        FigureRow("conversions", "Conversions", card.conversions, "count"),
        FigureRow("spend", "Spend", card.spend, "money"),
        FigureRow("revenue", "Revenue", card.revenue, "money"),
        FigureRow(
            "cpa",
            "Cost per acquisition (CPA)",
            card.cpa,
            "money",
            missing=NO_CONVERSIONS if card.cpa is None else "",
        ),
        FigureRow(
            "roas",
            "Return on ad spend (ROAS)",
            card.roas,
            "rate",
            missing=NO_SPEND if card.roas is None else "",
        ),
    ]
    return with_targets, others


def scorecard_run_pending_for(*, account: Account) -> ScorecardRun | None:
    """A recompute queued or running that covers the account (an import's, a lead's)."""
    runs = ScorecardRun.objects.filter(
        status__in=[ScorecardRun.Status.PENDING, ScorecardRun.Status.RUNNING]
    ).filter(
        Q(team_id=account.team_id)
        | Q(scope__in=[ScorecardRun.Scope.ALL, ScorecardRun.Scope.ACCOUNTS])
    )
    fields = ("scope", "account_ids", "status", "task_id", "public_id", "team_id")
    # The newest few; their account lists are read here, the same on every database (an
    # import's run names its accounts, not its team).
    for run in runs.only(*fields).order_by("-created_at")[:50]:
        if run.scope != ScorecardRun.Scope.ACCOUNTS or account.pk in (run.account_ids or []):
            return run
    return None

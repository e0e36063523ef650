"""Reads of stored scorecards for the team's review page (table, unscored rows, chart),
scoped to the asking user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Length, NullIf, Replace
from django.shortcuts import get_object_or_404

from accounts.models import Account, Membership
from accounts.selectors import handle_is_valid
from analytics.models import DailyMetric, Scorecard, ScorecardRun
from analytics.scorecards import rules
from analytics.scorecards.windows import Window
from lib.dates import yesterday

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
# The practice score is a sum over strategy's stored weekly figures, not a column of the
# scorecard: analytics.review.table annotates and sorts by it.
PRACTICE_SORT = "practice"
SORT_COLUMNS = (*SORT_EXPRESSIONS, PRACTICE_SORT)


def last_data_day(account: str = "pk") -> Subquery:
    """The last day that has a metric row of the account the outer query's `account`
    field names (an index lookup), or None."""
    last = DailyMetric.objects.filter(account=OuterRef(account)).order_by("-date").values("date")
    return Subquery(last[:1])


def active_accounts(*, user: AbstractBaseUser, membership: Membership) -> QuerySet[Account]:
    """The team's active accounts the user sees, in no order: a query, not yet read."""
    return Account.objects.visible_to(user, membership).filter(archived=False)


def team_accounts(
    *, user: AbstractBaseUser, membership: Membership, active: QuerySet[Account] | None = None
) -> QuerySet[Account]:
    """The team's active accounts the user sees (`active`, when the caller has them: of
    active_accounts()), by handle, each with `last_data_day`: the last day that has a
    metric row, or None. A query to narrow further, not yet read."""
    if active is None:
        active = active_accounts(user=user, membership=membership)
    return active.annotate(last_data_day=last_data_day()).order_by("handle")


def scorecard_default_end(
    *,
    user: AbstractBaseUser,
    membership: Membership,
    days: int,
    accounts: QuerySet[Account] | None = None,
) -> date:
    """The latest day that has data among the team's visible active accounts (at most
    yesterday); without any data, the latest period end stored; else yesterday.

    Not the latest stored period end first: a window ending on a download day, which has
    no data yet, would show every account on a day without figures.

    A team that imports or syncs daily has data up to yesterday: one query stops at the
    first account that has it (the maximum would look up the last day of every account).
    Otherwise a second query takes the maximum, and a third the stored period ends when
    there is no data at all.
    """
    if accounts is None:
        accounts = team_accounts(user=user, membership=membership)
    accounts = accounts.order_by()
    newest_possible = yesterday()
    if accounts.filter(last_data_day__gte=newest_possible).exists():
        return newest_possible
    latest = accounts.aggregate(latest=Max("last_data_day"))["latest"]
    if latest is not None:
        return min(latest, newest_possible)
    latest = (
        Scorecard.objects.visible_to(user, membership)
        .filter(days=days)
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
    # Items done and counted in the window's weeks (strategy.selectors.Progress), when read.
    practice: object = None
    scorecard_url: str = ""

    @property
    def account_id(self) -> int:
        return self.account.pk


def listed_accounts(
    accounts: QuerySet[Account], *, kind: str = "", search: str = ""
) -> QuerySet[Account]:
    """Of `accounts` (team_accounts() or active_accounts()), those the table lists under
    these filters, with a scorecard of the window or without."""
    if kind:
        accounts = accounts.filter(kind=kind)
    if search:
        accounts = accounts.filter(handle__contains=search.strip().removeprefix("@").lower())
    return accounts


def unscored_rows(
    *,
    accounts: QuerySet[Account],
    window: Window,
    kind: str = "",
    grade: str = "",
    quadrant: str = "",
    flag: str = "",
    search: str = "",
) -> list[UnscoredRow]:
    """Of `accounts` (team_accounts()), those without a scorecard of the window, by handle.

    Every active account is listed in every window: one without a scorecard shows as such,
    with the last day that has data. None matches a grade or quadrant filter. One query for
    the accounts; only when an account's data reaches into the window are its rows there
    counted (one more).
    """
    if grade or quadrant:
        return []
    accounts = listed_accounts(accounts, kind=kind, search=search)
    of_the_window = Scorecard.objects.filter(
        account=OuterRef("pk"), days=window.days, period_end=window.end
    )
    candidates = list(accounts.exclude(Exists(of_the_window)))
    reaching = [a.pk for a in candidates if a.last_data_day and a.last_data_day >= window.start]
    counts: dict[int, int] = {}
    if reaching:
        counts = dict(
            DailyMetric.objects.filter(
                account_id__in=reaching, date__range=(window.start, window.end)
            )
            .values("account_id")
            .annotate(rows=Count("pk"))
            .values_list("account_id", "rows")
        )
    rows = []
    for account in candidates:
        in_window = counts.get(account.pk, 0)
        flags: list[str] = []
        if in_window == 0:
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
                rows_in_window=in_window,
                last_data_day=account.last_data_day,
                flag_list=flags,
            )
        )
    return rows


def scorecard_list(*, sort: str = DEFAULT_SORT, **filters: Any) -> QuerySet[Scorecard]:
    """The team's scorecards of one window that the user may see, filtered (the keywords of
    scorecards_matching) and sorted."""
    return scorecards_sorted(scorecards_matching(**filters), sort=sort)


def scorecards_matching(
    *,
    user: AbstractBaseUser,
    membership: Membership,
    window: Window,
    kind: str = "",
    grade: str = "",
    quadrant: str = "",
    flag: str = "",
    search: str = "",
) -> QuerySet[Scorecard]:
    """The team's scorecards of one window that the user may see, filtered, in no order and
    without the sort's annotations (what scorecard_overview counts)."""
    cards = Scorecard.objects.visible_to(user, membership).filter(
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
    return cards


def scorecards_sorted(cards: QuerySet[Scorecard], *, sort: str) -> QuerySet[Scorecard]:
    """scorecards_matching()'s cards with their trend, in the order `sort` names."""
    cards = cards.annotate(trend=F("overall_score") - F("previous_overall_score"))
    # The sort keys that are not columns are built only for their own sort: each costs the
    # page's every query on these cards a few hundred function calls to build and compile.
    name = sort.removeprefix("-")
    if name == "quadrant":
        cards = cards.annotate(
            quadrant_rank=Case(
                *(
                    When(quadrant=quadrant, then=Value(rank))
                    for rank, quadrant in enumerate(rules.QUADRANTS)
                ),
                default=None,
                output_field=IntegerField(),
            )
        )
    elif name == "flags":
        cards = cards.annotate(
            flag_count=Case(
                When(flags="", then=Value(0)),
                default=Length("flags") - Length(Replace("flags", Value(";"), Value(""))) + 1,
                output_field=IntegerField(),
            )
        )
    return cards.select_related("account", "reviewed_by").order_by(*_ordering(sort))


@dataclass(frozen=True)
class CardsOverview:
    """What the review page shows of all the cards, not only of its page."""

    # The scatter chart's, one per card with an overall score: [handle, kind, engagement,
    # ROI]. Lists, not objects: a lead's thousand points are the page's biggest part.
    # None when not read (scorecard_overview(points=False)).
    points: list[tuple[str, str, float, float]] | None
    count: int
    computed_at: datetime | None  # when the newest card was computed
    # How many accounts the table lists (scorecard_overview's `listed`), when there are
    # cards; as many cards as listed accounts means that none is without a card.
    listed: int | None = None

    @property
    def every_account_scored(self) -> bool:
        return self.listed is not None and self.count >= self.listed


def scorecard_overview(
    cards: QuerySet[Scorecard], *, points: bool = True, listed: QuerySet[Account] | None = None
) -> CardsOverview:
    """The scatter chart's points, the number of cards and when the newest was computed:
    two queries whatever the number of accounts. Without the points, one. Best of
    scorecards_matching(): an aggregate carries the cards' annotations along, at a cost.

    With `listed` (listed_accounts()), its number too, counted inside the query that asks
    for the newest card: when every listed account has a card, the page need not look for
    accounts without one. Best of active_accounts(): a subquery carries its annotations,
    which Django resolves again even where it does not select them.
    """
    totals: dict[str, Any] = {"newest": Max("computed_at")}
    if listed is not None:
        # One value, as an aggregate: the accounts are of one team (counted per team).
        number = listed.order_by().values("team").annotate(n=Count("pk")).values("n")
        totals["listed"] = Max(Subquery(number, output_field=IntegerField()))
    if not points:
        read = cards.order_by().aggregate(count=Count("pk"), **totals)
        return CardsOverview(
            points=None,
            count=read["count"],
            computed_at=read["newest"],
            listed=read.get("listed"),
        )
    rows = cards.order_by().values_list(
        "account__handle", "account__kind", "engagement_score", "roi_score", "overall_score"
    )
    rows = list(rows)
    count = len(rows)
    # An account without an overall score has no quadrant and is not placed on the map
    # (docs/scoring.md, "Grade and quadrant"); otherwise a missing side is drawn at 0, as
    # the quadrant rule counts it. A comprehension: a lead's thousand points, appended one
    # by one, cost a thousand calls.
    chart = [
        (handle, kind, float(engagement or 0), float(roi or 0))
        for handle, kind, engagement, roi, overall in rows
        if overall is not None
    ]
    # The newest time is asked of the database: a thousand time-zone-aware datetimes cost
    # the page more to convert than this read.
    if not count:
        return CardsOverview(points=chart, count=0, computed_at=None)
    read = cards.order_by().aggregate(**totals)
    return CardsOverview(
        points=chart, count=count, computed_at=read["newest"], listed=read.get("listed")
    )


def scorecards_of_handles(
    *, user: AbstractBaseUser, membership: Membership, days: int, end: date, handles: list[str]
) -> QuerySet[Scorecard]:
    """The visible scorecards of the team's active accounts named, of one window."""
    return Scorecard.objects.visible_to(user, membership).filter(
        account__archived=False,
        account__handle__in=[handle.lower() for handle in handles if handle_is_valid(handle)],
        days=days,
        period_end=end,
    )


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
        # review_table.with_practice orders by the practice score, then by handle.
        return [F("account__handle").asc()]
    expression = SORT_EXPRESSIONS.get(name, SORT_EXPRESSIONS[DEFAULT_SORT])
    order = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return [order, F("account__handle").asc()]

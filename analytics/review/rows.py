"""Reads for the team's review page besides its cards (analytics.review.cards_read): the
default period, the rows of accounts without a scorecard, the cards a bulk review marks,
scoped to the asking user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404

from accounts.models import Account, Membership
from accounts.selectors import handle_is_valid
from analytics.models import DailyMetric, Scorecard, ScorecardRun
from analytics.review.cards_read import Cards, Scope
from analytics.scorecards import rules
from lib.dates import yesterday


def last_data_day(account: str = "pk") -> Subquery:
    """The last day that has a metric row of the account the outer query's `account`
    field names (an index lookup), or None."""
    last = DailyMetric.objects.filter(account=OuterRef(account)).order_by("-date").values("date")
    return Subquery(last[:1])


def scorecard_default_end(
    *, user: AbstractBaseUser, membership: Membership, days: int, scope: Scope | None = None
) -> date:
    """The latest day that has data among the team's visible active accounts (at most
    yesterday); without any data, the latest period end stored; else yesterday. `scope`:
    those accounts, when the caller has them.

    Not the latest stored period end first: a window ending on a download day, which has
    no data yet, would show every account on a day without figures.

    A team that imports or syncs daily has data up to yesterday: one query stops at the
    first account that has it (the maximum would look up the last day of every account).
    Otherwise a second query takes the maximum, and a third the stored period ends when
    there is no data at all.
    """
    if scope is None:
        scope = Scope(user=user, membership=membership)
    newest_possible = yesterday()
    if scope.has_data_since(newest_possible):
        return newest_possible
    accounts = Account.objects.visible_to(user, membership).filter(archived=False)
    latest = accounts.annotate(last_data_day=last_data_day()).aggregate(
        latest=Max("last_data_day")
    )["latest"]
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


def unscored_rows(cards: Cards) -> list[UnscoredRow]:
    """The accounts `cards` lists that have no scorecard of its window, by handle.

    Every active account is listed in every window: one without a scorecard shows as such,
    with the last day that has data. None matches a grade or quadrant filter. One query for
    the accounts; only when an account's data reaches into the window are its rows there
    counted (one more).
    """
    filters, window = cards.filters, cards.window
    if filters.grade or filters.quadrant or cards.scope.empty:
        return []
    sql, params = cards.without_card()
    candidates = list(
        Account.objects.filter(pk__in=RawSQL(sql, params))  # noqa: S611 (cards_read's SQL)
        .annotate(last_data_day=last_data_day())
        .order_by("handle")
    )
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
        if filters.flag and filters.flag not in flags:
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

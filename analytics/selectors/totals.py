"""The sums a scorecard is computed from, for many accounts at once.

One call is one aggregate query, whatever the number of accounts: the rows of the window
are grouped by account, and the follower values docs/scoring.md's growth rule needs come from
correlated subqueries that the database evaluates once per group (not once per row, and
not once per account in Python). The base of follower growth is COALESCE(latest before
the window, earliest in the window), which is `rules.resolve_followers_base` in SQL: the
database only looks for the earliest in the window when there is nothing before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from analytics import rules
from analytics.models import DailyMetric

_ZERO_MONEY = Decimal("0.00")


class _PerGroup(Subquery):
    """A subquery correlated with the grouping key only, so it is not itself grouped by.

    Django groups by every non-aggregate annotation; grouping by these subqueries would
    make the database run them for every row of the window instead of once per account.
    """

    def get_group_by_cols(self) -> list:
        return []


class _FirstPresent(Coalesce):
    """COALESCE of per-group subqueries, itself not grouped by (as `_PerGroup`)."""

    def get_group_by_cols(self) -> list:
        return []


def _followers(queryset: QuerySet[DailyMetric], order: str) -> _PerGroup:
    return _PerGroup(queryset.order_by(order).values("followers")[:1])


def window_totals(
    *, account_ids: Iterable[int] | QuerySet, start: date, end: date
) -> dict[int, rules.Totals]:
    """Totals per account id for the window start..end (both inclusive), in ONE query.

    `account_ids` may be a list of ids or a queryset of ids (it is then a subquery).
    Accounts without a row in the window are absent from the result: their totals are
    `rules.EMPTY_TOTALS`, whose follower values are None, so no follower base is needed.
    """
    ids = account_ids if isinstance(account_ids, QuerySet) else list(account_ids)
    with_followers = DailyMetric.objects.filter(
        account_id=OuterRef("account_id"), followers__isnull=False
    )
    in_window = with_followers.filter(date__gte=start, date__lte=end)
    rows = (
        DailyMetric.objects.filter(account_id__in=ids, date__gte=start, date__lte=end)
        .order_by()
        .values("account_id")
        .annotate(
            days_with_rows=Count("pk"),
            days_with_spend=Count("pk", filter=Q(spend__gt=0)),
            sum_video_views=Sum("video_views"),
            sum_interactions=Sum(F("likes") + F("comments") + F("shares")),
            sum_impressions=Sum("impressions"),
            sum_clicks=Sum("clicks"),
            sum_conversions=Sum("conversions"),
            sum_spend=Sum("spend"),
            sum_revenue=Sum("revenue"),
            followers_end=_followers(in_window, "-date"),
            followers_base=_FirstPresent(
                _followers(with_followers.filter(date__lt=start), "-date"),
                _followers(in_window, "date"),
            ),
        )
    )
    if connection.vendor == "postgresql":
        return _fetch_plain(rows)
    return {row["account_id"]: _totals(row) for row in rows}


def _fetch_plain(rows: QuerySet) -> dict[int, rules.Totals]:
    """The same query, its rows read as plain tuples (PostgreSQL).

    Django's per-value converters cost more than the rules for thousands of rows. Here
    psycopg's own types are already right but for the sums of integer columns, which
    PostgreSQL returns as numeric (Decimal): those are made ints, exactly.
    """
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        # No account at all (an empty list of ids): Django would not query either.
        return {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    totals = {}
    zero = _ZERO_MONEY
    for (
        account_id,
        days_with_rows,
        days_with_spend,
        video_views,
        interactions,
        impressions,
        clicks,
        conversions,
        spend,
        revenue,
        followers_end,
        followers_base,
    ) in fetched:
        totals[account_id] = rules.Totals(
            days_with_rows=days_with_rows,
            days_with_spend=days_with_spend,
            video_views=int(video_views or 0),
            interactions=int(interactions or 0),
            impressions=int(impressions or 0),
            clicks=int(clicks or 0),
            conversions=int(conversions or 0),
            # numeric(14,2) sums keep two places on PostgreSQL.
            spend=zero if spend is None else spend,
            revenue=zero if revenue is None else revenue,
            followers_end=followers_end,
            followers_base=followers_base,
        )
    return totals


def _totals(row: dict) -> rules.Totals:
    return rules.Totals(
        days_with_rows=row["days_with_rows"],
        days_with_spend=row["days_with_spend"],
        video_views=row["sum_video_views"] or 0,
        interactions=row["sum_interactions"] or 0,
        impressions=row["sum_impressions"] or 0,
        clicks=row["sum_clicks"] or 0,
        conversions=row["sum_conversions"] or 0,
        spend=_money(row["sum_spend"]),
        revenue=_money(row["sum_revenue"]),
        followers_end=row["followers_end"],
        followers_base=row["followers_base"],
    )


def _money(value: Decimal | None) -> Decimal:
    # SQLite (the demo) may hand back a sum with more places than the column has.
    return (value or _ZERO_MONEY).quantize(_ZERO_MONEY)

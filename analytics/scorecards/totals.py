"""The sums a scorecard is computed from, for many accounts at once.

`window_totals` is one aggregate query for one window, whatever the number of accounts:
the rows of the window are grouped by account, and the follower values docs/scoring.md's
growth rule needs come from correlated subqueries that the database evaluates once per
group (not once per row, and not once per account in Python). The base of follower
growth is COALESCE(latest before the window, earliest in the window), which is
`rules.resolve_followers_base` in SQL: the database only looks for the earliest in the
window when there is nothing before it.

`windows_totals` is what a recompute uses: the same totals for a window and the previous
one, from one query that reads each account's rows of both windows once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from datetime import date, timedelta
from decimal import Decimal

import psycopg
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.models import Account
from analytics.models import DailyMetric
from analytics.scorecards import rules

_ZERO_MONEY = Decimal("0.00")
# Rows per batch when `windows_totals_stream` streams its statement (libpq 17 or later can
# hand out rows in batches; with an older libpq, one by one).
_STREAM_ROWS = 200 if psycopg.pq.version() >= 170000 else 1


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


# The sums of one window, a subquery correlated with the account `a.id`. The sums of
# bigint columns are numeric in PostgreSQL. The window's own sums are stored in bigint
# columns: they are cast back to bigint, so they arrive as ints, and a sum beyond bigint is
# null, which costs only its account its scorecard (`_scorecard_row`). The previous window's
# sums are only scored, never stored: they stay numeric, whatever their size, and become
# ints in `_window_sums`.
_IN_BIGINT = (
    "CASE WHEN {sum} BETWEEN -9223372036854775808 AND 9223372036854775807 THEN {sum}::bigint END"
)


def _window_sums_sql(first: str, last: str, *, stored: bool) -> str:
    def total(expression: str) -> str:
        summed = f"sum({expression})"
        return _IN_BIGINT.format(sum=summed) if stored else summed

    return f"""
       SELECT count(*),
              count(*) FILTER (WHERE m.spend > 0),
              {total("m.video_views")},
              {total("m.likes + m.comments + m.shares")},
              {total("m.impressions")},
              {total("m.clicks")},
              {total("m.conversions")},
              sum(m.spend),
              sum(m.revenue)
         FROM analytics_dailymetric m
        WHERE m.account_id = a.id AND m.date BETWEEN {first} AND {last}"""  # noqa: S608


def _followers_sql(condition: str, order: str) -> str:
    return (
        "(SELECT f.followers FROM analytics_dailymetric f WHERE f.account_id = a.id "  # noqa: S608
        f"AND f.followers IS NOT NULL AND {condition} ORDER BY f.date {order} LIMIT 1)"
    )


# Both windows of every account in one statement. Each account is one index range scan per
# window on (account_id, date), aggregated on the spot (LATERAL: no sort, no hash
# table, nothing that outgrows work_mem however many accounts there are), and three index
# probes for follower values: the latest of each window and the latest before both. The
# base of the window is the latest before it, which is the previous window's latest or
# else the latest before both; the earliest in a window is only looked for (COALESCE
# stops at its first value) for an account with no follower value before that window.
# `OFFSET 0` keeps the probes in their own subquery, so each runs once per account. (One
# range scan of both windows with a FILTER per window cost some 10% more in EXPLAIN
# ANALYZE: every row then goes through all eighteen aggregates.)
_BOTH_WINDOWS_SQL = f"""
SELECT a.id, c.*, p.*,
       v.current_end,
       COALESCE(v.previous_end, v.before_both,
                {_followers_sql("f.date BETWEEN %(start)s AND %(end)s", "ASC")}),
       v.previous_end,
       COALESCE(v.before_both,
                {_followers_sql("f.date BETWEEN %(previous_start)s AND %(previous_end)s", "ASC")})
  FROM unnest(%(ids)s::bigint[]) AS a(id)
 CROSS JOIN LATERAL ({_window_sums_sql("%(start)s", "%(end)s", stored=True)}) c
 CROSS JOIN LATERAL ({_window_sums_sql("%(previous_start)s", "%(previous_end)s", stored=False)}) p
 CROSS JOIN LATERAL (
       SELECT {_followers_sql("f.date BETWEEN %(start)s AND %(end)s", "DESC")} AS current_end,
              {_followers_sql("f.date BETWEEN %(previous_start)s AND %(previous_end)s", "DESC")}
                  AS previous_end,
              {_followers_sql("f.date < %(previous_start)s", "DESC")} AS before_both
       OFFSET 0) v
"""  # noqa: S608  (constants of this module only; every value is a parameter)


def windows_totals(
    *, account_ids: Iterable[int], start: date, end: date, previous_start: date
) -> tuple[dict[int, rules.Totals], dict[int, rules.Totals]]:
    """Totals per account id for the window start..end and the previous window, in ONE query.

    The previous window is previous_start..start - 1 (`rules.previous_period`). Each dict
    is what `window_totals` gives for its window: accounts without a row in that window are
    absent.
    """
    current: dict[int, rules.Totals] = {}
    previous: dict[int, rules.Totals] = {}
    for account_id, sums, previous_sums in windows_totals_stream(
        account_ids=account_ids, start=start, end=end, previous_start=previous_start
    ):
        if sums is not None:
            current[account_id] = rules.Totals(*sums)
        if previous_sums is not None:
            previous[account_id] = rules.Totals(*previous_sums)
    return current, previous


def windows_totals_stream(
    *, account_ids: Iterable[int], start: date, end: date, previous_start: date
) -> Iterator[tuple[int, tuple | None, tuple | None]]:
    """(account id, sums of start..end, sums of the previous window) for each account id.

    The sums are the values of `rules.Totals` as a plain tuple, in the order of its
    fields (`rules.sums_of`), which costs less than the object; a window without any row of
    the account gives None. On PostgreSQL this is one
    statement whose rows are handed out while the database is still computing the next
    ones, so a caller that scores them works at the same time as the database (on another
    core). The caller must read to the end before it sends another statement: psycopg
    holds the connection until then. Elsewhere
    (SQLite, the demo) it is `window_totals` twice.
    """
    ids = list(account_ids)
    previous_end = start - timedelta(days=1)
    if previous_start > previous_end:
        raise ValueError(f"The previous window {previous_start}..{previous_end} is empty.")
    if not ids:
        return
    if connection.vendor != "postgresql":
        current = window_totals(account_ids=ids, start=start, end=end)
        previous = window_totals(account_ids=ids, start=previous_start, end=previous_end)
        for account_id in ids:
            totals, previous_totals = current.get(account_id), previous.get(account_id)
            yield (
                account_id,
                None if totals is None else rules.sums_of(totals),
                None if previous_totals is None else rules.sums_of(previous_totals),
            )
        return
    params = {
        "ids": ids,
        "start": start,
        "end": end,
        "previous_start": previous_start,
        "previous_end": previous_end,
    }
    # The plan's estimated cost (one lateral scan per account) sets off the JIT compiler,
    # whose compiling costs more than the whole query saves: off, for this transaction only.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        logged = (
            cursor.debug_sql(_BOTH_WINDOWS_SQL, params)
            if isinstance(cursor, CursorDebugWrapper)
            else nullcontext()
        )
        # psycopg's stream() bypasses Django's execute(), so the statement is logged here,
        # as execute() would (the test client's query counts, django-debug-toolbar).
        with logged, connection.wrap_database_errors:
            for row in cursor.cursor.stream(_BOTH_WINDOWS_SQL, params, size=_STREAM_ROWS):
                yield (
                    row[0],
                    _window_sums(row, 1, 19) if row[1] else None,
                    _previous_sums(row) if row[10] else None,
                )


def _window_sums(row: tuple, at: int, followers_at: int) -> tuple:
    # One window's part of a row of _BOTH_WINDOWS_SQL, only for a window with rows; the
    # sums of numeric(14,2) keep their two places.
    return row[at : at + 9] + row[followers_at : followers_at + 2]


def _previous_sums(row: tuple) -> tuple:
    # The previous window's counts come as numeric (Decimal): ints, as rules.Totals has them.
    sums = _window_sums(row, 10, 21)
    return (*sums[:2], *(int(value) for value in sums[2:7]), *sums[7:])


def daily_rows(*, account_ids: list[int], start: date, end: date) -> Iterator[tuple]:
    """The accounts' daily rows from start to end, ordered by account and day, streamed:
    (account_id, date, video_views, interactions, impressions, clicks, conversions, spend,
    revenue, followers). What the weekly history sums (one pass over each row)."""
    return (
        DailyMetric.objects.filter(account_id__in=account_ids, date__gte=start, date__lte=end)
        .annotate(interactions=F("likes") + F("comments") + F("shares"))
        .order_by("account_id", "date")
        .values_list(
            "account_id",
            "date",
            "video_views",
            "interactions",
            "impressions",
            "clicks",
            "conversions",
            "spend",
            "revenue",
            "followers",
        )
        .iterator(chunk_size=10_000)
    )


def followers_before(*, account_ids: list[int], day: date) -> dict[int, int]:
    """Each account's latest follower value before `day`, where it has one (one query)."""
    latest = Subquery(
        DailyMetric.objects.filter(account_id=OuterRef("pk"), date__lt=day, followers__isnull=False)
        .order_by("-date")
        .values("followers")[:1]
    )
    rows = (
        Account.objects.filter(pk__in=account_ids)
        .annotate(base=latest)
        .filter(base__isnull=False)
        .values_list("pk", "base")
    )
    return dict(rows)

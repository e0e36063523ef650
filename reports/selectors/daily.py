"""The days, top videos and reviews of a report's period, for one account or many."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.utils.safestring import SafeString

from analytics.content.videos import with_latest_figures
from analytics.models import DailyMetric, Scorecard, Video
from analytics.scorecards import rules
from lib.lookups import AnyOf
from reports import charts
from reports.periods import ReportPeriod

REVIEWS_SHOWN = 20


def daily_figures(
    account_ids: list[int], periods: list[tuple[date, date]]
) -> list[list[tuple[int | None, Decimal | None]]]:
    """(views, engagement rate) of each day of each period (start, end), summed over the
    accounts: one statement for all the periods (the table is read once, not once each)."""
    in_periods = Q()
    for start, end in periods:
        in_periods |= Q(date__gte=start, date__lte=end)
    rows = {
        row["date"]: row
        for row in DailyMetric.objects.filter(in_periods, AnyOf("account_id", account_ids))
        .order_by()
        .values("date")
        .annotate(
            views=Sum("video_views"), interactions=Sum(F("likes") + F("comments") + F("shares"))
        )
    }
    return [_days(rows, start, end) for start, end in periods]


def _days(
    rows: dict[date, dict], start: date, end: date
) -> list[tuple[int | None, Decimal | None]]:
    days = []
    for offset in range((end - start).days + 1):
        row = rows.get(start + timedelta(days=offset))
        if row is None:
            days.append((None, None))
            continue
        views = int(row["views"] or 0)
        day = rules.Totals(
            days_with_rows=1,
            days_with_spend=0,
            video_views=views,
            interactions=int(row["interactions"] or 0),
            impressions=0,
            clicks=0,
            conversions=0,
            spend=Decimal(0),
            revenue=Decimal(0),
            followers_end=None,
            followers_base=None,
        )
        rate = rules.figures(day).engagement_rate
        days.append((views, rate))
    return days


def daily_charts(
    account_ids: list[int], period: ReportPeriod, name: str
) -> tuple[SafeString, SafeString, bool]:
    current, compared = daily_figures(account_ids, [(period.start, period.end), period.comparison])
    first, last = period.start.isoformat(), period.end.isoformat()
    compared_label = f"Compared ({period.comparison_label})"
    views = charts.line_chart(
        title=f"Daily video views, {name}",
        series=[
            charts.Series("This period", [views for views, _ in current]),
            charts.Series(compared_label, [views for views, _ in compared], dashed=True),
        ],
        first_label=first,
        last_label=last,
    )
    rates = charts.line_chart(
        title=f"Daily engagement rate, {name}",
        series=[
            charts.Series("This period", [None if r is None else r * 100 for _, r in current]),
            charts.Series(
                compared_label, [None if r is None else r * 100 for _, r in compared], dashed=True
            ),
        ],
        first_label=first,
        last_label=last,
        unit="%",
    )
    has_days = any(views is not None for views, _ in current + compared)
    return views, rates, has_days


def top_videos(account_ids: list[int], period: ReportPeriod, count: int) -> list[Video]:
    """The most viewed videos posted in the period, by the views of their latest snapshot."""
    posted = Video.objects.filter(
        AnyOf("account_id", account_ids), posted_on__gte=period.start, posted_on__lte=period.end
    )
    # Videos without a snapshot sort last and are dropped here: the database then looks
    # up each video's latest views once (to sort), not twice (to filter, then to sort).
    newest = (
        with_latest_figures(posted)
        .select_related("account")
        .order_by(F("latest_views").desc(nulls_last=True), "posted_on", "video_id")[:count]
    )
    return [video for video in newest if video.latest_views is not None]


def reviews(account_ids: list[int], period: ReportPeriod) -> list[Scorecard]:
    """The lead's review comments on scorecards that end in the period, newest first."""
    return list(
        Scorecard.objects.filter(
            AnyOf("account_id", account_ids),
            period_end__gte=period.start,
            period_end__lte=period.end,
            reviewed_at__isnull=False,
        )
        .exclude(review_comment="")
        .select_related("account", "reviewed_by")
        .order_by("-reviewed_at")[:REVIEWS_SHOWN]
    )

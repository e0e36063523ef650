"""Reads of one account's stored scorecards: the scorecard page's card, figures, history
and daily series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Account, Membership
from accounts.selectors import handle_is_valid
from analytics.models import DailyMetric, Scorecard, ScorecardRun
from analytics.scorecards import rules
from analytics.scorecards.compute import account_targets
from analytics.scorecards.windows import DEFAULT_DAYS, Window, default_end_after

HISTORY_LENGTH = 20


# What the account page's summary shows of its latest scorecard (the scorecard_summary
# tag, analytics/templatetags/scorecard_summary.py), and the content mix's window.
SUMMARY_FIELDS = (
    *("account", "period_start", "period_end", "days", "grade", "quadrant", "flags"),
    *("engagement_score", "roi_score", "overall_score"),
)


def scorecard_latest(*, account: Account, days: int = DEFAULT_DAYS) -> Scorecard | None:
    """The newest scorecard of an account the caller already checked the user may see,
    with only what the account page shows of it (SUMMARY_FIELDS)."""
    cards = account.scorecards.filter(days=days).only(*SUMMARY_FIELDS)
    return cards.order_by("-period_end").first()


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
    cards = Scorecard.objects.visible_to(user, membership)
    return get_object_or_404(
        cards.select_related("account", "reviewed_by"),
        account__handle=handle.lower(),
        days=days,
        period_end=end,
    )


def scorecard_history(*, account: Account, days: int) -> list[Scorecard]:
    """The account's latest HISTORY_LENGTH scorecards of `days` days, newest first."""
    cards = list(
        Scorecard.objects.filter(account=account, days=days)
        .select_related("reviewed_by")
        .order_by("-period_end")[:HISTORY_LENGTH]
    )
    for card in cards:
        card.account = account
        card.trend = scorecard_trend(card)
    return cards


def scorecard_trend(card: Scorecard) -> Decimal | None:
    """The overall score against the previous period's; None when either is unknown."""
    if card.overall_score is None or card.previous_overall_score is None:
        return None
    return card.overall_score - card.previous_overall_score


def scorecard_with_history(
    *, account: Account, days: int, end: date | None
) -> tuple[date, Scorecard | None, list[Scorecard]]:
    """The window's end (the latest scorecard's when `end` is None, as account_default_end),
    its scorecard or None, and scorecard_history(): one query unless the asked scorecard is
    older than the history."""
    history = scorecard_history(account=account, days=days)
    if end is None:
        end = default_end_after(history[0].period_end if history else None)
    card = next((c for c in history if c.period_end == end), None)
    covered = len(history) < HISTORY_LENGTH or end >= history[-1].period_end
    if card is None and not covered:
        card = scorecard_find(account=account, days=days, end=end)
    return end, card, history


@dataclass(frozen=True)
class DailyPoint:
    day: date
    views: int | None
    engagement_rate: Decimal | None
    spend: Decimal | None
    roas: Decimal | None


# The figures of a day's metric row that the scorecard page shows or sums, after its date.
DAY_FIGURES = ("video_views", "likes", "comments", "shares", "spend", "revenue")
DayFigures = tuple[date, int, int, int, int, Decimal, Decimal]


def daily_figures(*, account: Account, ranges: list[tuple[date, date]]) -> dict[date, DayFigures]:
    """The account's metric rows on the days of any of the (first, last) ranges, as plain
    tuples (the date, then DAY_FIGURES) keyed by date, in ONE query: the page's daily series
    and its weekly sums (practice.weekly_outcomes) are read together."""
    # Ranges that overlap or touch are read as one, so that the index bounds the dates.
    merged: list[list[date]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    days = Q()
    for first, last in merged:
        days |= Q(date__range=(first, last))
    # In no order (the model's default order joins the account for its handle).
    rows = (
        DailyMetric.objects.filter(days, account=account)
        .order_by()
        .values_list("date", *DAY_FIGURES)
    )
    return {row[0]: row for row in rows}


def daily_series(
    *, account: Account, window: Window, days: dict[date, DayFigures] | None = None
) -> list[DailyPoint]:
    """One point per day of the window; a day without a metric row has only nulls.

    `days`: daily_figures() covering the window, when the caller read them already."""
    if days is None:
        days = daily_figures(account=account, ranges=[(window.start, window.end)])
    points = []
    for offset in range(window.days):
        day = window.start + timedelta(days=offset)
        row = days.get(day)
        if row is None:
            points.append(DailyPoint(day, None, None, None, None))
            continue
        _, views, likes, comments, shares, spend, revenue = row
        points.append(
            DailyPoint(
                day=day,
                views=views,
                engagement_rate=(
                    Decimal(likes + comments + shares) / Decimal(views) if views else None
                ),
                spend=spend,
                roas=revenue / spend if spend else None,
            )
        )
    return points


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

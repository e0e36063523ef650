"""The words of the scorecard rules (docs/scoring.md): kinds, targets, periods, totals, figures,
scores, flags, grades and quadrants, with their labels. Like analytics.scorecards.rules, which
computes with them, it imports nothing from Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

OFFICIAL = "official"
MARKETING = "marketing"
KINDS = (OFFICIAL, MARKETING)

# Targets are stored per 28 days for follower growth (docs/scoring.md, "Targets").
TARGET_BASE_DAYS = 28


@dataclass(frozen=True)
class Targets:
    engagement_rate: Decimal
    follower_growth: Decimal
    ctr: Decimal
    conversion_rate: Decimal
    roi: Decimal


DEFAULT_TARGETS: dict[str, Targets] = {
    OFFICIAL: Targets(
        engagement_rate=Decimal("0.05"),
        follower_growth=Decimal("0.03"),
        ctr=Decimal("0.01"),
        conversion_rate=Decimal("0.02"),
        roi=Decimal("1.00"),
    ),
    MARKETING: Targets(
        engagement_rate=Decimal("0.03"),
        follower_growth=Decimal("0.02"),
        ctr=Decimal("0.01"),
        conversion_rate=Decimal("0.02"),
        roi=Decimal("1.00"),
    ),
}

# (engagement weight, roi weight) per kind (docs/scoring.md, "Scores").
WEIGHTS: dict[str, tuple[Decimal, Decimal]] = {
    OFFICIAL: (Decimal("0.8"), Decimal("0.2")),
    MARKETING: (Decimal("0.3"), Decimal("0.7")),
}


@dataclass(frozen=True)
class Totals:
    """Sums over the rows of one account in one window (what one SQL aggregate returns).

    `followers_end` is the followers value on the latest day in the window that has one.
    `followers_base` is the value on the latest day before the window that has one, or
    else on the earliest day in the window that has one; `resolve_followers_base` applies
    that rule once the caller has both candidates.
    """

    days_with_rows: int
    days_with_spend: int
    video_views: int
    interactions: int
    impressions: int
    clicks: int
    conversions: int
    spend: Decimal
    revenue: Decimal
    followers_end: int | None
    followers_base: int | None


def sums_of(totals: Totals) -> tuple:
    """The values of `totals` as a plain tuple, in the order of its fields.

    A recompute hands the rules its sums in this form (`analytics.scorecards.rules.score_values`),
    which costs less than building a `Totals` for each account and window.
    """
    return (
        totals.days_with_rows,
        totals.days_with_spend,
        totals.video_views,
        totals.interactions,
        totals.impressions,
        totals.clicks,
        totals.conversions,
        totals.spend,
        totals.revenue,
        totals.followers_end,
        totals.followers_base,
    )


def period(end: date, days: int) -> tuple[date, date]:
    """The window of `days` whole days ending on `end`, both ends inclusive."""
    check_days(days)
    return end - timedelta(days=days - 1), end


def previous_period(end: date, days: int) -> tuple[date, date]:
    """The window of the same length that ends the day before `period(end, days)` starts."""
    start, _ = period(end, days)
    return period(start - timedelta(days=1), days)


def check_days(days: int) -> None:
    if days < 1:
        raise ValueError(f"A period has at least one day, not {days}.")


def resolve_followers_base(
    latest_before_start: int | None, earliest_in_window: int | None
) -> int | None:
    """F_base of docs/scoring.md: the last value before the window wins over the window's first."""
    if latest_before_start is not None:
        return latest_before_start
    return earliest_in_window


EMPTY_TOTALS = Totals(
    days_with_rows=0,
    days_with_spend=0,
    video_views=0,
    interactions=0,
    impressions=0,
    clicks=0,
    conversions=0,
    spend=Decimal("0.00"),
    revenue=Decimal("0.00"),
    followers_end=None,
    followers_base=None,
)


@dataclass(frozen=True)
class Figures:
    """The raw figures of docs/scoring.md, "The figures"; None stands for a null figure."""

    views: int
    interactions: int
    impressions: int
    clicks: int
    conversions: int
    spend: Decimal
    revenue: Decimal
    engagement_rate: Decimal | None
    follower_growth: Decimal | None
    ctr: Decimal | None
    conversion_rate: Decimal | None
    cpa: Decimal | None
    roas: Decimal | None
    roi: Decimal | None


@dataclass(frozen=True)
class SubScores:
    """Unrounded sub-scores from 0 to 100; None where the figure or its target rules it out."""

    engagement_rate: Decimal | None
    follower_growth: Decimal | None
    ctr: Decimal | None
    conversion_rate: Decimal | None
    roi: Decimal | None


@dataclass(frozen=True)
class Score:
    """The whole scorecard result for one account and one window."""

    figures: Figures
    sub_scores: SubScores
    engagement_score: Decimal | None
    roi_score: Decimal | None
    overall_score: Decimal | None
    grade: str
    quadrant: str
    flags: tuple[str, ...]


NO_DATA = "no_data"
DATA_GAP = "data_gap"
UNVERIFIED_OFFICIAL = "unverified_official"
PAID_HEAVY_OFFICIAL = "paid_heavy_official"
NO_PAID_MARKETING = "no_paid_marketing"
DECLINING = "declining"

# In the order of docs/scoring.md, "Flags", which flags are also listed and exported in.
FLAGS = (
    NO_DATA,
    DATA_GAP,
    UNVERIFIED_OFFICIAL,
    PAID_HEAVY_OFFICIAL,
    NO_PAID_MARKETING,
    DECLINING,
)

FLAG_EXPLANATIONS: dict[str, str] = {
    NO_DATA: "There is no metric row for this account in the period, so nothing can be scored.",
    DATA_GAP: (
        "Fewer than 80% of the days in the period have a metric row, "
        "so the figures may be incomplete."
    ),
    UNVERIFIED_OFFICIAL: (
        "This official account is not verified, although official accounts usually are "
        "and verification is a best practice."
    ),
    PAID_HEAVY_OFFICIAL: (
        "This official account paid for promotion on more than half of the days in the "
        "period, which is unusual for an official account."
    ),
    NO_PAID_MARKETING: (
        "This marketing account spent nothing on paid promotion in the period, "
        "so its return on investment cannot be measured."
    ),
    DECLINING: (
        "The overall score fell by 10 points or more against the previous period "
        "of the same length."
    ),
}

# Why a score is missing, by score ("engagement", "roi", "overall"), as the pages say it.
NO_SCORE_WHY: dict[str, str] = {
    "engagement": "Neither engagement rate nor follower growth could be computed",
    "roi": "Neither CTR, conversion rate nor ROI could be computed",
    "overall": "No score could be computed",
}

# Short names for the flags; the tooltip carries FLAG_EXPLANATIONS.
FLAG_LABELS: dict[str, str] = {
    NO_DATA: "No data",
    DATA_GAP: "Data gap",
    UNVERIFIED_OFFICIAL: "Not verified",
    PAID_HEAVY_OFFICIAL: "Paid-heavy",
    NO_PAID_MARKETING: "No paid promotion",
    DECLINING: "Declining",
}

GRADES = ("A", "B", "C", "D", "F")

# Lowest overall score for each grade above F, best first (docs/scoring.md, "Grade and quadrant").
GRADE_THRESHOLDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(85), "A"),
    (Decimal(70), "B"),
    (Decimal(55), "C"),
    (Decimal(40), "D"),
)

STAR = "star"
ENGAGING = "engaging"
CONVERTING = "converting"
AT_RISK = "at_risk"
QUADRANTS = (STAR, ENGAGING, CONVERTING, AT_RISK)
QUADRANT_THRESHOLD = Decimal(70)

QUADRANT_LABELS: dict[str, str] = {
    STAR: "Star",
    ENGAGING: "Engaging, not converting",
    CONVERTING: "Converting, not engaging",
    AT_RISK: "At risk",
}

DECLINE_POINTS = Decimal(10)


def grade(overall: Decimal | None) -> str:
    if overall is None:
        return ""
    for threshold, letter in GRADE_THRESHOLDS:
        if overall >= threshold:
            return letter
    return "F"


def quadrant(engagement: Decimal | None, roi: Decimal | None) -> str:
    # Empty when neither side can be measured (the overall score is then null, docs/
    # scoring.md, "Grade and quadrant"): such an account is not placed on the map.
    # Otherwise a null score counts as 0.
    if engagement is None and roi is None:
        return ""
    engaging = engagement is not None and engagement >= QUADRANT_THRESHOLD
    converting = roi is not None and roi >= QUADRANT_THRESHOLD
    if engaging and converting:
        return STAR
    if engaging:
        return ENGAGING
    if converting:
        return CONVERTING
    return AT_RISK


def goal_met_without_paid(kind: str, quadrant_name: str, roi: Decimal | None) -> bool:
    """An official account without paid activity is at its best `engaging`: its goal met.

    Paid activity means a roi score could be measured (any impressions, clicks or spend);
    without it an official account cannot be a star, so pages say `engaging` is the goal.
    """
    return kind == OFFICIAL and quadrant_name == ENGAGING and roi is None

"""The scorecard rules as they were before the recompute was made fast (commit 5f7494d).

A frozen copy, kept only as the oracle of tests/analytics/test_rules_exactness.py: every
step runs inside `localcontext`, with the plain operators, exactly as analytics/scorecards/rules.py
computed before its arithmetic was rewritten to call the context's methods directly.
Nothing in the product imports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

from analytics.scorecards.rules import (
    AT_RISK,
    CONVERTING,
    DATA_GAP,
    DECLINE_POINTS,
    DECLINING,
    ENGAGING,
    FLAGS,
    GRADE_THRESHOLDS,
    KINDS,
    MARKETING,
    NO_DATA,
    NO_PAID_MARKETING,
    OFFICIAL,
    PAID_HEAVY_OFFICIAL,
    QUADRANT_THRESHOLD,
    STAR,
    TARGET_BASE_DAYS,
    UNVERIFIED_OFFICIAL,
    WEIGHTS,
    Figures,
    Score,
    SubScores,
    Targets,
    Totals,
)

_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)
_SCORE_PLACES = Decimal("0.1")


def _exact() -> AbstractContextManager:
    # localcontext is itself a context manager; a generator wrapper would only add cost
    # to every score (it runs twice per account and window).
    return localcontext(_CONTEXT)


def follower_growth(followers_end: int | None, followers_base: int | None) -> Decimal | None:
    if followers_end is None or followers_base is None or followers_base == 0:
        return None
    with _exact():
        return (Decimal(followers_end) - Decimal(followers_base)) / Decimal(followers_base)


def figures(totals: Totals) -> Figures:
    spend = _as_decimal(totals.spend)
    revenue = _as_decimal(totals.revenue)
    with _exact():
        profit = revenue - spend
    return Figures(
        views=totals.video_views,
        interactions=totals.interactions,
        impressions=totals.impressions,
        clicks=totals.clicks,
        conversions=totals.conversions,
        spend=spend,
        revenue=revenue,
        engagement_rate=_ratio(totals.interactions, totals.video_views),
        follower_growth=follower_growth(totals.followers_end, totals.followers_base),
        ctr=_ratio(totals.clicks, totals.impressions),
        conversion_rate=_ratio(totals.conversions, totals.clicks),
        cpa=_ratio(spend, totals.conversions),
        roas=_ratio(revenue, spend),
        roi=_ratio(profit, spend),
    )


def sub_score(figure: Decimal | None, target: Decimal) -> Decimal | None:
    """clamp(100 * figure / target, 0, 100), unrounded; None for a null figure or a 0 target."""
    if figure is None or target == 0:
        return None
    with _exact():
        value = _HUNDRED * figure / target
    return min(max(value, _ZERO), _HUNDRED)


def scaled_targets(targets: Targets, days: int) -> Targets:
    """The targets for a window of `days` days; only follower growth depends on the length."""
    _check_days(days)
    with _exact():
        # Multiplying before dividing keeps the common lengths (7, 14, 28 days) exact.
        growth = targets.follower_growth * days / TARGET_BASE_DAYS
    return Targets(
        engagement_rate=targets.engagement_rate,
        follower_growth=growth,
        ctr=targets.ctr,
        conversion_rate=targets.conversion_rate,
        roi=targets.roi,
    )


def round_score(value: Decimal | None) -> Decimal | None:
    """A score as it is stored and shown: one decimal place, half to even."""
    if value is None:
        return None
    with _exact():
        return value.quantize(_SCORE_PLACES, rounding=ROUND_HALF_EVEN)


def grade(overall: Decimal | None) -> str:
    if overall is None:
        return ""
    for threshold, letter in GRADE_THRESHOLDS:
        if overall >= threshold:
            return letter
    return "F"


def quadrant(engagement: Decimal | None, roi: Decimal | None) -> str:
    # Spec section 6: empty when the overall score is null, that is when both sides are
    # null (no metric row, or nothing measurable); otherwise a null score counts as 0.
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


def score(
    *,
    kind: str,
    verified: bool,
    days: int,
    totals: Totals,
    targets: Targets,
    previous_overall: Decimal | None,
) -> Score:
    """Score one account over one window.

    `targets` are the account's targets as stored, with follower growth per 28 days;
    they are scaled to `days` here. `previous_overall` is the stored overall score of the
    previous period, or None when there is none.
    """
    if kind not in WEIGHTS:
        raise ValueError(f"Unknown account kind {kind!r}; expected one of {KINDS}.")
    _check_days(days)
    figs = figures(totals)
    window_targets = scaled_targets(targets, days)
    subs = SubScores(
        engagement_rate=sub_score(figs.engagement_rate, window_targets.engagement_rate),
        follower_growth=sub_score(figs.follower_growth, window_targets.follower_growth),
        ctr=sub_score(figs.ctr, window_targets.ctr),
        conversion_rate=sub_score(figs.conversion_rate, window_targets.conversion_rate),
        roi=sub_score(figs.roi, window_targets.roi),
    )
    engagement = _mean((subs.engagement_rate, subs.follower_growth))
    roi = _mean((subs.ctr, subs.conversion_rate, subs.roi))
    overall = _overall(kind, engagement, roi)

    # Rounding happens once, on the way out, so no score is computed from another rounded
    # score. Grade, quadrant and the decline flag then read the rounded values, so they
    # always agree with the numbers the user sees (an 85.0 on screen is an A).
    engagement_score = round_score(engagement)
    roi_score = round_score(roi)
    overall_score = round_score(overall)
    return Score(
        figures=figs,
        sub_scores=subs,
        engagement_score=engagement_score,
        roi_score=roi_score,
        overall_score=overall_score,
        grade=grade(overall_score),
        quadrant=quadrant(engagement_score, roi_score),
        flags=_flags(
            kind=kind,
            verified=verified,
            days=days,
            totals=totals,
            overall_score=overall_score,
            previous_overall=round_score(previous_overall),
        ),
    )


def _check_days(days: int) -> None:
    if days < 1:
        raise ValueError(f"A period has at least one day, not {days}.")


def _as_decimal(value: object) -> Decimal:
    # Floats are refused rather than converted: a float has already lost the exact value,
    # and every figure here must be recomputable to the last digit.
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        return Decimal(value)
    raise TypeError(f"Expected a Decimal or an int, not {type(value).__name__}.")


def _ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    # A figure whose denominator is 0 is null, never 0 and never an error (spec section 3).
    if denominator == 0:
        return None
    with _exact():
        return Decimal(numerator) / Decimal(denominator)


def _mean(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    if not present:
        return None
    with _exact():
        return sum(present, _ZERO) / len(present)


def _overall(kind: str, engagement: Decimal | None, roi: Decimal | None) -> Decimal | None:
    # When one side cannot be measured the overall score is the other side alone, not a
    # weighted share of it, so an official account without paid data is not capped at 80.
    if engagement is None:
        return roi
    if roi is None:
        return engagement
    weight_engagement, weight_roi = WEIGHTS[kind]
    with _exact():
        return weight_engagement * engagement + weight_roi * roi


def _flags(
    *,
    kind: str,
    verified: bool,
    days: int,
    totals: Totals,
    overall_score: Decimal | None,
    previous_overall: Decimal | None,
) -> tuple[str, ...]:
    spend = _as_decimal(totals.spend)
    raised = {
        NO_DATA: totals.days_with_rows == 0,
        # Integer form of "fewer than 80% of the days", so no fraction is ever rounded.
        # A window without rows is also a gap; both flags are listed then.
        DATA_GAP: totals.days_with_rows * 5 < days * 4,
        UNVERIFIED_OFFICIAL: kind == OFFICIAL and not verified,
        PAID_HEAVY_OFFICIAL: kind == OFFICIAL and totals.days_with_spend * 2 > days,
        NO_PAID_MARKETING: kind == MARKETING and spend == 0,
        DECLINING: (
            previous_overall is not None
            and overall_score is not None
            and previous_overall - overall_score >= DECLINE_POINTS
        ),
    }
    return tuple(flag for flag in FLAGS if raised[flag])

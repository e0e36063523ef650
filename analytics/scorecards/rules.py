"""The scorecard rules of docs/scoring.md as plain functions.

This module deliberately imports nothing from Django: every rule can be checked with
numbers alone, and the ORM code (selectors, services) only gathers `Totals` and stores
the resulting `Score`. The user-facing explanation of the same rules is docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Context, Decimal

from analytics.scorecards.terms import (  # noqa: F401  (the rules speak these words)
    AT_RISK,
    CONVERTING,
    DATA_GAP,
    DECLINE_POINTS,
    DECLINING,
    DEFAULT_TARGETS,
    EMPTY_TOTALS,
    ENGAGING,
    FLAG_EXPLANATIONS,
    FLAG_LABELS,
    FLAGS,
    GRADE_THRESHOLDS,
    GRADES,
    KINDS,
    MARKETING,
    NO_DATA,
    NO_PAID_MARKETING,
    OFFICIAL,
    PAID_HEAVY_OFFICIAL,
    QUADRANT_LABELS,
    QUADRANT_THRESHOLD,
    QUADRANTS,
    STAR,
    TARGET_BASE_DAYS,
    UNVERIFIED_OFFICIAL,
    WEIGHTS,
    Figures,
    Score,
    SubScores,
    Targets,
    Totals,
    check_days,
    goal_met_without_paid,
    grade,
    period,
    previous_period,
    quadrant,
    resolve_followers_base,
    sums_of,
)

# Every operation runs in this context, so results never depend on whatever global decimal
# context the caller happens to have. 28 significant digits is far more than any score or
# exported rate needs, and the rounding only matters in the 28th digit.
CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
# The context's own methods, called directly: the same arithmetic as the operators inside
# `localcontext(CONTEXT)`, digit for digit, without entering and leaving a context for
# each step (that cost most of a score, and a recompute scores every account twice).
_add = CONTEXT.add
_subtract = CONTEXT.subtract
_multiply = CONTEXT.multiply
_divide = CONTEXT.divide

_HUNDRED = Decimal(100)
_ZERO = Decimal(0)
SCORE_PLACES = Decimal("0.1")


def follower_growth(followers_end: int | None, followers_base: int | None) -> Decimal | None:
    if followers_end is None or followers_base is None or followers_base == 0:
        return None
    base = Decimal(followers_base)
    return _divide(_subtract(Decimal(followers_end), base), base)


def figures(totals: Totals) -> Figures:
    spend = as_decimal(totals.spend)
    revenue = as_decimal(totals.revenue)
    views = totals.video_views
    interactions = totals.interactions
    impressions = totals.impressions
    clicks = totals.clicks
    conversions = totals.conversions
    # Each ratio is `_ratio` written out (null for a 0 denominator, spec section 3): this
    # runs for every account of every recompute.
    return Figures(
        views=views,
        interactions=interactions,
        impressions=impressions,
        clicks=clicks,
        conversions=conversions,
        spend=spend,
        revenue=revenue,
        engagement_rate=None if views == 0 else _divide(Decimal(interactions), Decimal(views)),
        follower_growth=follower_growth(totals.followers_end, totals.followers_base),
        ctr=None if impressions == 0 else _divide(Decimal(clicks), Decimal(impressions)),
        conversion_rate=None if clicks == 0 else _divide(Decimal(conversions), Decimal(clicks)),
        cpa=None if conversions == 0 else _divide(spend, Decimal(conversions)),
        roas=None if spend == 0 else _divide(revenue, spend),
        roi=None if spend == 0 else _divide(_subtract(revenue, spend), spend),
    )


def sub_score(figure: Decimal | None, target: Decimal) -> Decimal | None:
    """clamp(100 * figure / target, 0, 100), unrounded; None for a null figure or a 0 target."""
    if figure is None or target == 0:
        return None
    value = _divide(_multiply(_HUNDRED, figure), target)
    return min(max(value, _ZERO), _HUNDRED)


def scaled_targets(targets: Targets, days: int) -> Targets:
    """The targets for a window of `days` days; only follower growth depends on the length."""
    check_days(days)
    return Targets(
        engagement_rate=targets.engagement_rate,
        follower_growth=_growth_target(targets.follower_growth, days),
        ctr=targets.ctr,
        conversion_rate=targets.conversion_rate,
        roi=targets.roi,
    )


def round_score(value: Decimal | None) -> Decimal | None:
    """A score as it is stored and shown: one decimal place, half to even."""
    if value is None:
        return None
    return value.quantize(SCORE_PLACES, context=CONTEXT)


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

    This is the composition of `figures`, `scaled_targets`, `sub_score`, `_mean`,
    `_overall`, `round_score`, `grade`, `quadrant` and `_flags`, written out flat: a
    recompute calls it for every account, so it builds no intermediate `Targets` and
    skips the checks its parts repeat. Every operation is the same, in the same order
    and context, so every result is the same to the last digit (tests/analytics/
    test_rules_exactness.py compares it with the composition on random inputs).
    """
    weights = _weights(kind)
    if days < 1:
        check_days(days)
    figs = figures(totals)
    rate_sub, growth_sub, ctr_sub, conversion_sub, roi_sub, engagement, roi, overall = _scores(
        weights,
        days,
        targets,
        figs.engagement_rate,
        figs.follower_growth,
        figs.ctr,
        figs.conversion_rate,
        figs.roi,
    )

    # Rounding happens once, on the way out, so no score is computed from another rounded
    # score. Grade, quadrant and the decline flag then read the rounded values, so they
    # always agree with the numbers the user sees (an 85.0 on screen is an A).
    engagement_score = (
        None if engagement is None else engagement.quantize(SCORE_PLACES, context=CONTEXT)
    )
    roi_score = None if roi is None else roi.quantize(SCORE_PLACES, context=CONTEXT)
    overall_score = None if overall is None else overall.quantize(SCORE_PLACES, context=CONTEXT)
    if previous_overall is not None:
        previous_overall = previous_overall.quantize(SCORE_PLACES, context=CONTEXT)
    return Score(
        figures=figs,
        sub_scores=SubScores(
            engagement_rate=rate_sub,
            follower_growth=growth_sub,
            ctr=ctr_sub,
            conversion_rate=conversion_sub,
            roi=roi_sub,
        ),
        engagement_score=engagement_score,
        roi_score=roi_score,
        overall_score=overall_score,
        grade=grade(overall_score),
        quadrant=quadrant(engagement_score, roi_score),
        flags=_flags(
            kind,
            verified,
            days,
            totals.days_with_rows,
            totals.days_with_spend,
            totals.spend,
            overall_score,
            previous_overall,
        ),
    )


def overall_score(*, kind: str, days: int, totals: Totals, targets: Targets) -> Decimal | None:
    """`score(...).overall_score`, computing only what it needs.

    A recompute needs no more of the previous window than this, for `declining`; the
    same operations as `score` make the same value.
    """
    weights = _weights(kind)
    if days < 1:
        check_days(days)
    return _overall_of(weights, days, targets, sums_of(totals))


def _overall_of(
    weights: tuple[Decimal, Decimal], days: int, targets: Targets, sums: tuple
) -> Decimal | None:
    _rows, _spend_days, views, interactions, impressions, clicks, conversions = sums[:7]
    spend, revenue, followers_end, followers_base = sums[7:]
    spend = as_decimal(spend)
    overall = _scores(
        weights,
        days,
        targets,
        _ratio(interactions, views),
        follower_growth(followers_end, followers_base),
        _ratio(clicks, impressions),
        _ratio(conversions, clicks),
        _ratio(_subtract(as_decimal(revenue), spend), spend),
    )[-1]
    return None if overall is None else overall.quantize(SCORE_PLACES, context=CONTEXT)


def score_values(
    *,
    kind: str,
    verified: bool,
    days: int,
    targets: Targets,
    sums: tuple,
    previous_sums: tuple,
) -> tuple:
    """What a recompute stores of `score(...)`, as one flat tuple, without any object.

    `sums` and `previous_sums` are the window's and the previous window's totals as plain
    tuples in the order of `Totals`' fields. The result is (engagement_rate,
    follower_growth, ctr, conversion_rate, cpa, roas, roi, engagement_score, roi_score,
    overall_score, previous_overall, grade, quadrant, flags): the figures and scores of
    `score` with `previous_overall=overall_score(...)` of the previous window. The same
    operations in the same order and context as those two, so every value is the same to
    the last digit (tests/analytics/test_rules_exactness.py), at a fraction of the cost
    of the dataclasses they hand out.
    """
    weights = _weights(kind)
    if days < 1:
        check_days(days)
    rows, spend_days, views, interactions, impressions, clicks, conversions = sums[:7]
    spend, revenue, followers_end, followers_base = sums[7:]
    spend = as_decimal(spend)
    revenue = as_decimal(revenue)
    roi = None if spend == 0 else _divide(_subtract(revenue, spend), spend)
    rates = (
        None if views == 0 else _divide(Decimal(interactions), Decimal(views)),
        follower_growth(followers_end, followers_base),
        None if impressions == 0 else _divide(Decimal(clicks), Decimal(impressions)),
        None if clicks == 0 else _divide(Decimal(conversions), Decimal(clicks)),
    )
    engagement, roi_score, overall = _scores(weights, days, targets, *rates, roi)[5:]
    previous_overall = _overall_of(weights, days, targets, previous_sums)
    if engagement is not None:
        engagement = engagement.quantize(SCORE_PLACES, context=CONTEXT)
    if roi_score is not None:
        roi_score = roi_score.quantize(SCORE_PLACES, context=CONTEXT)
    if overall is not None:
        overall = overall.quantize(SCORE_PLACES, context=CONTEXT)
    flags = _flags(kind, verified, days, rows, spend_days, spend, overall, previous_overall)
    return (
        *rates,
        None if conversions == 0 else _divide(spend, Decimal(conversions)),
        None if spend == 0 else _divide(revenue, spend),
        roi,
        engagement,
        roi_score,
        overall,
        previous_overall,
        grade(overall),
        quadrant(engagement, roi_score),
        flags,
    )


def flags_without_rows(*, kind: str, verified: bool, days: int) -> tuple[str, ...]:
    """The flags of a window without any metric row (what `score` gives for EMPTY_TOTALS)."""
    _weights(kind)
    check_days(days)
    return _flags(kind, verified, days, 0, 0, _ZERO, None, None)


def as_decimal(value: object) -> Decimal:
    # Floats are refused rather than converted: a float has already lost the exact value,
    # and every figure here must be recomputable to the last digit.
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        return Decimal(value)
    raise TypeError(f"Expected a Decimal or an int, not {type(value).__name__}.")


def _weights(kind: str) -> tuple[Decimal, Decimal]:
    weights = WEIGHTS.get(kind)
    if weights is None:
        raise ValueError(f"Unknown account kind {kind!r}; expected one of {KINDS}.")
    return weights


def _scores(
    weights: tuple[Decimal, Decimal],
    days: int,
    targets: Targets,
    engagement_rate: Decimal | None,
    growth: Decimal | None,
    ctr: Decimal | None,
    conversion_rate: Decimal | None,
    roi: Decimal | None,
) -> tuple[Decimal | None, ...]:
    """The five sub-scores, then the engagement, roi and overall scores, all unrounded.

    `sub_score`, `scaled_targets`, `_mean` and `_overall` in one pass, without objects.
    """
    # clamp(100 * figure / target, 0, 100); None for a null figure or a 0 target.
    target = targets.engagement_rate
    rate_sub = None if engagement_rate is None or target == 0 else _clamp(engagement_rate, target)
    target = _growth_target(targets.follower_growth, days)
    growth_sub = None if growth is None or target == 0 else _clamp(growth, target)
    target = targets.ctr
    ctr_sub = None if ctr is None or target == 0 else _clamp(ctr, target)
    target = targets.conversion_rate
    conversion_sub = (
        None if conversion_rate is None or target == 0 else _clamp(conversion_rate, target)
    )
    target = targets.roi
    roi_sub = None if roi is None or target == 0 else _clamp(roi, target)

    engagement_score = _mean((rate_sub, growth_sub))
    roi_score = _mean((ctr_sub, conversion_sub, roi_sub))
    # As in `_overall`: one side alone when the other cannot be measured.
    if engagement_score is None:
        overall = roi_score
    elif roi_score is None:
        overall = engagement_score
    else:
        overall = _add(_multiply(weights[0], engagement_score), _multiply(weights[1], roi_score))
    return (
        rate_sub,
        growth_sub,
        ctr_sub,
        conversion_sub,
        roi_sub,
        engagement_score,
        roi_score,
        overall,
    )


def _growth_target(per_28_days: Decimal, days: int) -> Decimal:
    # Multiplying before dividing keeps the common lengths (7, 14, 28 days) exact.
    return _divide(_multiply(per_28_days, days), TARGET_BASE_DAYS)


def _clamp(figure: Decimal, target: Decimal) -> Decimal:
    value = _divide(_multiply(_HUNDRED, figure), target)
    if value < _ZERO:
        return _ZERO
    if value > _HUNDRED:
        return _HUNDRED
    return value


def _ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    # A figure whose denominator is 0 is null, never 0 and never an error (docs/scoring.md).
    if denominator == 0:
        return None
    return _divide(Decimal(numerator), Decimal(denominator))


def _mean(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    if not present:
        return None
    total = _ZERO
    for value in present:
        total = _add(total, value)
    return _divide(total, len(present))


def _overall(kind: str, engagement: Decimal | None, roi: Decimal | None) -> Decimal | None:
    # When one side cannot be measured the overall score is the other side alone, not a
    # weighted share of it, so an official account without paid data is not capped at 80.
    if engagement is None:
        return roi
    if roi is None:
        return engagement
    weight_engagement, weight_roi = WEIGHTS[kind]
    return _add(_multiply(weight_engagement, engagement), _multiply(weight_roi, roi))


def _flags(
    kind: str,
    verified: bool,
    days: int,
    days_with_rows: int,
    days_with_spend: int,
    spend: Decimal | int,
    overall_score: Decimal | None,
    previous_overall: Decimal | None,
) -> tuple[str, ...]:
    # The flags are tested in the order of FLAGS (spec section 7), which is their order here.
    raised = []
    if days_with_rows == 0:
        raised.append(NO_DATA)
    # Integer form of "fewer than 80% of the days", so no fraction is ever rounded.
    # A window without rows is also a gap; both flags are listed then.
    if days_with_rows * 5 < days * 4:
        raised.append(DATA_GAP)
    if kind == OFFICIAL:
        if not verified:
            raised.append(UNVERIFIED_OFFICIAL)
        if days_with_spend * 2 > days:
            raised.append(PAID_HEAVY_OFFICIAL)
    elif kind == MARKETING and as_decimal(spend) == 0:
        raised.append(NO_PAID_MARKETING)
    if (
        previous_overall is not None
        and overall_score is not None
        and previous_overall - overall_score >= DECLINE_POINTS
    ):
        raised.append(DECLINING)
    return tuple(raised)

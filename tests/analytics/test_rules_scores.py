"""The scorecard rules of docs/scoring.md: targets, sub-scores and scores (sections 4 and 5).

Each numeric example shows its arithmetic in a comment, so a reader can recompute it by
hand from docs/scoring.md. Nothing here needs Django or a database.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from analytics.scorecards.rules import (
    DEFAULT_TARGETS,
    MARKETING,
    OFFICIAL,
    WEIGHTS,
    Targets,
    round_score,
    scaled_targets,
    sub_score,
)
from tests.analytics.rules_examples import EVEN_TARGETS, MARKETING_TOTALS, make_totals, score_of

# Sections 4 and 5: targets and sub-scores.


def test_it_has_the_default_targets_of_each_kind() -> None:
    assert DEFAULT_TARGETS[OFFICIAL] == Targets(
        engagement_rate=Decimal("0.05"),
        follower_growth=Decimal("0.03"),
        ctr=Decimal("0.01"),
        conversion_rate=Decimal("0.02"),
        roi=Decimal("1.00"),
    )
    assert DEFAULT_TARGETS[MARKETING] == Targets(
        engagement_rate=Decimal("0.03"),
        follower_growth=Decimal("0.02"),
        ctr=Decimal("0.01"),
        conversion_rate=Decimal("0.02"),
        roi=Decimal("1.00"),
    )
    assert set(WEIGHTS) == {OFFICIAL, MARKETING}
    assert WEIGHTS[OFFICIAL] == (Decimal("0.8"), Decimal("0.2"))
    assert WEIGHTS[MARKETING] == (Decimal("0.3"), Decimal("0.7"))


@pytest.mark.parametrize(
    ("kind", "days", "expected"),
    [
        # 0.03 * 28 / 28 = 0.03 and 0.03 * 7 / 28 = 0.0075.
        (OFFICIAL, 28, Decimal("0.03")),
        (OFFICIAL, 7, Decimal("0.0075")),
        # 0.02 * 28 / 28 = 0.02 and 0.02 * 7 / 28 = 0.005.
        (MARKETING, 28, Decimal("0.02")),
        (MARKETING, 7, Decimal("0.005")),
    ],
)
def test_it_scales_the_follower_growth_target_to_the_period(
    kind: str, days: int, expected: Decimal
) -> None:
    targets = DEFAULT_TARGETS[kind]
    scaled = scaled_targets(targets, days)
    assert scaled.follower_growth == expected
    assert dataclasses.replace(scaled, follower_growth=targets.follower_growth) == targets


def test_it_scores_follower_growth_against_the_scaled_target() -> None:
    # 7 days: target 0.03 * 7 / 28 = 0.0075; growth (10,060 - 10,000) / 10,000 = 0.006;
    # sub-score 100 * 0.006 / 0.0075 = 80.
    totals = make_totals(days_with_rows=7, followers_end=10_060, followers_base=10_000)
    assert score_of(totals, days=7).sub_scores.follower_growth == 80
    # The same growth over 28 days meets 0.006 / 0.03 = 20% of the unscaled target.
    assert score_of(totals, days=28).sub_scores.follower_growth == 20


def test_it_computes_a_sub_score_as_a_share_of_the_target() -> None:
    # 100 * 0.04 / 0.05 = 80.
    assert sub_score(Decimal("0.04"), Decimal("0.05")) == 80
    # 100 * 0.02 / 0.03 = 66.666..., unrounded.
    assert sub_score(Decimal("0.02"), Decimal("0.03")) == Decimal(200) / Decimal(3)


def test_it_clamps_a_sub_score_at_100_above_target() -> None:
    # 100 * 0.02 / 0.01 = 200, clamped to 100.
    assert sub_score(Decimal("0.02"), Decimal("0.01")) == 100
    assert sub_score(Decimal("0.01"), Decimal("0.01")) == 100


def test_it_clamps_a_sub_score_at_0_for_a_negative_roi() -> None:
    # 100 * -0.5 / 1.00 = -50, clamped to 0.
    assert sub_score(Decimal("-0.5"), Decimal("1.00")) == 0


def test_it_makes_a_sub_score_null_for_a_null_figure_or_a_zero_target() -> None:
    assert sub_score(None, Decimal("0.05")) is None
    assert sub_score(Decimal("0.04"), Decimal("0")) is None


def test_it_makes_a_sub_score_null_for_a_zero_target_in_a_scorecard() -> None:
    targets = dataclasses.replace(EVEN_TARGETS, follower_growth=Decimal("0"))
    totals = make_totals(followers_end=10_210, followers_base=10_000)
    result = score_of(totals, targets=targets)
    assert result.sub_scores.follower_growth is None
    # Only engagement rate is left: 100 * 0.04 / 0.05 = 80.
    assert result.engagement_score == Decimal("80.0")


# Section 5: engagement, ROI and overall scores.


def test_it_scores_a_worked_marketing_example() -> None:
    result = score_of(MARKETING_TOTALS, kind=MARKETING)
    subs = result.sub_scores
    # Sub-scores: engagement 100 * 0.02 / 0.03 = 66.67, growth 100 * 0.01 / 0.02 = 50,
    # ctr 100 * 0.008 / 0.01 = 80, conversion 100 * 0.015 / 0.02 = 75, roi 100 * 0.75 / 1 = 75.
    assert subs.follower_growth == 50
    assert (subs.ctr, subs.conversion_rate, subs.roi) == (80, 75, 75)
    # Engagement (66.667 + 50) / 2 = 58.333 -> 58.3; ROI (80 + 75 + 75) / 3 = 76.667 -> 76.7.
    assert result.engagement_score == Decimal("58.3")
    assert result.roi_score == Decimal("76.7")
    # Overall 0.3 * 58.333 + 0.7 * 76.667 = 17.5 + 53.667 = 71.167 -> 71.2, a B.
    assert result.overall_score == Decimal("71.2")
    assert result.grade == "B"
    # Engagement 58.3 < 70 and ROI 76.7 >= 70.
    assert result.quadrant == "converting"
    assert result.flags == ()


def test_it_scores_a_worked_official_example() -> None:
    totals = make_totals(followers_end=10_210, followers_base=10_000)
    result = score_of(totals, kind=OFFICIAL)
    # Engagement rate 4,000 / 100,000 = 0.04 -> 100 * 0.04 / 0.05 = 80; growth 0.021 ->
    # 100 * 0.021 / 0.03 = 70; engagement score (80 + 70) / 2 = 75.
    assert (result.sub_scores.engagement_rate, result.sub_scores.follower_growth) == (80, 70)
    assert result.engagement_score == Decimal("75.0")
    # No impressions, clicks or spend: every ROI sub-score is null, so the ROI score is too,
    # and the overall score is the engagement score alone.
    assert result.roi_score is None
    assert result.overall_score == Decimal("75.0")
    assert result.grade == "B"
    assert result.quadrant == "engaging"
    assert result.flags == ()


def test_it_averages_only_the_non_null_engagement_sub_scores() -> None:
    # Growth only: no views; (10,210 - 10,000) / 10,000 = 0.021 -> 70.
    growth_only = make_totals(video_views=0, followers_end=10_210, followers_base=10_000)
    assert score_of(growth_only).engagement_score == Decimal("70.0")
    # Engagement rate only: no followers; 0.04 -> 80.
    assert score_of(make_totals()).engagement_score == Decimal("80.0")
    # Neither.
    assert score_of(make_totals(video_views=0)).engagement_score is None


def test_it_averages_only_the_non_null_roi_sub_scores() -> None:
    # All three: CTR 500 / 100,000 = 0.005 -> 50; conversion 10 / 500 = 0.02 -> 100;
    # ROI (150 - 100) / 100 = 0.5 -> 50. ROI score (50 + 100 + 50) / 3 = 66.666... -> 66.7.
    three = make_totals(
        impressions=100_000,
        clicks=500,
        conversions=10,
        days_with_spend=5,
        spend=Decimal("100.00"),
        revenue=Decimal("150.00"),
    )
    assert score_of(three).roi_score == Decimal("66.7")
    # Two: CTR 0.005 -> 50 and conversion 0 / 500 = 0 -> 0; no spend, so no ROI.
    # ROI score (50 + 0) / 2 = 25.
    two = make_totals(impressions=100_000, clicks=500)
    assert score_of(two).roi_score == Decimal("25.0")
    # One: no impressions or clicks; ROI (300 - 100) / 100 = 2 -> 200, clamped to 100.
    one = make_totals(days_with_spend=5, spend=Decimal("100.00"), revenue=Decimal("300.00"))
    assert score_of(one).roi_score == Decimal("100.0")
    # None: no paid activity at all.
    assert score_of(make_totals()).roi_score is None


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        # Official: 0.8 * 80 + 0.2 * 50 = 64 + 10 = 74.
        (OFFICIAL, Decimal("74.0")),
        # Marketing: 0.3 * 80 + 0.7 * 50 = 24 + 35 = 59.
        (MARKETING, Decimal("59.0")),
    ],
)
def test_it_weights_engagement_and_roi_by_kind(kind: str, expected: Decimal) -> None:
    # Engagement 0.04 -> 80 (no followers). CTR 500 / 100,000 = 0.005 -> 50; conversion
    # 10 / 500 = 0.02 -> 100; ROI (100 - 100) / 100 = 0 -> 0; ROI score (50 + 100 + 0) / 3 = 50.
    totals = make_totals(
        impressions=100_000,
        clicks=500,
        conversions=10,
        days_with_spend=10,
        spend=Decimal("100.00"),
        revenue=Decimal("100.00"),
    )
    result = score_of(totals, kind=kind, targets=EVEN_TARGETS)
    assert (result.engagement_score, result.roi_score) == (Decimal("80.0"), Decimal("50.0"))
    assert result.overall_score == expected


def test_it_uses_the_roi_score_alone_when_engagement_is_null() -> None:
    # No views, no followers; ROI (300 - 100) / 100 = 2 -> clamped 100.
    totals = make_totals(
        video_views=0, days_with_spend=5, spend=Decimal("100.00"), revenue=Decimal("300.00")
    )
    for kind in (OFFICIAL, MARKETING):
        result = score_of(totals, kind=kind)
        assert result.engagement_score is None
        assert result.overall_score == Decimal("100.0")


def test_it_uses_the_engagement_score_alone_when_roi_is_null() -> None:
    # Engagement 0.04 -> official 80, marketing 100 * 0.04 / 0.03 = 133 -> clamped 100.
    assert score_of(make_totals(), kind=OFFICIAL).overall_score == Decimal("80.0")
    assert score_of(make_totals(), kind=MARKETING).overall_score == Decimal("100.0")


def test_it_makes_the_overall_score_null_when_both_sides_are_null() -> None:
    result = score_of(make_totals(video_views=0))
    assert result.engagement_score is None
    assert result.roi_score is None
    assert result.overall_score is None
    assert result.grade == ""
    # Spec section 6: no quadrant without an overall score.
    assert result.quadrant == ""


def test_it_computes_the_overall_score_from_unrounded_scores() -> None:
    # Marketing. Engagement 3,012 / 1,000,000 = 0.003012 -> 100 * 0.003012 / 0.03 = 10.04.
    # ROI (11,046 - 10,000) / 10,000 = 0.1046 -> 10.46. Overall 0.3 * 10.04 + 0.7 * 10.46
    # = 3.012 + 7.322 = 10.334 -> 10.3. Using the rounded 10.0 and 10.5 would give
    # 3.0 + 7.35 = 10.35 -> 10.4 instead.
    totals = make_totals(
        video_views=1_000_000,
        interactions=3_012,
        days_with_spend=28,
        spend=Decimal("10000.00"),
        revenue=Decimal("11046.00"),
    )
    result = score_of(totals, kind=MARKETING)
    assert (result.engagement_score, result.roi_score) == (Decimal("10.0"), Decimal("10.5"))
    assert result.overall_score == Decimal("10.3")


def test_it_rounds_scores_half_to_even() -> None:
    assert round_score(Decimal("72.25")) == Decimal("72.2")
    assert round_score(Decimal("72.35")) == Decimal("72.4")
    assert round_score(Decimal("72.2500001")) == Decimal("72.3")
    assert round_score(Decimal("100")) == Decimal("100.0")
    assert round_score(None) is None
    # In a scorecard: 36,125 / 1,000,000 = 0.036125 -> 100 * 0.036125 / 0.05 = 72.25 -> 72.2.
    result = score_of(make_totals(video_views=1_000_000, interactions=36_125))
    assert result.engagement_score == Decimal("72.2")
    assert result.overall_score == Decimal("72.2")

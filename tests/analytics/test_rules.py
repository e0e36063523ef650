"""The scorecard rules of docs/scoring.md, checked with numbers alone.

Each numeric example shows its arithmetic in a comment, so a reader can recompute it by
hand from docs/scoring.md. Nothing here needs Django or a database.
"""

from __future__ import annotations

import ast
import dataclasses
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from analytics import rules
from analytics.export import EXPORT_COLUMNS, export_value
from analytics.rules import (
    DEFAULT_TARGETS,
    EMPTY_TOTALS,
    FLAG_EXPLANATIONS,
    FLAGS,
    MARKETING,
    OFFICIAL,
    QUADRANT_LABELS,
    QUADRANTS,
    WEIGHTS,
    Targets,
    Totals,
    figures,
    follower_growth,
    grade,
    period,
    previous_period,
    quadrant,
    resolve_followers_base,
    round_score,
    scaled_targets,
    score,
    sub_score,
)

# One target set for both kinds, so that tests comparing kinds only see the weights differ.
EVEN_TARGETS = Targets(
    engagement_rate=Decimal("0.05"),
    follower_growth=Decimal("0.03"),
    ctr=Decimal("0.01"),
    conversion_rate=Decimal("0.02"),
    roi=Decimal("1.00"),
)


def make_totals(**changes: object) -> Totals:
    """A full 28-day window with no paid activity and no follower values, then `changes`."""
    base = Totals(
        days_with_rows=28,
        days_with_spend=0,
        video_views=100_000,
        interactions=4_000,
        impressions=0,
        clicks=0,
        conversions=0,
        spend=Decimal("0.00"),
        revenue=Decimal("0.00"),
        followers_end=None,
        followers_base=None,
    )
    return dataclasses.replace(base, **changes)


def score_of(
    totals: Totals,
    *,
    kind: str = OFFICIAL,
    verified: bool = True,
    days: int = 28,
    targets: Targets | None = None,
    previous_overall: Decimal | None = None,
) -> rules.Score:
    return score(
        kind=kind,
        verified=verified,
        days=days,
        totals=totals,
        targets=targets if targets is not None else DEFAULT_TARGETS[kind],
        previous_overall=previous_overall,
    )


# A marketing account with every figure present, used by several tests below.
MARKETING_TOTALS = make_totals(
    days_with_spend=28,
    video_views=200_000,
    interactions=4_000,
    impressions=500_000,
    clicks=4_000,
    conversions=60,
    spend=Decimal("1200.00"),
    revenue=Decimal("2100.00"),
    followers_end=5_050,
    followers_base=5_000,
)


def test_it_imports_no_django() -> None:
    source = Path(rules.__file__).read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not {name for name in imported if name.split(".")[0] == "django"}


# Section 2: the period.


def test_it_ends_the_period_on_end_inclusive() -> None:
    # start = end - (28 - 1) days = 28 March - 27 days = 1 March.
    assert period(date(2025, 3, 28), 28) == (date(2025, 3, 1), date(2025, 3, 28))
    assert period(date(2025, 1, 7), 7) == (date(2025, 1, 1), date(2025, 1, 7))
    assert period(date(2025, 1, 7), 1) == (date(2025, 1, 7), date(2025, 1, 7))


def test_it_ends_the_previous_period_the_day_before_start() -> None:
    # The 28-day window from 1 to 28 March is preceded by 1 to 28 February 2025.
    assert previous_period(date(2025, 3, 28), 28) == (date(2025, 2, 1), date(2025, 2, 28))
    # The 7-day window from 1 to 7 January crosses the year boundary backwards.
    assert previous_period(date(2025, 1, 7), 7) == (date(2024, 12, 25), date(2024, 12, 31))


@pytest.mark.parametrize("days", [0, -1])
def test_it_refuses_a_period_without_days(days: int) -> None:
    with pytest.raises(ValueError):
        period(date(2025, 3, 28), days)
    with pytest.raises(ValueError):
        scaled_targets(EVEN_TARGETS, days)


# Section 3: raw figures.


def test_it_computes_every_figure_of_a_worked_example() -> None:
    result = figures(MARKETING_TOTALS)
    assert (result.views, result.interactions) == (200_000, 4_000)
    assert (result.impressions, result.clicks, result.conversions) == (500_000, 4_000, 60)
    assert (result.spend, result.revenue) == (Decimal("1200.00"), Decimal("2100.00"))
    # 4,000 interactions / 200,000 views = 0.02.
    assert result.engagement_rate == Decimal("0.02")
    # (5,050 - 5,000) / 5,000 = 0.01.
    assert result.follower_growth == Decimal("0.01")
    # 4,000 clicks / 500,000 impressions = 0.008.
    assert result.ctr == Decimal("0.008")
    # 60 conversions / 4,000 clicks = 0.015.
    assert result.conversion_rate == Decimal("0.015")
    # 1,200.00 spend / 60 conversions = 20.
    assert result.cpa == Decimal("20")
    # 2,100.00 revenue / 1,200.00 spend = 1.75.
    assert result.roas == Decimal("1.75")
    # (2,100.00 - 1,200.00) / 1,200.00 = 900 / 1,200 = 0.75.
    assert result.roi == Decimal("0.75")


def test_it_keeps_rates_unrounded() -> None:
    # 1 / 3 is kept to 28 significant digits, not cut to the 6 places of the export.
    result = figures(make_totals(video_views=3, interactions=1))
    assert result.engagement_rate == Decimal(1) / Decimal(3)
    assert len(result.engagement_rate.as_tuple().digits) == 28


def test_it_makes_engagement_rate_null_without_views() -> None:
    assert figures(make_totals(video_views=0, interactions=5)).engagement_rate is None


def test_it_makes_ctr_null_without_impressions() -> None:
    assert figures(make_totals(impressions=0, clicks=3)).ctr is None


def test_it_makes_conversion_rate_null_without_clicks() -> None:
    assert figures(make_totals(impressions=100, clicks=0, conversions=2)).conversion_rate is None


def test_it_makes_roas_and_roi_null_without_spend() -> None:
    result = figures(make_totals(spend=Decimal("0.00"), revenue=Decimal("50.00")))
    assert result.roas is None
    assert result.roi is None


def test_it_makes_cpa_null_without_conversions() -> None:
    result = figures(make_totals(spend=Decimal("80.00"), clicks=10, impressions=100))
    assert result.cpa is None


def test_it_makes_follower_growth_null_without_followers() -> None:
    assert figures(make_totals(followers_end=None, followers_base=1_000)).follower_growth is None
    assert figures(make_totals(followers_end=1_000, followers_base=None)).follower_growth is None
    assert figures(make_totals(followers_end=1_000, followers_base=0)).follower_growth is None


def test_it_keeps_a_zero_figure_when_only_the_numerator_is_zero() -> None:
    # A real 0 is not a null: 0 / 100 impressions is a CTR of 0.
    result = figures(
        make_totals(
            interactions=0,
            impressions=100,
            clicks=10,
            conversions=0,
            spend=Decimal("10.00"),
            revenue=Decimal("0.00"),
        )
    )
    assert result.engagement_rate == 0
    assert result.ctr == Decimal("0.1")
    assert result.conversion_rate == 0
    assert result.roas == 0
    # (0 - 10) / 10 = -1.
    assert result.roi == Decimal(-1)


def test_it_makes_every_rate_null_for_an_empty_window() -> None:
    result = figures(EMPTY_TOTALS)
    assert (result.views, result.interactions, result.spend) == (0, 0, Decimal(0))
    rates = (
        result.engagement_rate,
        result.follower_growth,
        result.ctr,
        result.conversion_rate,
        result.cpa,
        result.roas,
        result.roi,
    )
    assert rates == (None,) * 7


def test_it_computes_follower_growth() -> None:
    # (10,210 - 10,000) / 10,000 = 0.021; (9,900 - 10,000) / 10,000 = -0.01.
    assert follower_growth(10_210, 10_000) == Decimal("0.021")
    assert follower_growth(9_900, 10_000) == Decimal("-0.01")
    assert follower_growth(10_000, 10_000) == 0
    assert follower_growth(None, 10_000) is None
    assert follower_growth(10_000, None) is None
    assert follower_growth(10_000, 0) is None


def test_it_prefers_the_followers_before_the_window_as_base() -> None:
    assert resolve_followers_base(900, 1_000) == 900
    assert resolve_followers_base(None, 1_000) == 1_000
    assert resolve_followers_base(0, 1_000) == 0
    assert resolve_followers_base(None, None) is None


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
    assert result.quadrant == "at_risk"


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


# Section 6: grade and quadrant.


@pytest.mark.parametrize(
    ("overall", "expected"),
    [
        (Decimal("100.0"), "A"),
        (Decimal("85.0"), "A"),
        (Decimal("84.9"), "B"),
        (Decimal("70"), "B"),
        (Decimal("69.9"), "C"),
        (Decimal("55"), "C"),
        (Decimal("54.9"), "D"),
        (Decimal("40"), "D"),
        (Decimal("39.9"), "F"),
        (Decimal("0.0"), "F"),
        (None, ""),
    ],
)
def test_it_grades_at_each_boundary(overall: Decimal | None, expected: str) -> None:
    assert grade(overall) == expected


def test_it_grades_the_rounded_overall_score() -> None:
    # 4,248 / 100,000 = 0.04248 -> 100 * 0.04248 / 0.05 = 84.96, shown as 85.0: an A.
    result = score_of(make_totals(interactions=4_248))
    assert result.overall_score == Decimal("85.0")
    assert result.grade == "A"


@pytest.mark.parametrize(
    ("engagement", "roi", "expected"),
    [
        (Decimal("70"), Decimal("70"), "star"),
        (Decimal("70.0"), Decimal("69.9"), "engaging"),
        (Decimal("69.9"), Decimal("70.0"), "converting"),
        (Decimal("69.9"), Decimal("69.9"), "at_risk"),
        (Decimal("100"), None, "engaging"),
        (None, Decimal("100"), "converting"),
        (None, None, "at_risk"),
    ],
)
def test_it_places_the_quadrant_at_70_with_nulls_as_0(
    engagement: Decimal | None, roi: Decimal | None, expected: str
) -> None:
    assert quadrant(engagement, roi) == expected


def test_it_places_the_quadrant_from_the_rounded_scores() -> None:
    # 3,498 / 100,000 = 0.03498 -> 100 * 0.03498 / 0.05 = 69.96, shown as 70.0: engaging.
    result = score_of(make_totals(interactions=3_498))
    assert result.engagement_score == Decimal("70.0")
    assert result.quadrant == "engaging"


def test_it_names_grades_quadrants_and_labels() -> None:
    assert rules.GRADES == ("A", "B", "C", "D", "F")
    assert QUADRANTS == ("star", "engaging", "converting", "at_risk")
    assert QUADRANT_LABELS == {
        "star": "Star",
        "engaging": "Engaging, not converting",
        "converting": "Converting, not engaging",
        "at_risk": "At risk",
    }


# Section 7: flags.


def test_it_lists_the_flags_in_spec_order_with_an_explanation_each() -> None:
    assert FLAGS == (
        "no_data",
        "data_gap",
        "unverified_official",
        "paid_heavy_official",
        "no_paid_marketing",
        "declining",
    )
    assert set(FLAG_EXPLANATIONS) == set(FLAGS)
    assert all(text.endswith(".") for text in FLAG_EXPLANATIONS.values())


def test_it_flags_no_data_together_with_data_gap() -> None:
    assert score_of(EMPTY_TOTALS, kind=OFFICIAL).flags == ("no_data", "data_gap")
    assert score_of(EMPTY_TOTALS, kind=MARKETING).flags == (
        "no_data",
        "data_gap",
        "no_paid_marketing",
    )


def test_it_does_not_flag_no_data_with_one_row() -> None:
    flags = score_of(make_totals(days_with_rows=1)).flags
    assert "no_data" not in flags
    assert "data_gap" in flags


@pytest.mark.parametrize(
    ("days", "days_with_rows", "gap"),
    [
        # 28 days: 80% is 22.4 days, so 22 rows are a gap and 23 are not.
        (28, 22, True),
        (28, 23, False),
        (28, 28, False),
        # 10 days: exactly 8 rows is 80%, which is not fewer than 80%.
        (10, 7, True),
        (10, 8, False),
        # 7 days: 80% is 5.6 days.
        (7, 5, True),
        (7, 6, False),
    ],
)
def test_it_flags_a_data_gap_below_80_percent_of_the_days(
    days: int, days_with_rows: int, gap: bool
) -> None:
    flags = score_of(make_totals(days_with_rows=days_with_rows), days=days).flags
    assert ("data_gap" in flags) is gap


def test_it_flags_an_unverified_official_account() -> None:
    assert "unverified_official" in score_of(make_totals(), verified=False).flags
    assert "unverified_official" not in score_of(make_totals(), verified=True).flags
    unverified_marketing = score_of(make_totals(), kind=MARKETING, verified=False)
    assert "unverified_official" not in unverified_marketing.flags


@pytest.mark.parametrize(
    ("kind", "days_with_spend", "flagged"),
    [
        # 28 days: more than half means 15 days or more; 14 is exactly half.
        (OFFICIAL, 15, True),
        (OFFICIAL, 14, False),
        (OFFICIAL, 0, False),
        (MARKETING, 28, False),
    ],
)
def test_it_flags_an_official_account_paying_on_most_days(
    kind: str, days_with_spend: int, flagged: bool
) -> None:
    totals = make_totals(days_with_spend=days_with_spend, spend=Decimal("1.00") * days_with_spend)
    assert ("paid_heavy_official" in score_of(totals, kind=kind).flags) is flagged


def test_it_flags_more_than_half_of_an_odd_number_of_days() -> None:
    # 7 days: 4 days with spend is more than 3.5, 3 is not.
    assert "paid_heavy_official" in score_of(make_totals(days_with_spend=4), days=7).flags
    assert "paid_heavy_official" not in score_of(make_totals(days_with_spend=3), days=7).flags


def test_it_flags_a_marketing_account_without_spend() -> None:
    no_spend = make_totals(spend=Decimal("0.00"))
    some_spend = make_totals(days_with_spend=1, spend=Decimal("0.01"))
    assert "no_paid_marketing" in score_of(no_spend, kind=MARKETING).flags
    assert "no_paid_marketing" not in score_of(some_spend, kind=MARKETING).flags
    assert "no_paid_marketing" not in score_of(no_spend, kind=OFFICIAL).flags


def test_it_flags_a_decline_of_exactly_10_points() -> None:
    # 3,500 / 100,000 = 0.035 -> 100 * 0.035 / 0.05 = 70.0; 80.0 - 70.0 = 10.
    totals = make_totals(interactions=3_500)
    assert score_of(totals, previous_overall=Decimal("80.0")).flags == ("declining",)
    # 79.9 - 70.0 = 9.9 is not a decline.
    assert score_of(totals, previous_overall=Decimal("79.9")).flags == ()


def test_it_measures_the_decline_between_rounded_scores() -> None:
    # 3,502 / 100,000 = 0.03502 -> 100 * 0.03502 / 0.05 = 70.04, shown as 70.0. Against a
    # previous 80.0 the user sees a fall of 80.0 - 70.0 = 10, so the flag is raised, although
    # the unrounded fall 80 - 70.04 = 9.96 would not raise it.
    totals = make_totals(interactions=3_502)
    assert score_of(totals).overall_score == Decimal("70.0")
    assert "declining" in score_of(totals, previous_overall=Decimal("80.0")).flags


def test_it_does_not_flag_a_decline_without_both_scores() -> None:
    assert "declining" not in score_of(make_totals(), previous_overall=None).flags
    empty = score_of(EMPTY_TOTALS, previous_overall=Decimal("90.0"))
    assert "declining" not in empty.flags


def test_it_does_not_flag_a_rising_score() -> None:
    assert score_of(make_totals(), previous_overall=Decimal("20.0")).flags == ()


def test_it_lists_several_flags_in_spec_order() -> None:
    # Official, unverified, 20 of 28 days with rows (20 * 5 = 100 < 28 * 4 = 112), spend on
    # 20 days (20 * 2 = 40 > 28), overall 80.0 against a previous 95.0.
    totals = make_totals(days_with_rows=20, days_with_spend=20, spend=Decimal("20.00"))
    result = score_of(totals, verified=False, previous_overall=Decimal("95.0"))
    assert result.flags == ("data_gap", "unverified_official", "paid_heavy_official", "declining")


def test_it_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError):
        score_of(make_totals(), kind="personal", targets=EVEN_TARGETS)


# Section 8: export.


def test_it_names_the_export_columns_in_spec_order() -> None:
    assert EXPORT_COLUMNS == (
        "handle",
        "kind",
        "period_start",
        "period_end",
        "views",
        "interactions",
        "engagement_rate",
        "follower_growth",
        "impressions",
        "clicks",
        "conversions",
        "spend",
        "revenue",
        "ctr",
        "conversion_rate",
        "cpa",
        "roas",
        "roi",
        "engagement_score",
        "roi_score",
        "overall_score",
        "grade",
        "quadrant",
        "flags",
    )


@pytest.mark.parametrize("column", EXPORT_COLUMNS)
def test_it_exports_null_as_an_empty_cell(column: str) -> None:
    assert export_value(column, None) == ""


def test_it_exports_a_whole_scorecard_row() -> None:
    result = score_of(MARKETING_TOTALS, kind=MARKETING)
    figs = result.figures
    values = {
        "handle": "shop.fr",
        "kind": MARKETING,
        "period_start": date(2025, 3, 1),
        "period_end": date(2025, 3, 28),
        "views": figs.views,
        "interactions": figs.interactions,
        "engagement_rate": figs.engagement_rate,
        "follower_growth": figs.follower_growth,
        "impressions": figs.impressions,
        "clicks": figs.clicks,
        "conversions": figs.conversions,
        "spend": figs.spend,
        "revenue": figs.revenue,
        "ctr": figs.ctr,
        "conversion_rate": figs.conversion_rate,
        "cpa": figs.cpa,
        "roas": figs.roas,
        "roi": figs.roi,
        "engagement_score": result.engagement_score,
        "roi_score": result.roi_score,
        "overall_score": result.overall_score,
        "grade": result.grade,
        "quadrant": result.quadrant,
        "flags": result.flags,
    }
    row = [export_value(column, values[column]) for column in EXPORT_COLUMNS]
    assert row == [
        "shop.fr",
        "marketing",
        "2025-03-01",
        "2025-03-28",
        "200000",
        "4000",
        "0.020000",
        "0.010000",
        "500000",
        "4000",
        "60",
        "1200.00",
        "2100.00",
        "0.008000",
        "0.015000",
        "20.00",
        "1.750000",
        "0.750000",
        "58.3",
        "76.7",
        "71.2",
        "B",
        "converting",
        "",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.0471234567"), "0.047123"),
        (Decimal(2) / Decimal(3), "0.666667"),
        # Half to even at the sixth place.
        (Decimal("0.0000005"), "0.000000"),
        (Decimal("0.0000015"), "0.000002"),
        (Decimal("-0.25"), "-0.250000"),
        # A tiny negative rate rounds to a plain zero, not -0.000000.
        (Decimal("-0.0000001"), "0.000000"),
        (Decimal("12345.5"), "12345.500000"),
        (Decimal("1E+1"), "10.000000"),
    ],
)
def test_it_exports_rates_with_6_places(value: Decimal, expected: str) -> None:
    for column in ("engagement_rate", "follower_growth", "ctr", "conversion_rate", "roas", "roi"):
        assert export_value(column, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1200"), "1200.00"),
        (Decimal("1234567.89"), "1234567.89"),
        # Half to even at the second place.
        (Decimal("1234.565"), "1234.56"),
        (Decimal("1234.575"), "1234.58"),
        (Decimal(100) / Decimal(3), "33.33"),
        (Decimal("1E+3"), "1000.00"),
        (0, "0.00"),
    ],
)
def test_it_exports_money_with_2_places(value: Decimal | int, expected: str) -> None:
    for column in ("spend", "revenue", "cpa"):
        assert export_value(column, value) == expected


def test_it_exports_counts_as_integers() -> None:
    for column in ("views", "interactions", "impressions", "clicks", "conversions"):
        assert export_value(column, 1_234_567) == "1234567"
        assert export_value(column, 0) == "0"
        # A SQL sum may come back as a Decimal.
        assert export_value(column, Decimal("42")) == "42"
    with pytest.raises(ValueError):
        export_value("views", Decimal("4.5"))


def test_it_exports_scores_with_1_place() -> None:
    for column in ("engagement_score", "roi_score", "overall_score"):
        assert export_value(column, Decimal("85")) == "85.0"
        assert export_value(column, Decimal("71.2")) == "71.2"
        assert export_value(column, Decimal("72.25")) == "72.2"
        assert export_value(column, Decimal("0")) == "0.0"


def test_it_exports_dates_in_iso_format() -> None:
    assert export_value("period_start", date(2025, 3, 1)) == "2025-03-01"
    assert export_value("period_end", date(2025, 12, 31)) == "2025-12-31"
    with pytest.raises(TypeError):
        export_value("period_end", datetime(2025, 12, 31, 12, 0))  # noqa: DTZ001


def test_it_exports_text_as_it_is() -> None:
    assert export_value("handle", "brand.official") == "brand.official"
    assert export_value("kind", OFFICIAL) == "official"
    assert export_value("grade", "A") == "A"
    assert export_value("grade", "") == ""
    assert export_value("quadrant", "at_risk") == "at_risk"


def test_it_exports_flags_joined_in_spec_order() -> None:
    assert export_value("flags", ()) == ""
    assert export_value("flags", ("no_data", "data_gap")) == "no_data;data_gap"
    # Out of order input is put back in spec order.
    assert export_value("flags", ["declining", "data_gap"]) == "data_gap;declining"
    assert export_value("flags", "declining;no_data") == "no_data;declining"
    with pytest.raises(ValueError):
        export_value("flags", ("made_up",))


def test_it_refuses_floats_and_unknown_columns() -> None:
    with pytest.raises(TypeError):
        export_value("roi", 0.5)
    with pytest.raises(ValueError):
        export_value("followers", 10)

"""The scorecard rules of docs/scoring.md: grade, quadrant and flags (sections 6 and 7).

Nothing here needs Django or a database.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from analytics.scorecards import rules
from analytics.scorecards.rules import (
    EMPTY_TOTALS,
    FLAG_EXPLANATIONS,
    FLAGS,
    MARKETING,
    OFFICIAL,
    QUADRANT_LABELS,
    QUADRANTS,
    grade,
    quadrant,
)
from tests.analytics.rules_examples import EVEN_TARGETS, make_totals, score_of

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
        (None, Decimal("0"), "at_risk"),
        (None, None, ""),
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

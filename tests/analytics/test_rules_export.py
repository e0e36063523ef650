"""The export format of docs/scoring.md (section 8), checked with values alone.

Nothing here needs Django or a database.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from analytics.scorecards.export import EXPORT_COLUMNS, export_value
from analytics.scorecards.rules import MARKETING, OFFICIAL
from tests.analytics.rules_examples import MARKETING_TOTALS, score_of

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

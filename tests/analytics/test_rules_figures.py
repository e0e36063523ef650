"""The scorecard rules of docs/scoring.md: the period and the raw figures (sections 2 and 3).

Each numeric example shows its arithmetic in a comment, so a reader can recompute it by
hand from docs/scoring.md. Nothing here needs Django or a database.
"""

from __future__ import annotations

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from analytics.scorecards import rules
from analytics.scorecards.rules import (
    EMPTY_TOTALS,
    figures,
    follower_growth,
    period,
    previous_period,
    resolve_followers_base,
    scaled_targets,
)
from tests.analytics.rules_examples import EVEN_TARGETS, MARKETING_TOTALS, make_totals


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

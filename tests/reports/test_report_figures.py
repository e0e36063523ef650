"""A report's figures for any period are the scorecard rules over those dates.

Each account's figures, scores, grade, quadrant and flags over a custom period (not one of
the 7/28/90-day windows) are compared with tests/analytics/rules_reference.py (the frozen
rules), fed with sums added up in Python from the daily rows; the comparison period too,
both the previous one and the same days a year earlier.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import Account
from analytics.models import DailyMetric
from analytics.scorecards import rules
from reports.periods import PREVIOUS, YEAR, ReportPeriod, year_earlier
from reports.selectors.scores import period_scores
from tests.analytics.chunked import END, accounts_with_history
from tests.analytics.reference_scores import reference_score

pytestmark = pytest.mark.django_db


def reference(account: Account, start: date, end: date, *, with_previous: bool) -> rules.Score:
    score, _ = reference_score(account, start, end, with_previous=with_previous)
    return score


def assert_same(score: rules.Score, expected: rules.Score) -> None:
    assert score.figures == expected.figures
    assert score.sub_scores == expected.sub_scores
    assert (score.engagement_score, score.roi_score, score.overall_score) == (
        expected.engagement_score,
        expected.roi_score,
        expected.overall_score,
    )
    assert (score.grade, score.quadrant, score.flags) == (
        expected.grade,
        expected.quadrant,
        expected.flags,
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 3, 3), date(2025, 3, 21)),  # 19 days, no window the product stores
        (date(2025, 2, 10), date(2025, 3, 28)),  # 47 days, the previous reaches before the rows
        (date(2025, 3, 28), date(2025, 3, 28)),  # one day
    ],
)
def test_it_scores_a_custom_period_as_the_frozen_rules_do(acme, start: date, end: date) -> None:
    accounts = accounts_with_history(acme, 10, seed=start.day)
    Account.objects.filter(pk=accounts[1].pk).update(
        target_engagement_rate=Decimal("0.0125"), target_follower_growth=Decimal("0.07")
    )
    DailyMetric.objects.filter(account=accounts[2]).delete()
    accounts = list(Account.objects.filter(team=acme).order_by("handle"))

    lines = period_scores(accounts=accounts, period=ReportPeriod(start, end, PREVIOUS))

    assert [line.account for line in lines] == accounts
    for line in lines:
        assert_same(line.score, reference(line.account, start, end, with_previous=True))
        previous_end = start - timedelta(days=1)
        previous_start = previous_end - timedelta(days=(end - start).days)
        assert_same(
            line.compared,
            reference(line.account, previous_start, previous_end, with_previous=False),
        )
        # The rows give most accounts a score: the comparison is not of nulls alone.
    assert sum(line.score.overall_score is not None for line in lines) >= 8


def test_it_compares_with_the_same_days_a_year_earlier(acme) -> None:
    (account,) = accounts_with_history(acme, 1, seed=3)
    # A year before END's rows, a few rows of the same days.
    for offset in range(0, 30, 2):
        DailyMetric.objects.create(
            account=account,
            date=year_earlier(END) - timedelta(days=offset),
            video_views=1000 + offset,
            likes=40,
            comments=3,
            shares=1,
            followers=900 + offset,
        )
    start, end = date(2025, 3, 1), END

    (line,) = period_scores(accounts=[account], period=ReportPeriod(start, end, YEAR))

    assert_same(line.score, reference(account, start, end, with_previous=True))
    compared = reference(account, date(2024, 3, 1), date(2024, 3, 28), with_previous=False)
    assert_same(line.compared, compared)
    assert line.compared.figures.views == sum(1000 + o for o in range(0, 28, 2))


def test_it_keeps_the_length_of_a_leap_day_period_a_year_earlier() -> None:
    period = ReportPeriod(date(2024, 2, 1), date(2024, 2, 29), YEAR)
    assert period.comparison == (date(2023, 1, 31), date(2023, 2, 28))
    assert period.previous == (date(2024, 1, 3), date(2024, 1, 31))
    with pytest.raises(ValueError, match="after it ends"):
        ReportPeriod(date(2024, 3, 1), date(2024, 2, 1))

"""Stored scorecards hold exactly what the earlier rules give, through the whole fast path.

The aggregate rows read as tuples, the previous window scored for its overall alone, the
inline column fitting and the COPY text lines are all new; here every stored figure of
many random accounts is compared with tests/analytics/rules_reference.py (the rules as they
were), fed with sums added up in Python from the daily rows and rounded to the column.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal

import pytest

from accounts.models import Account
from analytics.models import DailyMetric, Scorecard
from analytics.scorecards import rules
from analytics.scorecards.compute import scorecards_compute
from tests.analytics.chunked import END, accounts_with_history
from tests.analytics.reference_scores import reference_score

pytestmark = pytest.mark.django_db

WIDE = Context(prec=80, rounding=ROUND_HALF_EVEN)


def column(card: Scorecard, name: str, value: Decimal | None) -> Decimal | None:
    """`value` as the model's column stores it (its decimal places, half to even)."""
    if value is None:
        return None
    places = Scorecard._meta.get_field(name).decimal_places
    return value.quantize(Decimal(1).scaleb(-places), context=WIDE)


@pytest.mark.parametrize("days", [7, 28])
def test_it_stores_what_the_earlier_rules_give_for_every_account(acme, days: int) -> None:
    accounts = accounts_with_history(acme, 24, seed=100 + days)
    # Targets of the lead's own next to the defaults, and an account with no rows at all.
    Account.objects.filter(pk=accounts[1].pk).update(
        target_engagement_rate=Decimal("0.0125"), target_roi=Decimal("0.40")
    )
    DailyMetric.objects.filter(account=accounts[2]).delete()

    result = scorecards_compute(accounts=Account.objects.filter(team=acme), end=END, days=days)

    assert (result.computed, result.errors) == (24, [])
    start, _ = rules.period(END, days)
    for account in Account.objects.filter(team=acme):
        expected, previous_overall = reference_score(account, start, END)
        card = Scorecard.objects.get(account=account, period_start=start, period_end=END)
        figures = expected.figures
        for name in ("engagement_rate", "follower_growth", "ctr", "conversion_rate", "cpa"):
            assert getattr(card, name) == column(card, name, getattr(figures, name)), name
        for name in ("roas", "roi", "spend", "revenue"):
            assert getattr(card, name) == column(card, name, getattr(figures, name)), name
        assert (card.views, card.interactions, card.clicks) == (
            figures.views,
            figures.interactions,
            figures.clicks,
        )
        assert (card.engagement_score, card.roi_score, card.overall_score) == (
            expected.engagement_score,
            expected.roi_score,
            expected.overall_score,
        )
        assert card.previous_overall_score == previous_overall
        assert (card.grade, card.quadrant, card.flags) == (
            expected.grade,
            expected.quadrant,
            ";".join(expected.flags),
        )
    # The account without rows is scored as empty: no data, and a gap.
    assert Scorecard.objects.get(account=accounts[2], days=days).flags.startswith(
        "no_data;data_gap"
    )


def test_it_reads_back_what_it_wrote_for_tiny_and_negative_figures(acme) -> None:
    # Follower losses and tiny rates reach the COPY lines as negative numbers and as
    # exponents (a rate of 1E-7 is "1.00000E-7"); PostgreSQL must read them back exactly.
    account = accounts_with_history(acme, 1)[0]
    DailyMetric.objects.filter(account=account).delete()
    DailyMetric.objects.bulk_create(
        DailyMetric(account=account, date=END - timedelta(days=n), video_views=10_000_000)
        for n in range(28)
    )
    DailyMetric.objects.filter(account=account, date=END).update(likes=1, followers=100)
    DailyMetric.objects.create(account=account, date=END - timedelta(days=40), followers=1000)

    scorecards_compute(accounts=[account], end=END, days=28)

    card = Scorecard.objects.get(account=account, days=28)
    assert card.engagement_rate == column(card, "engagement_rate", Decimal(1) / Decimal(28 * 10**7))
    assert card.follower_growth == Decimal("-0.9")

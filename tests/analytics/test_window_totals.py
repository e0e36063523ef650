"""The sums a scorecard is computed from, checked against the daily rows added up in Python."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import Account
from analytics import rules
from analytics.models import DailyMetric
from analytics.selectors.totals import window_totals
from tests.analytics.chunked import END, accounts_with_history

pytestmark = pytest.mark.django_db


def added_up(account: Account, start: date, end: date) -> rules.Totals | None:
    rows = list(DailyMetric.objects.filter(account=account, date__range=(start, end)))
    if not rows:
        return None
    with_followers = sorted((r.date, r.followers) for r in rows if r.followers is not None)
    before = (
        DailyMetric.objects.filter(account=account, date__lt=start, followers__isnull=False)
        .order_by("-date")
        .first()
    )
    return rules.Totals(
        days_with_rows=len(rows),
        days_with_spend=sum(1 for r in rows if r.spend > 0),
        video_views=sum(r.video_views for r in rows),
        interactions=sum(r.likes + r.comments + r.shares for r in rows),
        impressions=sum(r.impressions for r in rows),
        clicks=sum(r.clicks for r in rows),
        conversions=sum(r.conversions for r in rows),
        spend=sum((r.spend for r in rows), Decimal("0.00")),
        revenue=sum((r.revenue for r in rows), Decimal("0.00")),
        followers_end=with_followers[-1][1] if with_followers else None,
        followers_base=before.followers
        if before
        else (with_followers[0][1] if with_followers else None),
    )


@pytest.mark.parametrize("days", [1, 7, 28, 60])
def test_it_sums_every_account_s_window_as_the_rows_add_up(acme, days: int) -> None:
    accounts = accounts_with_history(acme, 6, seed=days)
    # One account without any follower total before the window: its base is the first in it.
    start = END - timedelta(days=days - 1)
    DailyMetric.objects.filter(account=accounts[0], date__lt=start).update(followers=None)

    totals = window_totals(account_ids=[a.pk for a in accounts], start=start, end=END)
    by_queryset = window_totals(
        account_ids=Account.objects.filter(team=acme).values("pk"), start=start, end=END
    )

    expected = {a.pk: added_up(a, start, END) for a in accounts}
    assert totals == {pk: value for pk, value in expected.items() if value is not None}
    assert by_queryset == totals
    assert all(isinstance(t.video_views, int) for t in totals.values())
    # Money keeps its two places, as the columns and the export have them.
    assert {t.spend.as_tuple().exponent for t in totals.values()} == {-2}
    assert {t.revenue.as_tuple().exponent for t in totals.values()} == {-2}


def test_it_returns_nothing_for_no_accounts(db: None) -> None:
    assert window_totals(account_ids=[], start=END, end=END) == {}

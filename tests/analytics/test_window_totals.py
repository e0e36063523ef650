"""The sums a scorecard is computed from, checked against the daily rows added up in Python."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import Account
from analytics.models import DailyMetric
from analytics.scorecards import rules
from analytics.scorecards.totals import window_totals, windows_totals, windows_totals_stream
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


@pytest.mark.parametrize("days", [1, 7, 28])
def test_it_sums_both_windows_in_one_query_as_the_rows_add_up(acme, days: int) -> None:
    accounts = accounts_with_history(acme, 8, seed=40 + days)
    start, _ = rules.period(END, days)
    previous_start, previous_end = rules.previous_period(END, days)
    # No follower total before the current window, then none before the previous one:
    # each base is then the first value in its own window.
    DailyMetric.objects.filter(account=accounts[0], date__lt=start).update(followers=None)
    DailyMetric.objects.filter(account=accounts[1], date__lt=previous_start).update(followers=None)
    # Rows in the previous window only, in the current one only, and none at all.
    DailyMetric.objects.filter(account=accounts[2], date__gte=start).delete()
    DailyMetric.objects.filter(account=accounts[3], date__lt=start).delete()
    DailyMetric.objects.filter(account=accounts[4]).delete()
    # Rows in the current window, but not one with a follower total.
    DailyMetric.objects.filter(account=accounts[5], date__gte=start).update(followers=None)

    current, previous = windows_totals(
        account_ids=[a.pk for a in accounts], start=start, end=END, previous_start=previous_start
    )

    expected = {a.pk: added_up(a, start, END) for a in accounts}
    expected_previous = {a.pk: added_up(a, previous_start, previous_end) for a in accounts}
    assert current == {pk: value for pk, value in expected.items() if value is not None}
    assert previous == {pk: value for pk, value in expected_previous.items() if value is not None}
    assert accounts[2].pk not in current and accounts[2].pk in previous
    assert accounts[3].pk in current and accounts[3].pk not in previous
    assert accounts[4].pk not in current and accounts[4].pk not in previous
    assert current[accounts[5].pk].followers_end is None
    assert current[accounts[0].pk].followers_base is not None
    assert (current, previous) == (
        window_totals(account_ids=[a.pk for a in accounts], start=start, end=END),
        window_totals(account_ids=[a.pk for a in accounts], start=previous_start, end=previous_end),
    )
    assert {t.spend.as_tuple().exponent for t in (*current.values(), *previous.values())} == {-2}


def test_it_streams_one_row_per_account_in_the_order_asked(acme) -> None:
    accounts = accounts_with_history(acme, 5, seed=3)
    DailyMetric.objects.filter(account=accounts[1]).delete()
    start, _ = rules.period(END, 7)
    previous_start, _ = rules.previous_period(END, 7)
    ids = [a.pk for a in reversed(accounts)]

    streamed = list(
        windows_totals_stream(account_ids=ids, start=start, end=END, previous_start=previous_start)
    )

    assert [account_id for account_id, _sums, _previous in streamed] == ids
    assert {a: (s, p) for a, s, p in streamed}[accounts[1].pk] == (None, None)
    current, previous = windows_totals(
        account_ids=ids, start=start, end=END, previous_start=previous_start
    )
    for account_id, sums, previous_sums in streamed:
        if sums is not None:
            assert rules.Totals(*sums) == current[account_id]
            assert sums == rules.sums_of(current[account_id])
        if previous_sums is not None:
            assert previous_sums == rules.sums_of(previous[account_id])


def test_it_sums_both_windows_of_no_accounts_to_nothing(db: None) -> None:
    previous_start = END - timedelta(days=1)
    assert windows_totals(account_ids=[], start=END, end=END, previous_start=previous_start) == (
        {},
        {},
    )


def test_it_refuses_a_previous_window_that_is_not_before_the_window(db: None) -> None:
    with pytest.raises(ValueError, match="previous window"):
        windows_totals(account_ids=[1], start=END, end=END, previous_start=END)

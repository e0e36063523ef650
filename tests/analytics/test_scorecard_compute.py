"""Computing scorecards from stored daily rows, checked against numbers worked by hand.

The window in most tests is the 7 days from 22 to 28 March 2025; the previous window
runs from 15 to 21 March. Targets are the kinds' defaults (docs/scoring.md, "Targets"): engagement
rate 0.05 (official) or 0.03 (marketing), follower growth 0.03 or 0.02 per 28 days, ctr
0.01, conversion rate 0.02, roi 1.00.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account, Kind
from analytics.models import DailyMetric, Scorecard
from analytics.scorecards import rules
from analytics.scorecards.compute import scorecards_compute
from tests.factories import AccountFactory

END = date(2025, 3, 28)


def day(n: int) -> date:
    return date(2025, 3, n)


def metric(account: Account, on: date, **fields: object) -> DailyMetric:
    return DailyMetric.objects.create(account=account, date=on, **fields)


def card_of(account: Account, days: int = 7) -> Scorecard:
    start, end = rules.period(END, days)
    return Scorecard.objects.get(account=account, period_start=start, period_end=end)


def stored_fields(card: Scorecard) -> dict[str, object]:
    return {
        f.attname: getattr(card, f.attname)
        for f in Scorecard._meta.concrete_fields
        if f.name not in ("id", "computed_at")
    }


@pytest.fixture
def official(acme) -> Account:
    """Seven full days in the window (two of them paid) after a better previous window."""
    account = AccountFactory(team=acme, handle="official", kind=Kind.OFFICIAL, verified=True)
    # Before both windows: the previous window's follower base.
    metric(account, day(10), followers=1000)
    # Previous window: 50 interactions on 1000 views, followers up to 1100; then a day
    # without a follower total, so the current window's base is 20 March's.
    metric(account, day(20), video_views=1000, likes=40, comments=5, shares=5, followers=1100)
    metric(account, day(21))
    for n in range(22, 29):
        paid = n in (22, 23)
        metric(
            account,
            day(n),
            video_views=1000,
            likes=20,
            comments=10,
            shares=5,
            # The last day has no follower total: F_end is 27 March's 1111.
            followers=None if n == 28 else 1100 + n - 16,
            spend=Decimal("10.00") if paid else Decimal(0),
            impressions=1000 if paid else 0,
            clicks=15 if paid else 0,
            conversions=n - 21 if paid else 0,
            revenue=Decimal("15.00") if paid else Decimal(0),
        )
    return account


def test_it_computes_the_figures_scores_and_flags_worked_by_hand(official: Account) -> None:
    result = scorecards_compute(accounts=[official], end=END, days=7)

    assert (result.start, result.end, result.days) == (day(22), END, 7)
    assert (result.computed, result.errors) == (1, [])
    card = card_of(official)
    assert (card.period_start, card.period_end, card.days) == (day(22), END, 7)
    assert (card.days_with_rows, card.days_with_spend) == (7, 2)
    # 7 days x 1000 views; 7 x (20 + 10 + 5) interactions; 245 / 7000.
    assert (card.views, card.interactions) == (7000, 245)
    assert card.engagement_rate == Decimal("0.035")
    # F_base: 20 March (the latest day before the window with a value), F_end: 27 March.
    assert (card.followers_base, card.followers_end) == (1100, 1111)
    assert card.follower_growth == Decimal("0.01")
    assert (card.impressions, card.clicks, card.conversions) == (2000, 30, 3)
    assert (card.spend, card.revenue) == (Decimal("20.00"), Decimal("30.00"))
    assert card.ctr == Decimal("0.015")
    assert card.conversion_rate == Decimal("0.1")
    # 20 / 3, stored with the column's 6 places.
    assert card.cpa == Decimal("6.666667")
    assert card.roas == Decimal("1.5")
    assert card.roi == Decimal("0.5")
    # Engagement: rate 0.035 / 0.05 -> 70; growth 0.01 / (0.03 * 7 / 28) -> 133 -> 100.
    assert card.engagement_score == Decimal("85.0")
    # ROI: ctr 150 -> 100, conversion rate 500 -> 100, roi 0.5 / 1 -> 50; mean 83.33.
    assert card.roi_score == Decimal("83.3")
    # 0.8 * 85 + 0.2 * 83.333... = 84.666...
    assert card.overall_score == Decimal("84.7")
    assert (card.grade, card.quadrant) == ("B", rules.STAR)
    # Previous window, from its own rows: rate 50 / 1000 -> 100; growth 1000 -> 1100 is
    # 0.1 -> 100; no paid figures, so overall = engagement = 100. 100 - 84.7 >= 10.
    assert card.previous_overall_score == Decimal("100.0")
    assert card.flags == "declining"


def test_it_takes_the_follower_base_from_the_window_when_nothing_comes_before(acme) -> None:
    account = AccountFactory(team=acme, kind=Kind.MARKETING)
    # Only inside the window: base = the earliest value in it (22nd has none: 23rd's).
    metric(account, day(22), video_views=100, likes=3)
    metric(account, day(23), video_views=100, likes=3, followers=2000)
    metric(account, day(25), video_views=100, likes=3, followers=2050)
    metric(account, day(26), video_views=100, likes=3, followers=2100)
    metric(account, day(27), video_views=100, likes=3)
    # Outside the window (after its end): ignored.
    metric(account, day(29), video_views=9999, followers=9999)

    scorecards_compute(accounts=[account], end=END, days=7)

    card = card_of(account)
    assert (card.followers_base, card.followers_end) == (2000, 2100)
    # (2100 - 2000) / 2000.
    assert card.follower_growth == Decimal("0.05")
    assert card.views == 500
    assert card.days_with_rows == 5


def test_it_leaves_figures_null_when_their_denominator_is_zero(acme) -> None:
    account = AccountFactory(team=acme, kind=Kind.OFFICIAL, verified=True)
    for n in range(22, 29):
        # Likes without views, clicks without impressions; no follower totals at all.
        metric(account, day(n), likes=5, clicks=2)

    scorecards_compute(accounts=[account], end=END, days=7)

    card = card_of(account)
    assert (card.interactions, card.clicks, card.conversions) == (35, 14, 0)
    # No views, no followers, no impressions, no conversions, no spend.
    for name in (
        "engagement_rate",
        "follower_growth",
        "followers_base",
        "followers_end",
        "ctr",
        "cpa",
        "roas",
        "roi",
        "engagement_score",
    ):
        assert getattr(card, name) is None, name
    # 0 conversions / 14 clicks is a figure, 0; its sub-score 0 is the whole roi score,
    # and with engagement null the overall score is the roi score.
    assert card.conversion_rate == 0
    assert card.roi_score == card.overall_score == Decimal("0.0")
    assert (card.grade, card.quadrant) == ("F", rules.AT_RISK)


def test_it_raises_every_flag_end_to_end(acme) -> None:
    # No row at all: no_data (and a gap); everything null, at risk, no grade.
    AccountFactory(team=acme, handle="empty", kind=Kind.OFFICIAL, verified=True)
    # Five of seven days: 5 < 0.8 * 7 is a gap; unverified official.
    gappy = AccountFactory(team=acme, handle="gappy", kind=Kind.OFFICIAL, verified=False)
    for n in (22, 23, 24, 26, 28):
        metric(gappy, day(n), video_views=100, likes=5)
    # Spend on 4 of 7 days: more than half, paid heavy for an official account.
    paid = AccountFactory(team=acme, handle="paid", kind=Kind.OFFICIAL, verified=True)
    for n in range(22, 29):
        metric(paid, day(n), video_views=100, likes=5, spend=Decimal(1) if n < 26 else 0)
    # Marketing without spend.
    unpaid = AccountFactory(team=acme, handle="unpaid", kind=Kind.MARKETING)
    for n in range(22, 29):
        metric(unpaid, day(n), video_views=100, likes=3)

    result = scorecards_compute(
        accounts=Account.objects.filter(team=acme).order_by("handle"), end=END, days=7
    )

    assert result.computed == 4
    cards = {c.account.handle: c for c in Scorecard.objects.select_related("account")}
    assert cards["empty"].flags == "no_data;data_gap"
    assert cards["empty"].days_with_rows == 0
    assert cards["empty"].overall_score is None
    assert (cards["empty"].grade, cards["empty"].quadrant) == ("", "")
    assert cards["gappy"].flags == "data_gap;unverified_official"
    assert cards["paid"].days_with_spend == 4
    assert cards["paid"].flags == "paid_heavy_official"
    assert cards["unpaid"].flags == "no_paid_marketing"


def test_it_raises_no_decline_without_a_previous_score(official: Account) -> None:
    # Without the previous window's rows there is no previous overall score to fall from.
    DailyMetric.objects.filter(account=official, date__lt=day(22)).delete()

    scorecards_compute(accounts=[official], end=END, days=7)

    card = card_of(official)
    assert card.previous_overall_score is None
    assert card.flags == ""
    # The base now comes from inside the window: 22 March's 1106 to 27 March's 1111.
    assert card.followers_base == 1106


def test_it_scales_the_follower_target_and_uses_the_accounts_own_targets(acme) -> None:
    account = AccountFactory(
        team=acme,
        kind=Kind.OFFICIAL,
        target_engagement_rate=Decimal("0.10"),
        target_follower_growth=Decimal("0.28"),
    )
    metric(account, day(1), followers=1000)
    for n in range(2, 28):
        metric(account, day(n), video_views=1000, likes=50, followers=1000 + n)
    metric(account, END, video_views=1000, likes=50, followers=1070)

    scorecards_compute(accounts=[account], end=END, days=28)

    card = card_of(account, days=28)
    # Rate 0.05 / 0.10 -> 50; growth 0.07 / 0.28 -> 25 (28 days: the target unscaled).
    assert card.engagement_rate == Decimal("0.05")
    assert card.follower_growth == Decimal("0.07")
    assert card.engagement_score == Decimal("37.5")


def test_it_gives_identical_rows_when_run_twice_and_keeps_the_review(
    official: Account, acme_deals: Account, alice
) -> None:
    metric(acme_deals, day(24), video_views=10, spend=Decimal("3.00"), revenue=Decimal("1.00"))
    scorecards_compute(accounts=[official, acme_deals], end=END, days=7)
    reviewed_at = timezone.now()
    Scorecard.objects.filter(account=official).update(
        reviewed_by=alice, reviewed_at=reviewed_at, review_comment="Strong week."
    )
    before = {c.pk: stored_fields(c) for c in Scorecard.objects.all()}
    computed_before = set(Scorecard.objects.values_list("computed_at", flat=True))

    scorecards_compute(accounts=[official, acme_deals], end=END, days=7)

    after = {c.pk: stored_fields(c) for c in Scorecard.objects.all()}
    assert after == before
    assert len(after) == 2
    card = card_of(official)
    assert (card.reviewed_by, card.reviewed_at, card.review_comment) == (
        alice,
        reviewed_at,
        "Strong week.",
    )
    assert set(Scorecard.objects.values_list("computed_at", flat=True)) != computed_before


def test_it_updates_a_stored_scorecard_when_the_rows_change(official: Account) -> None:
    scorecards_compute(accounts=[official], end=END, days=7)
    DailyMetric.objects.filter(account=official, date=day(28)).update(video_views=8000)

    scorecards_compute(accounts=[official], end=END, days=7)

    assert Scorecard.objects.count() == 1
    assert card_of(official).views == 14000


def make_accounts(team, count: int) -> list[Account]:
    accounts = AccountFactory.create_batch(count, team=team)
    DailyMetric.objects.bulk_create(
        DailyMetric(
            account=account,
            date=END - timedelta(days=offset),
            video_views=100 + offset,
            likes=offset,
            followers=1000 + offset,
            spend=Decimal(offset % 3),
        )
        for account in accounts
        for offset in range(0, 14, 2)
    )
    return accounts


def test_it_runs_the_same_number_of_queries_for_10_or_200_accounts(acme, globex) -> None:
    few = make_accounts(acme, 10)
    many = make_accounts(globex, 200)

    with CaptureQueriesContext(connection) as for_few:
        scorecards_compute(accounts=few, end=END, days=7)
    with CaptureQueriesContext(connection) as for_many:
        scorecards_compute(accounts=many, end=END, days=7)
    with CaptureQueriesContext(connection) as for_queryset:
        scorecards_compute(accounts=Account.objects.filter(team=globex), end=END, days=7)

    assert Scorecard.objects.count() == 210
    assert len(for_few) == len(for_many) == len(for_queryset) - 1
    # One aggregate for both windows, one upsert; the queryset adds the query that loads it.
    statements = [q["sql"] for q in for_many.captured_queries]
    aggregates = [sql for sql in statements if "FROM analytics_dailymetric" in sql]
    upserts = [sql for sql in statements if sql.startswith("INSERT INTO analytics_scorecard")]
    assert len(aggregates) == 1
    assert "CROSS JOIN LATERAL" in aggregates[0]
    assert len(upserts) == 1
    assert "ON CONFLICT" in upserts[0]


def test_it_stores_the_rest_when_one_account_cannot_be_scored(acme, official: Account) -> None:
    # A revenue of 10^11 on one cent of spend: a ROAS of 10^13 that no column can hold.
    broken = AccountFactory(team=acme, handle="broken", kind=Kind.MARKETING)
    metric(broken, day(25), spend=Decimal("0.01"), revenue=Decimal("100000000000.00"))

    result = scorecards_compute(accounts=[broken, official], end=END, days=7)

    assert result.computed == 1
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error["account_id"], error["handle"], error["days"]) == (broken.pk, "broken", 7)
    assert "too large" in error["error"]
    assert card_of(official).overall_score == Decimal("84.7")
    assert not Scorecard.objects.filter(account=broken).exists()


@pytest.mark.parametrize("in_window", [False, True], ids=["previous window", "window"])
def test_sums_beyond_bigint_cost_only_their_account(acme, official: Account, in_window) -> None:
    huge = AccountFactory(team=acme, handle="huge", kind=Kind.OFFICIAL)
    days = (day(26), day(27)) if in_window else (day(16), day(17))
    for on in days:
        metric(huge, on, video_views=2**62)
    metric(huge, day(25), video_views=10)

    result = scorecards_compute(accounts=[huge, official], end=END, days=7)

    assert card_of(official).overall_score == Decimal("84.7")
    if in_window:
        # 2**63 views in the window: no bigint column holds them.
        assert [error["handle"] for error in result.errors] == ["huge"]
        assert "too large to store" in result.errors[0]["error"]
    else:
        # The previous window is only scored (for the trend), never stored: any size.
        assert result.errors == []
        assert card_of(huge).views == 10


def test_it_stores_the_rest_when_the_rules_raise_for_one_account(
    acme, official: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = AccountFactory(team=acme, handle="other", kind=Kind.MARKETING)
    real_score = rules.score_values

    def failing_for_marketing(**kwargs: object) -> tuple:
        if kwargs["kind"] == Kind.MARKETING:
            raise ArithmeticError("rules broke")
        return real_score(**kwargs)

    monkeypatch.setattr(rules, "score_values", failing_for_marketing)

    result = scorecards_compute(accounts=[other, official], end=END, days=7)

    assert result.computed == 1
    assert result.errors == [
        {
            "account_id": other.pk,
            "handle": "other",
            "days": 7,
            "error": "ArithmeticError: rules broke",
        }
    ]
    assert card_of(official).grade == "B"


def test_it_does_nothing_for_no_accounts(db: None) -> None:
    with CaptureQueriesContext(connection) as queries:
        result = scorecards_compute(accounts=[], end=END, days=28)

    assert (result.computed, result.errors) == (0, [])
    assert (result.start, result.end) == (date(2025, 3, 1), END)
    assert len(queries) == 0

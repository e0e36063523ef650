"""seed_demo: the demo team with 120 days of plausible metrics and scorecards ready to review."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.db.models import Count, F, Max, Min, Sum

from accounts.models import Account, Membership
from analytics.models import DailyMetric, Scorecard, ScorecardRun
from analytics.scorecards import rules
from demo.team import DEMO_ACCOUNTS, DEMO_DAYS, DEMO_WINDOWS
from lib.dates import yesterday


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def totals(handle: str, first: int, last: int) -> dict[str, object]:
    """Sums over the days from `first` to `last` days before yesterday (both included)."""
    end = yesterday()
    return DailyMetric.objects.filter(
        account__handle=handle,
        date__gte=end - timedelta(days=last),
        date__lte=end - timedelta(days=first),
    ).aggregate(
        days=Count("pk"),
        views=Sum("video_views"),
        interactions=Sum(F("likes") + F("comments") + F("shares")),
        spend=Sum("spend"),
        revenue=Sum("revenue"),
    )


def window(handle: str, days: int = 28) -> Scorecard:
    start, end = rules.period(yesterday(), days)
    return Scorecard.objects.get(account__handle=handle, period_start=start, period_end=end)


def test_it_seeds_the_team_its_logins_and_accounts(seeded: str) -> None:
    assert "demo team 'Acme Coffee' created with 5 accounts" in seeded
    assert sorted(Membership.objects.values_list("user__username", "role")) == [
        ("lena", "lead"),
        ("max", "manager"),
    ]
    assert sorted(Account.objects.values_list("handle", flat=True)) == sorted(
        demo.handle for demo in DEMO_ACCOUNTS
    )


def test_it_seeds_120_days_ending_yesterday_for_every_account(seeded: str) -> None:
    spans = DailyMetric.objects.values("account__handle").annotate(
        first=Min("date"), last=Max("date"), rows=Count("pk")
    )

    assert len(spans) == 5
    for span in spans:
        assert span["last"] == yesterday()
        assert span["first"] == yesterday() - timedelta(days=DEMO_DAYS - 1)
        if span["account__handle"] != "acme.baristas":
            assert span["rows"] == DEMO_DAYS
    # Only the baristas have gaps: fewer than 80% of the days.
    baristas = next(s for s in spans if s["account__handle"] == "acme.baristas")
    assert baristas["rows"] < 0.8 * DEMO_DAYS


def test_it_tells_each_accounts_story(seeded: str) -> None:
    # Official accounts: high engagement, little or no spend.
    for handle in ("acmecoffee", "acme.baristas", "acme_roastery"):
        rows = DailyMetric.objects.filter(account__handle=handle)
        assert rows.filter(spend__gt=0).count() < 0.25 * rows.count()
    coffee = totals("acmecoffee", 0, 27)
    assert coffee["interactions"] / coffee["views"] > 0.05
    # Marketing accounts pay every day and record the whole funnel.
    for handle in ("acme.deals", "acme.coldbrew"):
        rows = DailyMetric.objects.filter(account__handle=handle)
        assert rows.filter(spend__gt=0, impressions__gt=0, clicks__gt=0).count() == DEMO_DAYS
        assert rows.filter(conversions__gt=0, revenue__gt=0).count() > 0.9 * DEMO_DAYS
    deals, coldbrew = totals("acme.deals", 0, 27), totals("acme.coldbrew", 0, 27)
    assert deals["revenue"] > deals["spend"]
    assert coldbrew["revenue"] < coldbrew["spend"]
    # The roastery's last 28 days are clearly worse than the 28 before.
    recent, before = totals("acme_roastery", 0, 27), totals("acme_roastery", 28, 55)
    assert recent["interactions"] / recent["views"] < 0.6 * before["interactions"] / before["views"]
    # Followers rise for everyone.
    for demo in DEMO_ACCOUNTS:
        followers = list(
            DailyMetric.objects.filter(account__handle=demo.handle)
            .order_by("date")
            .values_list("followers", flat=True)
        )
        assert followers[-1] > followers[0]


def test_it_computes_the_scorecards_the_review_page_shows(seeded: str) -> None:
    for days in DEMO_WINDOWS:
        assert Scorecard.objects.filter(period_end=yesterday(), days=days).count() == 5
    assert "data_gap" in window("acme.baristas").flag_list
    assert "unverified_official" in window("acme.baristas").flag_list
    assert "declining" in window("acme_roastery").flag_list
    assert window("acme.deals").roi > 0
    assert window("acme.coldbrew").roi < 0
    assert window("acmecoffee").grade == "A"
    # Earlier weeks too, so the trend charts have a history.
    assert Scorecard.objects.filter(account__handle="acmecoffee", days=28).count() > 8
    run = ScorecardRun.objects.get()
    assert (run.status, run.days, run.end) == ("done", list(DEMO_WINDOWS), yesterday())


def test_it_adds_and_changes_nothing_when_run_again(seeded: str) -> None:
    metrics = list(DailyMetric.objects.order_by("pk").values())
    cards = list(Scorecard.objects.order_by("pk").values())

    again = seed()

    assert "already there" in again
    assert "demo metrics: 0 daily rows added" in again
    assert "demo scorecards: up to date" in again
    assert list(DailyMetric.objects.order_by("pk").values()) == metrics
    assert list(Scorecard.objects.order_by("pk").values()) == cards
    assert ScorecardRun.objects.count() == 1


def test_its_accounts_spread_over_the_scatter(seeded: str) -> None:
    cards = [window(demo.handle) for demo in DEMO_ACCOUNTS]
    points = {(card.engagement_score, card.roi_score) for card in cards}
    assert len(points) == len(cards)
    # None sits at a perfect 100 on engagement or at 0; the quadrants include a star, an
    # engaging account and one at risk.
    assert all(0 < card.engagement_score < 100 for card in cards)
    assert {"star", "engaging", "at_risk"} <= {card.quadrant for card in cards}
    assert len({card.grade for card in cards}) >= 3

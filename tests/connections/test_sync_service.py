"""The sync service against the fake TikTok: snapshots, the daily-figures rule, Studio's days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from analytics.models import Campaign, CampaignDay, DailyMetric, VideoSnapshot
from connections.models import AccountSnapshot
from connections.services.sync import connection_sync
from imports.services.imports import import_files
from tests.connections.conftest import connect

D1 = date(2025, 3, 10)
D2 = D1 + timedelta(days=1)


def noon(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp())


def day_one(tiktok) -> None:  # noqa: ANN001
    tiktok.state.follower_count = 1000
    tiktok.state.videos = []
    tiktok.state.video(
        "7001", created=noon(D1 - timedelta(days=10)), views=500, likes=50, comments=5, shares=2
    )
    tiktok.state.video(
        "7002", created=noon(D1 - timedelta(days=1)), views=100, likes=10, comments=1, shares=1
    )


def day_two(tiktok) -> None:  # noqa: ANN001
    tiktok.state.follower_count = 1030
    # A deleted comment makes the day's net comments negative.
    tiktok.state.video(
        "7001", created=noon(D1 - timedelta(days=10)), views=650, likes=58, comments=4, shares=3
    )
    tiktok.state.video(
        "7002", created=noon(D1 - timedelta(days=1)), views=180, likes=15, comments=1, shares=2
    )
    # New on D2 and posted on D2: counts whole.
    tiktok.state.video("7003", created=noon(D2), views=40, likes=4, comments=0, shares=1)
    # First seen on D2 but posted a month ago: a baseline, adds nothing.
    tiktok.state.video(
        "7004", created=noon(D2 - timedelta(days=30)), views=900, likes=90, comments=9, shares=9
    )


def figures(account, day: date) -> tuple:  # noqa: ANN001
    row = DailyMetric.objects.get(account=account, date=day)
    return (row.video_views, row.likes, row.comments, row.shares, row.followers)


@pytest.mark.django_db
def test_it_keeps_the_first_snapshot_as_a_baseline_without_figures(tiktok, acmecoffee) -> None:
    connection = connect(tiktok, acmecoffee)
    day_one(tiktok)
    connection_sync(connection=connection, day=D1)
    snapshot = AccountSnapshot.objects.get(account=acmecoffee, date=D1)
    assert (snapshot.followers, snapshot.verified, snapshot.written) == (1000, True, None)
    assert VideoSnapshot.objects.filter(video__account=acmecoffee, date=D1).count() == 2
    assert not DailyMetric.objects.filter(account=acmecoffee).exists()


@pytest.mark.django_db
def test_it_derives_the_second_day_by_hand_computed_values(tiktok, acmecoffee) -> None:
    connection = connect(tiktok, acmecoffee)
    day_one(tiktok)
    connection_sync(connection=connection, day=D1)
    day_two(tiktok)
    connection_sync(connection=connection, day=D2)
    # views (650-500)+(180-100)+40, likes 8+5+4, comments -1+0+0, shares 1+1+1.
    assert figures(acmecoffee, D2) == (270, 17, -1, 3, 1030)
    assert VideoSnapshot.objects.get(video__video_id="7004", date=D2).views == 900


@pytest.mark.django_db
def test_it_changes_nothing_when_a_day_is_synced_again(tiktok, acmecoffee) -> None:
    connection = connect(tiktok, acmecoffee)
    day_one(tiktok)
    connection_sync(connection=connection, day=D1)
    day_two(tiktok)
    connection_sync(connection=connection, day=D2)
    before = {
        "metric": list(DailyMetric.objects.values()),
        "snapshots": list(VideoSnapshot.objects.order_by("pk").values()),
        "account": list(AccountSnapshot.objects.order_by("pk").values()),
    }
    connection_sync(connection=connection, day=D2)
    assert list(DailyMetric.objects.values()) == before["metric"]
    assert list(VideoSnapshot.objects.order_by("pk").values()) == before["snapshots"]
    assert list(AccountSnapshot.objects.order_by("pk").values()) == before["account"]


@pytest.mark.django_db
def test_it_gives_a_day_without_the_day_before_followers_only(tiktok, acmecoffee) -> None:
    connection = connect(tiktok, acmecoffee)
    day_one(tiktok)
    connection_sync(connection=connection, day=D1)
    day_two(tiktok)
    later = D2 + timedelta(days=1)
    connection_sync(connection=connection, day=later)
    assert figures(acmecoffee, later) == (0, 0, 0, 0, 1030)


@pytest.mark.django_db
def test_it_keeps_studio_overview_and_follower_history_days(tiktok, acmecoffee, acme) -> None:
    studio = (
        'Date,Video Views,Profile Views,Likes,Comments,Shares\n"March 11","77","5","6","-2","1"\n'
    )
    history = 'Date,Followers,Difference in followers from previous day\n"March 11","1111","3"\n'
    result = import_files(
        team=acme,
        user=None,
        account=acmecoffee,
        files=[("Overview.csv", studio.encode()), ("FollowerHistory.csv", history.encode())],
        as_of=D2,
        recompute=False,
    )
    assert result.ok, result.errors
    connection = connect(tiktok, acmecoffee)
    day_one(tiktok)
    connection_sync(connection=connection, day=D1)
    day_two(tiktok)
    connection_sync(connection=connection, day=D2)
    assert figures(acmecoffee, D2) == (77, 6, -2, 1, 1111)
    assert DailyMetric.objects.get(account=acmecoffee, date=D2).profile_views == 5


@pytest.mark.django_db
def test_it_rederives_the_next_day_when_a_missing_day_arrives_later(tiktok, acmecoffee) -> None:
    connection = connect(tiktok, acmecoffee)
    day_one(tiktok)
    connection_sync(connection=connection, day=D1 - timedelta(days=1))
    later = D2
    day_two(tiktok)
    connection_sync(connection=connection, day=later)
    assert figures(acmecoffee, later)[4] == 1030
    # D1 arrives afterwards (a --date re-run): D2 now has the day before it.
    day_one(tiktok)
    connection_sync(connection=connection, day=D1)
    assert figures(acmecoffee, D1) == (0, 0, 0, 0, 1000)
    day_two(tiktok)
    connection_sync(connection=connection, day=D2)
    assert figures(acmecoffee, D2) == (270, 17, -1, 3, 1030)


@pytest.mark.django_db
def test_it_sums_ads_campaigns_per_day_across_report_pages(tiktok, acme_deals) -> None:
    from tests.connections.fake_tiktok import ads_row

    tiktok.state.ads_rows = [
        ads_row(
            "1",
            "Spring",
            "2025-03-11",
            spend="10.50",
            impressions="1000",
            clicks="20",
            conversion="2",
            total_complete_payment_rate="40.00",
        ),
        ads_row(
            "2",
            "Launch",
            "2025-03-11",
            spend="4.25",
            impressions="500",
            clicks="5",
            conversion="1",
            total_complete_payment_rate="15.5",
        ),
        ads_row(
            "3",
            "Promo",
            "2025-03-11",
            spend="0",
            impressions="-",
            clicks="0",
            conversion="0",
            total_complete_payment_rate="0",
        ),
    ]
    connection = connect(tiktok, acme_deals, source="ads")
    summary = connection_sync(connection=connection, day=D2)
    assert summary.startswith("3 campaign rows")
    row = DailyMetric.objects.get(account=acme_deals, date=D2)
    assert (row.spend, row.impressions, row.clicks, row.conversions, row.revenue) == (
        Decimal("14.75"),
        1500,
        25,
        3,
        Decimal("55.50"),
    )
    assert set(Campaign.objects.filter(account=acme_deals).values_list("name", flat=True)) == {
        "Spring",
        "Launch",
        "Promo",
    }
    assert CampaignDay.objects.filter(campaign__account=acme_deals, date=D2).count() == 3
    assert tiktok.state.calls.count(("GET", "/open_api/v1.3/report/integrated/get/")) == 2
    connection_sync(connection=connection, day=D2)
    assert DailyMetric.objects.get(account=acme_deals, date=D2).spend == Decimal("14.75")


@pytest.mark.django_db
def test_it_derives_a_day_an_ads_report_already_filled_and_keeps_its_spend(
    tiktok, acmecoffee, acme
) -> None:
    ads = (
        "By Day,Campaign name,Cost,Impressions,Clicks,Conversions\n"
        "2025-03-11,Spring,12.50,900,30,3\n"
    )
    result = import_files(
        team=acme,
        user=None,
        account=acmecoffee,
        files=[("ads.csv", ads.encode())],
        as_of=D2,
        recompute=False,
    )
    assert result.ok, result.errors
    connection = connect(tiktok, acmecoffee)
    day_one(tiktok)
    connection_sync(connection=connection, day=D1)
    day_two(tiktok)
    connection_sync(connection=connection, day=D2)
    assert figures(acmecoffee, D2) == (270, 17, -1, 3, 1030)
    row = DailyMetric.objects.get(account=acmecoffee, date=D2)
    assert (row.spend, row.clicks) == (Decimal("12.50"), 30)


@pytest.mark.django_db
def test_it_fills_what_studio_does_not_give_and_every_other_day(tiktok, acmecoffee, acme) -> None:
    # Studio's Overview for D2 only: the sync keeps its organic figures, gives D2's
    # followers, and fills D1 and D2 + 1 entirely.
    studio = (
        'Date,Video Views,Profile Views,Likes,Comments,Shares\n"March 11","77","5","6","-2","1"\n'
    )
    result = import_files(
        team=acme,
        user=None,
        account=acmecoffee,
        files=[("Overview.csv", studio.encode())],
        as_of=D2,
        recompute=False,
    )
    assert result.ok, result.errors
    connection = connect(tiktok, acmecoffee)
    day_one(tiktok)
    connection_sync(connection=connection, day=D1 - timedelta(days=1))
    connection_sync(connection=connection, day=D1)
    day_two(tiktok)
    connection_sync(connection=connection, day=D2)
    assert figures(acmecoffee, D2) == (77, 6, -2, 1, 1030)
    assert figures(acmecoffee, D1) == (0, 0, 0, 0, 1000)
    row = DailyMetric.objects.get(account=acmecoffee, date=D2)
    assert (row.organic_source, row.followers_source) == ("studio", "api")
    # The snapshot records only what the day holds from the sync.
    assert AccountSnapshot.objects.get(account=acmecoffee, date=D2).written == {"followers": 1030}
    later = D2 + timedelta(days=1)
    connection_sync(connection=connection, day=later)
    assert figures(acmecoffee, later) == (0, 0, 0, 0, 1030)
    assert DailyMetric.objects.get(account=acmecoffee, date=later).organic_source == "api"

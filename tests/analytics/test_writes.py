"""The write API (analytics.writes): each table's merge rule, through both write paths."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from analytics.content.audience import activity_with_source
from analytics.fields import METRIC_FIELDS
from analytics.models import (
    AudienceShare,
    CampaignDay,
    DailyMetric,
    FollowerActivityImport,
    Source,
    Video,
    VideoSnapshot,
    ViewerDay,
)
from analytics.writes import (
    audience_shares_write,
    campaign_days_write,
    days_write,
    follower_activity_write,
    videos_write,
    viewer_days_write,
)
from imports.models import ImportRun

BOTH_PATHS = pytest.mark.parametrize("fast", [True, False], ids=["copy", "orm"])
DAY = date(2025, 3, 10)
ORGANIC = {"video_views": 100, "profile_views": 7, "likes": 10, "comments": 2, "shares": 1}


def day(account, when: date = DAY, **figures: object) -> tuple:
    """A day row as the API takes it: the figures given, every other one unknown."""
    return (account.pk, when, *(figures.get(name) for name in METRIC_FIELDS))


def stored(account, when: date = DAY) -> dict:
    return DailyMetric.objects.filter(account=account, date=when).values(
        *METRIC_FIELDS, "organic_source", "followers_source"
    )[0]


# -- daily metrics --


@BOTH_PATHS
@pytest.mark.django_db
def test_it_keeps_what_a_day_had_for_an_unknown_figure(acmecoffee, fast) -> None:
    created = days_write(
        [day(acmecoffee, **ORGANIC, followers=500)], source=Source.EXPORT, fast=fast
    )
    assert created == (1, 0, 0)
    updated = days_write(
        [day(acmecoffee, likes=12, spend=Decimal("3.5"))], source="export", fast=fast
    )
    assert updated == (0, 1, 0)
    row = stored(acmecoffee)
    assert (row["video_views"], row["likes"], row["followers"], row["spend"]) == (
        100,
        12,
        500,
        Decimal("3.50"),
    )
    # A new day: unknown figures are 0, followers unknown (null), no source for them.
    days_write([day(acmecoffee, DAY + timedelta(days=1), spend=1)], source="export", fast=fast)
    new = stored(acmecoffee, DAY + timedelta(days=1))
    assert (new["video_views"], new["followers"]) == (0, None)
    assert (new["organic_source"], new["followers_source"]) == ("", "")


@BOTH_PATHS
@pytest.mark.django_db
def test_it_writes_nothing_when_the_same_rows_come_twice(acmecoffee, fast) -> None:
    rows = [day(acmecoffee, **ORGANIC, followers=500)]
    days_write(rows, source=Source.STUDIO, fast=fast)
    before = list(DailyMetric.objects.values())
    assert days_write(rows, source=Source.STUDIO, fast=fast) == (0, 0, 1)
    assert list(DailyMetric.objects.values()) == before


@BOTH_PATHS
@pytest.mark.django_db
def test_it_keeps_studio_days_against_the_api(acmecoffee, fast) -> None:
    # Moved from connections' plan_day test: Studio's overview and followers days win.
    days_write([day(acmecoffee, **ORGANIC, followers=500)], source=Source.STUDIO, fast=fast)
    result = days_write(
        [day(acmecoffee, video_views=1, likes=1, comments=1, shares=1, followers=9)],
        source=Source.API,
        fast=fast,
    )
    assert result == (0, 0, 1)
    row = stored(acmecoffee)
    assert {name: row[name] for name in ORGANIC} == ORGANIC
    assert (row["followers"], row["organic_source"], row["followers_source"]) == (
        500,
        "studio",
        "studio",
    )


@BOTH_PATHS
@pytest.mark.django_db
def test_it_lets_the_api_fill_what_studio_did_not_give(acmecoffee, fast) -> None:
    # Studio's Overview gave the organic figures, no FollowerHistory: the API gives followers.
    days_write([day(acmecoffee, **ORGANIC)], source=Source.STUDIO, fast=fast)
    days_write(
        [day(acmecoffee, video_views=1, likes=1, comments=1, shares=1, followers=9)],
        source=Source.API,
        fast=fast,
    )
    row = stored(acmecoffee)
    assert (row["video_views"], row["followers"]) == (100, 9)
    assert (row["organic_source"], row["followers_source"]) == ("studio", "api")
    # A day Studio does not cover at all is the API's.
    other = DAY + timedelta(days=1)
    days_write([day(acmecoffee, other, video_views=5, followers=9)], source="api", fast=fast)
    assert (
        stored(acmecoffee, other)["video_views"],
        stored(acmecoffee, other)["organic_source"],
    ) == (
        5,
        "api",
    )


@BOTH_PATHS
@pytest.mark.django_db
def test_it_lets_any_file_replace_the_apis_figures(acmecoffee, fast) -> None:
    days_write([day(acmecoffee, video_views=5, followers=9)], source=Source.API, fast=fast)
    days_write([day(acmecoffee, video_views=6)], source=Source.EXPORT, fast=fast)
    row = stored(acmecoffee)
    assert (row["video_views"], row["organic_source"], row["followers_source"]) == (
        6,
        "export",
        "api",
    )
    days_write([day(acmecoffee, **ORGANIC, followers=500)], source=Source.STUDIO, fast=fast)
    row = stored(acmecoffee)
    assert (row["video_views"], row["organic_source"], row["followers_source"]) == (
        100,
        "studio",
        "studio",
    )


@BOTH_PATHS
@pytest.mark.django_db
def test_it_changes_a_source_only_with_a_figure(acmecoffee, fast) -> None:
    # An export of Playbook's own figures imported back leaves Studio's days Studio's.
    days_write([day(acmecoffee, **ORGANIC, followers=500)], source=Source.STUDIO, fast=fast)
    assert days_write(
        [day(acmecoffee, **ORGANIC, followers=500)], source=Source.EXPORT, fast=fast
    ) == (0, 0, 1)
    row = stored(acmecoffee)
    assert (row["organic_source"], row["followers_source"]) == ("studio", "studio")


@BOTH_PATHS
@pytest.mark.django_db
def test_it_lets_studio_claim_a_day_with_the_same_figures(acmecoffee, fast) -> None:
    # The API derived the very figures Studio then gives: the day is Studio's from then on.
    days_write([day(acmecoffee, video_views=5, followers=9)], source=Source.API, fast=fast)
    assert days_write([day(acmecoffee, video_views=5)], source=Source.STUDIO, fast=fast) == (
        0,
        1,
        0,
    )
    row = stored(acmecoffee)
    assert (row["organic_source"], row["followers_source"]) == ("studio", "api")
    days_write([day(acmecoffee, video_views=6, followers=10)], source=Source.API, fast=fast)
    assert (stored(acmecoffee)["video_views"], stored(acmecoffee)["followers"]) == (5, 10)


@pytest.mark.django_db
def test_it_writes_the_same_days_by_both_paths(acmecoffee, acme_deals) -> None:
    """The COPY path against the ORM path, over a sequence of writes from every source."""
    writes = [
        ([day(acmecoffee, **ORGANIC)], Source.STUDIO),
        ([day(acmecoffee, followers=3), day(acme_deals, spend=Decimal("1.25"))], Source.EXPORT),
        ([day(acmecoffee, video_views=1, followers=4), day(acme_deals, likes=-2)], Source.API),
        ([day(acmecoffee, DAY + timedelta(days=1), shares=0)], Source.API),
        ([day(acme_deals, video_views=9, followers=None)], Source.STUDIO),
        ([day(acme_deals, video_views=8, followers=1)], Source.API),
        ([day(acme_deals, video_views=9, followers=1)], Source.STUDIO),
        ([day(acmecoffee, **ORGANIC)], Source.STUDIO),
    ]
    results = {}
    for fast in (True, False):
        DailyMetric.objects.all().delete()
        counts = [days_write(rows, source=source, fast=fast) for rows, source in writes]
        rows = list(
            DailyMetric.objects.order_by("account_id", "date").values(
                "account_id", "date", *METRIC_FIELDS, "organic_source", "followers_source"
            )
        )
        results[fast] = (counts, rows)
    assert results[True] == results[False]


@pytest.mark.django_db
def test_it_refuses_an_unknown_source(acmecoffee) -> None:
    with pytest.raises(ValueError, match="unknown source"):
        days_write([day(acmecoffee, likes=1)], source="studio'; --")


# -- campaign days --


@pytest.mark.django_db
def test_it_keeps_the_newest_campaign_day_and_sums_the_campaigns(acme_deals) -> None:
    paid = {"spend": Decimal("10.00"), "impressions": 100, "clicks": 5, "conversions": 1}
    count, sums = campaign_days_write(
        [(acme_deals.pk, "Spring", DAY, {**paid, "revenue": Decimal("20.00")})]
    )
    assert count == 1
    count, sums = campaign_days_write(
        [
            (acme_deals.pk, "Spring", DAY, {"spend": Decimal("12.00"), "revenue": None}),
            (acme_deals.pk, None, DAY, {"spend": Decimal("1.00"), "clicks": 2}),
        ]
    )
    assert count == 2
    spring = CampaignDay.objects.get(campaign__name="Spring", date=DAY)
    # The newest figure replaces, an unknown one keeps.
    assert (spring.spend, spring.revenue, spring.impressions) == (
        Decimal("12.00"),
        Decimal("20.00"),
        100,
    )
    assert CampaignDay.objects.filter(campaign__name="(no campaign name)").exists()
    assert sums[acme_deals.pk, DAY] == {
        "spend": Decimal("13.00"),
        "impressions": 100,
        "clicks": 7,
        "conversions": 1,
        "revenue": Decimal("20.00"),
    }


# -- videos --


@BOTH_PATHS
@pytest.mark.django_db
def test_it_follows_the_newest_day_for_a_videos_title(acmecoffee, fast) -> None:
    link = "https://www.tiktok.com/@acmecoffee/video/7001"
    newer = DAY + timedelta(days=2)
    videos_write(
        account_id=acmecoffee.pk,
        videos={"7001": (newer, "New title", link, DAY)},
        snapshots={("7001", newer): (100, 10, 1, 1)},
        fast=fast,
    )
    Video.objects.filter(video_id="7001").update(promotional_mark=True)
    # An older download imported afterwards: its snapshot is kept, its title is not.
    counts = videos_write(
        account_id=acmecoffee.pk,
        videos={"7001": (DAY, "Old title", link, DAY - timedelta(days=1))},
        snapshots={("7001", DAY): (50, None, 0, 0)},
        fast=fast,
    )
    assert counts == (1, 0, 0)
    video = Video.objects.get(account=acmecoffee, video_id="7001")
    assert (video.title, video.posted_on, video.promotional_mark) == ("New title", DAY, True)
    old = VideoSnapshot.objects.get(video=video, date=DAY)
    assert (old.views, old.likes) == (50, 0)
    # A newer day with an unknown total keeps the snapshot's figure; its title wins.
    videos_write(
        account_id=acmecoffee.pk,
        videos={"7001": (newer, "Newest #ad", link, None)},
        snapshots={("7001", newer): (120, None, 1, 1)},
        fast=fast,
    )
    video.refresh_from_db()
    assert (video.title, video.posted_on, video.title_promotional) == ("Newest #ad", DAY, True)
    assert VideoSnapshot.objects.get(video=video, date=newer).likes == 10


# -- audience --


@BOTH_PATHS
@pytest.mark.django_db
def test_it_keeps_a_viewer_figure_the_file_does_not_know(acmecoffee, fast) -> None:
    viewer_days_write([(acmecoffee.pk, DAY, 100, 60, 40)], fast=fast)
    assert viewer_days_write([(acmecoffee.pk, DAY, 110, None, None)], fast=fast) == (0, 1, 0)
    row = ViewerDay.objects.get(account=acmecoffee, date=DAY)
    assert (row.total_viewers, row.new_viewers, row.returning_viewers) == (110, 60, 40)


@BOTH_PATHS
@pytest.mark.django_db
def test_it_replaces_a_download_days_shares_whole(acmecoffee, fast) -> None:
    audience_shares_write(
        [
            (acmecoffee.pk, "territory", DAY, "US", Decimal("0.6")),
            (acmecoffee.pk, "territory", DAY, "FR", Decimal("0.4")),
        ],
        fast=fast,
    )
    counts = audience_shares_write(
        [(acmecoffee.pk, "territory", DAY, "US", Decimal("1"))], fast=fast
    )
    assert counts == (0, 2, 0)
    assert list(AudienceShare.objects.values_list("key", "share")) == [("US", Decimal("1"))]


@pytest.mark.django_db
def test_it_records_who_imported_the_follower_activity(acmecoffee, bob) -> None:
    rows = [(acmecoffee.pk, DAY, 20, 300)]
    follower_activity_write(rows, imported_by=bob, as_of=DAY, fast=False)
    source = activity_with_source(account=acmecoffee)[1]
    assert (source.by, source.on) == (bob.get_full_name() or bob.username, DAY)
    # The latest import names the clock, even when its hours change nothing.
    assert follower_activity_write(rows, imported_by=None, as_of=DAY + timedelta(days=1)) == (
        0,
        0,
        1,
    )
    source = activity_with_source(account=acmecoffee)[1]
    assert (source.by, source.on) == ("a command", DAY + timedelta(days=1))
    assert FollowerActivityImport.objects.count() == 1


# -- the migration that derives the sources of existing days --


@pytest.mark.django_db
def test_it_derives_studio_days_and_the_activity_importer_in_the_migration(
    acme, acmecoffee, bob
) -> None:
    migration = importlib.import_module("analytics.migrations.0010_day_sources_and_activity_import")
    for when in (DAY, DAY + timedelta(days=1), DAY + timedelta(days=5)):
        DailyMetric.objects.create(account=acmecoffee, date=when, likes=1, followers=3)
    files = [
        {"format": "tiktok-studio", "tab": "overview"},
        {
            "format": "tiktok-studio",
            "tab": "followers",
            "date_from": DAY.isoformat(),
            "date_to": DAY.isoformat(),
        },
        {"format": "tiktok-studio", "tab": "follower-activity"},
    ]
    ImportRun.objects.create(
        team=acme,
        account=acmecoffee,
        user=bob,
        status=ImportRun.Status.APPLIED,
        as_of=DAY,
        date_from=DAY,
        date_to=DAY + timedelta(days=1),
        details={"files": files},
    )
    # The models as that migration knew them (ImportRun was analytics' then).
    state = MigrationExecutor(connection).loader.project_state(
        ("analytics", "0010_day_sources_and_activity_import")
    )
    migration.sources_from_runs(state.apps, None)
    sources = list(
        DailyMetric.objects.order_by("date").values_list("organic_source", "followers_source")
    )
    assert sources == [("studio", "studio"), ("studio", ""), ("", "")]
    record = FollowerActivityImport.objects.get(account=acmecoffee)
    assert (record.imported_by, record.as_of) == (bob, DAY)

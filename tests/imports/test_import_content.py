"""Importing TikTok Studio's Content download: videos and a snapshot of their totals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from accounts.models import Kind
from analytics.models import DailyMetric, Video, VideoSnapshot
from imports.services.imports import import_files
from tests.factories import AccountFactory
from tests.imports.studio_files import CONTENT, link, studio_csv, video_id, zipped

AS_OF = date(2025, 1, 5)
BOTH_PATHS = pytest.mark.parametrize("fast", [True, False], ids=["copy", "orm"])
WINTER = video_id(datetime(2024, 12, 30, 18, 2, tzinfo=UTC))
NEW_YEAR = video_id(datetime(2025, 1, 1, 9, 15, tzinfo=UTC))


@pytest.fixture
def official(acme):
    return AccountFactory(team=acme, handle="acmeofficial", kind=Kind.OFFICIAL)


def content(*rows: tuple[object, ...]) -> bytes:
    return studio_csv(CONTENT, list(rows))


def row(video: str, posted: str, *totals: str, title: str = "A video", handle="acmeofficial"):
    likes, comments, shares, views = totals or ("10", "2", "1", "100")
    return ("January 3", title, link(handle, video), posted, likes, comments, shares, views)


def run(team, files, *, account, **options):
    return import_files(team=team, user=None, files=files, account=account, as_of=AS_OF, **options)


def snapshots() -> list[tuple]:
    return list(
        VideoSnapshot.objects.order_by("video__video_id", "date").values_list(
            "video__video_id", "date", "views", "likes", "comments", "shares"
        )
    )


@BOTH_PATHS
def test_it_keeps_a_snapshot_of_each_video_on_the_time_day(acme, official, fast):
    file = content(
        row(WINTER, "December 30", "1,203", "45", "30", "15,230", title="Behind the scenes"),
        row(NEW_YEAR, "January 1", "2,877", "102", "96", "31,004", title="New year, new drop"),
    )

    result = run(
        acme,
        [("Content_acmeofficial.zip", zipped({"Content.csv": file}))],
        account=official,
        fast=fast,
    )

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert snapshots() == [
        (WINTER, date(2025, 1, 3), 15230, 1203, 45, 30),
        (NEW_YEAR, date(2025, 1, 3), 31004, 2877, 102, 96),
    ]
    video = Video.objects.get(video_id=WINTER)
    assert (video.account, video.title, video.posted_on) == (
        official,
        "Behind the scenes",
        date(2024, 12, 30),
    )
    assert video.link == link("acmeofficial", WINTER)
    assert result.summary_line().endswith("for 1 account; Content.csv: 2 videos")
    # Per-video totals are no daily metrics: the scorecards stay as they were.
    assert not DailyMetric.objects.exists()


@BOTH_PATHS
def test_it_dates_posts_by_their_video_id_across_the_new_year(acme, official, fast):
    # Posted late on 31 December in New York a year earlier: the id says
    # 1 January 2024 (UTC), so the post is 31 December 2023, not 2024.
    late = video_id(datetime(2024, 1, 1, 0, 30, tzinfo=UTC))
    # Posted on 1 January in Tokyo, still 31 December in UTC.
    early = video_id(datetime(2024, 12, 31, 16, 0, tzinfo=UTC))
    file = content(
        row(late, "December 31"),
        row(early, "January 1"),
    )

    result = run(acme, [("Content.csv", file)], account=official, fast=fast)

    assert result.ok, result.errors
    assert dict(Video.objects.values_list("video_id", "posted_on")) == {
        late: date(2023, 12, 31),
        early: date(2025, 1, 1),
    }


def test_it_refuses_a_video_of_another_account(acme, official):
    file = content(row(WINTER, "December 30"), row(NEW_YEAR, "January 1", handle="Rival.Shop"))

    result = run(acme, [("Content.csv", file)], account=official)

    assert result.errors == [
        "Content.csv: line 3, column Video link: the video is @rival.shop's, "
        "not @acmeofficial's, the account of this import"
    ]
    assert not Video.objects.exists()
    assert not VideoSnapshot.objects.exists()


def test_it_refuses_the_same_video_twice_with_other_totals(acme, official):
    same = content(row(WINTER, "December 30"), row(WINTER, "December 30"))
    other = content(
        row(WINTER, "December 30", "10", "2", "1", "100"),
        row(WINTER, "December 30", "11", "2", "1", "100"),
    )

    assert run(acme, [("Content.csv", same)], account=official, dry_run=True).ok
    result = run(acme, [("Content.csv", other)], account=official)

    assert result.errors == [
        f"Content.csv: line 3: video {WINTER} on 2025-01-03 is already on line 2 "
        "with different totals"
    ]
    assert not VideoSnapshot.objects.exists()


@pytest.mark.parametrize(
    ("totals", "column"),
    [(("-1", "2", "1", "100"), "Total likes"), (("10", "2", "1", "-100"), "Total views")],
)
def test_it_refuses_negative_totals(acme, official, totals, column):
    result = run(
        acme, [("Content.csv", content(row(WINTER, "December 30", *totals)))], account=official
    )

    assert len(result.errors) == 1
    assert result.errors[0].startswith(f"Content.csv: line 2, column {column}: ")
    assert result.errors[0].endswith("is negative")
    assert not Video.objects.exists()


@BOTH_PATHS
def test_it_keeps_a_persons_mark_and_changes_nothing_the_second_time(acme, official, alice, fast):
    file = content(row(WINTER, "December 30"), row(NEW_YEAR, "January 1"))
    run(acme, [("Content.csv", file)], account=official, fast=fast)
    marked_at = timezone.now()
    Video.objects.filter(video_id=WINTER).update(
        promotional_mark=True, marked_by=alice, marked_at=marked_at
    )
    stamps = list(VideoSnapshot.objects.order_by("pk").values_list("updated_at", flat=True))

    again = run(acme, [("Content.csv", file)], account=official, fast=fast)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert list(VideoSnapshot.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps

    retitled = content(row(WINTER, "December 30", title="Renamed"), row(NEW_YEAR, "January 1"))
    result = run(acme, [("Content.csv", retitled)], account=official, fast=fast)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    video = Video.objects.get(video_id=WINTER)
    assert (video.title, video.promotional_mark, video.marked_by, video.marked_at) == (
        "Renamed",
        True,
        alice,
        marked_at,
    )


@BOTH_PATHS
def test_it_leaves_undefined_totals_unknown(acme, official, fast):
    run(acme, [("Content.csv", content(row(WINTER, "December 30")))], account=official, fast=fast)
    file = content(
        row(WINTER, "December 30", "12", "undefined", "1", "undefined"),
        row(NEW_YEAR, "January 1", "undefined", "undefined", "undefined", "undefined"),
    )

    result = run(acme, [("Content.csv", file)], account=official, fast=fast)

    assert result.ok, result.errors
    # Views and comments keep what the snapshot had; the all-undefined video is no row.
    assert snapshots() == [(WINTER, date(2025, 1, 3), 100, 12, 2, 1)]
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)


def test_it_reads_photo_posts_and_links_with_a_query(acme, official):
    photo = ("January 3", "Carousel", f"https://www.tiktok.com/@acmeofficial/photo/{WINTER}")
    shared = ("January 3", "Shared", link("acmeofficial", NEW_YEAR) + "?is_from_webapp=1")
    file = content(
        (*photo, "December 30", "1", "0", "0", "10"),
        (*shared, "January 1", "2", "0", "0", "20"),
    )

    result = run(acme, [("Content.csv", file)], account=official)

    assert result.ok, result.errors
    assert sorted(Video.objects.values_list("video_id", flat=True)) == sorted([WINTER, NEW_YEAR])


def test_it_refuses_a_snapshot_after_the_download_day(acme, official):
    late = ("2025-01-06 08:00:00", "Soon", link("acmeofficial", WINTER), "December 30")
    file = content((*late, "1", "0", "0", "10"))

    result = run(acme, [("Content.csv", file)], account=official)

    assert result.errors == [
        "Content.csv: line 2, column Time: 2025-01-06 has not happened yet "
        "(the reference date is 2025-01-05)"
    ]
    assert not Video.objects.exists()


def test_it_refuses_two_files_with_other_totals_for_a_video_and_day(acme, official):
    first = content(row(WINTER, "December 30", "10", "2", "1", "100"))
    second = content(row(WINTER, "December 30", "10", "2", "1", "101"))

    result = run(acme, [("Content.csv", first), ("Content (1).csv", second)], account=official)

    assert result.errors == [
        f"Content (1).csv: line 2: video {WINTER} on 2025-01-03 is also in Content.csv line 2, "
        "with other figures"
    ]
    assert not VideoSnapshot.objects.exists()

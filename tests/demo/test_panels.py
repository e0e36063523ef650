"""seed_demo: videos, audience, follower activity and viewers, so every panel has data."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.db.models import Count, Min

from accounts.models import Account, Team
from analytics.models import (
    AudienceShare,
    DailyMetric,
    FollowerActivity,
    Video,
    VideoSnapshot,
    ViewerDay,
)
from analytics.promotion import team_matcher
from demo.panels import (
    ACTIVITY_DAYS,
    HAND_MARKED_TITLE,
    VIDEO_DAYS,
)
from demo.team import DEMO_ACCOUNTS
from lib.dates import yesterday
from strategy.models import Checklist
from strategy.selectors.states import states_of_checklists


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_seeds_videos_some_promotional_one_marked_by_hand(seeded: str) -> None:
    assert "demo videos: 0 videos" not in seeded
    matcher = team_matcher(Team.objects.get(slug="acme"))
    end = yesterday()
    for demo in DEMO_ACCOUNTS:
        videos = list(Video.objects.filter(account__handle=demo.handle))
        assert len(videos) >= 8, demo.handle
        assert all(end - timedelta(days=VIDEO_DAYS) < v.posted_on <= end for v in videos)
        by_title = [v for v in videos if matcher.matches(v.title)]
        share = len(by_title) / len(videos)
        # Official accounts post mostly authentic videos; marketing ones promote a lot.
        assert (0 < share < 0.35) if demo.kind == "official" else (share > 0.35), demo.handle
    marked = Video.objects.get(promotional_mark__isnull=False)
    assert marked.title == HAND_MARKED_TITLE and not matcher.matches(marked.title)
    assert marked.promotional_mark is True
    assert (marked.account.handle, marked.marked_by.username) == ("acmecoffee", "lena")
    assert marked.marked_at is not None


def test_it_gives_videos_tiktok_ids_links_and_growing_snapshots(seeded: str) -> None:
    end = yesterday()
    snapshots = defaultdict(list)
    for snapshot in VideoSnapshot.objects.select_related("video__account").order_by("date"):
        snapshots[snapshot.video].append(snapshot)
    assert len(snapshots) == Video.objects.count()
    for video, rows in snapshots.items():
        # The id's upper 32 bits are the upload's Unix time, on the day it was posted (UTC).
        uploaded = datetime.fromtimestamp(int(video.video_id) >> 32, tz=UTC)
        assert uploaded.date() == video.posted_on
        assert (
            video.link == f"https://www.tiktok.com/@{video.account.handle}/video/{video.video_id}"
        )
        assert all(video.posted_on <= row.date <= end for row in rows)
        assert rows[-1].date == end
        for earlier, later in zip(rows, rows[1:], strict=False):
            for field in ("views", "likes", "comments", "shares"):
                assert getattr(earlier, field) <= getattr(later, field)
        assert rows[-1].views > 0 and rows[-1].likes > rows[-1].comments
        # Several snapshots for every video older than a week.
        if (end - video.posted_on).days > 7:
            assert len(rows) >= 4


def test_it_seeds_the_audience_of_the_download_day(seeded: str) -> None:
    assert set(AudienceShare.objects.values_list("date", flat=True)) == {yesterday()}
    for account in Account.objects.all():
        shares = AudienceShare.objects.filter(account=account)
        gender = dict(shares.filter(dimension="gender").values_list("key", "share"))
        territory = dict(shares.filter(dimension="territory").values_list("key", "share"))
        assert set(gender) == {"Female", "Male", "Other"}
        assert sum(gender.values()) == Decimal(1)
        assert len(territory) == 6 and "Others" in territory
        assert all(len(key) == 2 and key.isupper() for key in territory if key != "Others")
        assert sum(territory.values()) == Decimal(1)
        assert all(share > 0 for share in [*gender.values(), *territory.values()])


def test_it_seeds_24_hours_of_follower_activity_for_the_last_weeks(seeded: str) -> None:
    end = yesterday()
    for account in Account.objects.all():
        activity = FollowerActivity.objects.filter(account=account)
        hours_per_day = Counter(activity.values_list("date", flat=True))
        assert len(hours_per_day) == ACTIVITY_DAYS >= 28
        assert set(hours_per_day.values()) == {24}
        assert max(hours_per_day) == end
        by_hour = defaultdict(list)
        for hour, active in activity.values_list("hour", "active_followers"):
            by_hour[hour].append(active)
        average = {hour: sum(values) / len(values) for hour, values in by_hour.items()}
        # A daily rhythm: the evening is the busiest, the small hours the quietest.
        assert max(average, key=average.get) in (19, 20, 21)
        assert min(average, key=average.get) in (2, 3, 4, 5)
        assert average[20] > 5 * average[3]
        # Never more followers active than the account has.
        followers = DailyMetric.objects.filter(account=account, date=end).get().followers
        assert max(activity.values_list("active_followers", flat=True)) < followers


def test_it_seeds_viewers_for_the_demo_days(seeded: str) -> None:
    for account in Account.objects.all():
        metric_days = dict(
            DailyMetric.objects.filter(account=account).values_list("date", "video_views")
        )
        viewers = list(ViewerDay.objects.filter(account=account))
        assert {v.date for v in viewers} == set(metric_days)
        for day in viewers:
            assert day.new_viewers + day.returning_viewers == day.total_viewers
            assert 0 < day.total_viewers <= metric_days[day.date]
            assert day.returning_viewers > 0


def test_it_adds_nothing_when_run_again(seeded: str) -> None:
    def state() -> dict[str, list]:
        return {
            model.__name__: list(model.objects.order_by("pk").values())
            for model in (Video, VideoSnapshot, AudienceShare, FollowerActivity, ViewerDay)
        }

    before = state()

    again = seed()

    assert "demo videos: 0 videos and 0 snapshots added" in again
    assert "demo audience: 0 gender and territory shares added" in again
    assert "demo viewers: 0 days added; follower activity: 0 hours added" in again
    assert state() == before


def test_it_gives_the_checklists_video_items_to_show(seeded: str) -> None:
    checklists = list(Checklist.objects.select_related("account"))
    states = states_of_checklists(checklists)
    results = defaultdict(Counter)
    for checklist in checklists:
        for item_state in states[checklist.pk]:
            if item_state.item.evidence_rule in (
                "promotional_one_in_five",
                "three_videos_posted",
                "promotional_video_posted",
            ):
                outcome = "n/a" if not item_state.available else item_state.done
                results[item_state.item.evidence_rule][outcome] += 1
    # Each video item is done in some weeks and not in others; the baristas' quiet weeks
    # leave "one in five" with nothing to count.
    for rule, outcomes in results.items():
        assert outcomes[True] and outcomes[False], rule
    assert results["promotional_one_in_five"]["n/a"]


def test_it_dates_every_video_after_the_first_metrics_day(seeded: str) -> None:
    first = DailyMetric.objects.aggregate(first=Min("date"))["first"]
    assert not Video.objects.filter(posted_on__lt=first).exists()
    assert (
        Video.objects.values("account").annotate(n=Count("pk")).count() == Account.objects.count()
    )

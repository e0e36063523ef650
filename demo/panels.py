"""The demo's videos, audience, follower activity and viewers: the account page's panels.

Everything is seeded from the handle and the day, so seeding twice adds nothing and seeding
on a later day adds the new days.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Max

from accounts.models import Account, Membership, Role, Team
from analytics.content.video_marks import MARK_FIELDS
from analytics.evidence import evidence_videos_changed
from analytics.models import (
    AudienceShare,
    DailyMetric,
    FollowerActivity,
    Video,
    VideoSnapshot,
    ViewerDay,
)
from analytics.writes import (
    audience_shares_write,
    follower_activity_write,
    videos_write,
    viewer_days_write,
)
from analytics.writes.audience import VIEWER_FIELDS
from analytics.writes.videos import SNAPSHOT_FIELDS
from demo.team import DEMO_ACCOUNTS

# Videos are posted over the last VIDEO_DAYS days; followers' activity by hour is kept for
# the last ACTIVITY_DAYS days; viewers follow the daily metrics.
VIDEO_DAYS = 84
ACTIVITY_DAYS = 35
# How old a video is on the days it has a snapshot (besides the last demo day).
SNAPSHOT_AGES = (1, 3, 7, 14, 28)


@dataclass(frozen=True)
class Posting:
    """How often an account posts and how much of it is promotional."""

    per_week: float
    promotional: float  # share of videos with a promotional title
    views: int  # lifetime views of a typical video
    engagement: float


POSTING: dict[str, tuple[Posting, Posting]] = {
    # (the days before the last 28, the last 28 days)
    "steady": (Posting(4.5, 0.12, 9000, 0.07),) * 2,
    "gaps": (Posting(1.6, 0.1, 2500, 0.06),) * 2,
    "declining": (Posting(3.5, 0.15, 7000, 0.065), Posting(1.5, 0.3, 3500, 0.025)),
    "profitable": (Posting(5.0, 0.5, 6000, 0.035),) * 2,
    "losing": (Posting(3.0, 0.6, 3000, 0.02),) * 2,
}
PLAIN_TITLES = (
    "Morning routine behind the bar",
    "How we dial in espresso every morning",
    "Latte art: the rosetta, slowly",
    "Meet Sam, our head roaster",
    "Three mistakes with a French press",
    "What 'single origin' really means",
    "Cupping session with the team",
    "Rainy day at the café",
    "Pour-over in 60 seconds #coffeetok",
    "Answering your questions about decaf",
    "From green bean to cup",
    "Our barista tries your weirdest orders",
)
PROMOTIONAL_TITLES = (
    "Cold brew is back in stock!",
    "20% off all beans this weekend #ad",
    "Our autumn blend, link in bio",
    "Giveaway: a year of coffee #giveaway",
    "New mugs in the shop, shop now",
    "Use promo code BREW10 at checkout",
    "Summer sale on grinders",
    "We teamed up with Oatly #partner",
)
# Plain words, but a product push: the lead marks it promotional by hand.
HAND_MARKED_TITLE = "Tasting our new Ethiopia single origin"
HAND_MARKED_HANDLE = "acmecoffee"
HAND_MARKED_AGE = 9  # days before the last demo day


def _video_id(handle: str, posted_at: datetime) -> str:
    """A TikTok-like id: the upper 32 bits are the upload's Unix time (docs/imports.md)."""
    low = int(hashlib.sha256(f"{handle}:{posted_at.isoformat()}".encode()).hexdigest()[:8], 16)
    return str((int(posted_at.timestamp()) << 32) | low)


def _share_of_lifetime(age: int) -> float:
    """How much of its lifetime totals a video has `age` days after it was posted."""
    return 1 - 0.7 * math.exp(-age / 5)


def demo_videos(story: str, handle: str, end: date) -> list[dict[str, object]]:
    """The videos of the last VIDEO_DAYS days ending `end`, each with its snapshots.

    Each day's videos are seeded by handle and day, so seeding again on the same day, or
    on a later one in a steady story, finds the same videos and snapshots.
    """
    earlier, recent = POSTING[story]
    videos = []
    for offset in range(VIDEO_DAYS - 1, -1, -1):
        day = end - timedelta(days=offset)
        posting = recent if offset < 28 else earlier
        rng = random.Random(f"{handle}:videos:{day.isoformat()}")  # noqa: S311 - demo figures
        count = 1 if rng.random() < posting.per_week / 7 else 0
        count += 1 if count and rng.random() < posting.per_week / 21 else 0
        if handle == HAND_MARKED_HANDLE and offset == HAND_MARKED_AGE:
            count = max(count, 1)
        for slot in range(count):
            promotional = rng.random() < posting.promotional
            titles = PROMOTIONAL_TITLES if promotional else PLAIN_TITLES
            title = rng.choice(titles)
            if handle == HAND_MARKED_HANDLE and offset == HAND_MARKED_AGE and slot == 0:
                title = HAND_MARKED_TITLE
            posted_at = datetime.combine(
                day, time(12 + 5 * slot + rng.randrange(4), rng.randrange(60)), tzinfo=UTC
            )
            video_id = _video_id(handle, posted_at)
            views = posting.views * rng.lognormvariate(0, 0.6)
            interactions = views * posting.engagement * rng.uniform(0.7, 1.3)
            lifetime = {
                "views": views,
                "likes": interactions * 0.84,
                "comments": interactions * 0.09,
                "shares": interactions * 0.07,
            }
            snapshot_days = {day + timedelta(days=age) for age in SNAPSHOT_AGES}
            # The last day's Content download shows every video, also one posted that day.
            snapshot_days = sorted({d for d in snapshot_days if d <= end} | {end})
            snapshots = [
                {
                    "date": snapshot_day,
                    **{
                        name: round(total * _share_of_lifetime((snapshot_day - day).days))
                        for name, total in lifetime.items()
                    },
                }
                for snapshot_day in snapshot_days
            ]
            videos.append(
                {
                    "video_id": video_id,
                    "title": title,
                    "link": f"https://www.tiktok.com/@{handle}/video/{video_id}",
                    "posted_on": day,
                    "snapshots": snapshots,
                }
            )
    return videos


def seed_videos(team: Team, accounts: list[Account], end: date) -> tuple[int, int]:
    """Adds the demo videos and snapshots that are missing; returns (videos, snapshots) added.

    Existing ones stay as they are. Seeding on a later day adds videos only after an
    account's newest one: a day's videos also depend on which part of the story it falls in
    (the last 28 days or before), so an earlier day may come out differently. The lead marks
    one video by hand as promotional, once: its title does not say so, and the checklist and
    the Content page show that a person's mark wins over the title.
    """
    stories = {demo.handle: demo.story for demo in DEMO_ACCOUNTS}
    existing = set(Video.objects.filter(account__in=accounts).values_list("account_id", "video_id"))
    newest = dict(
        Video.objects.filter(account__in=accounts)
        .values("account_id")
        .annotate(newest=Max("posted_on"))
        .values_list("account_id", "newest")
        .order_by()
    )
    planned = {
        account.pk: [
            video
            for video in demo_videos(stories[account.handle], account.handle, end)
            if (account.pk, video["video_id"]) in existing
            or account.pk not in newest
            or video["posted_on"] > newest[account.pk]
        ]
        for account in accounts
    }
    lead = Membership.objects.filter(team=team, role=Role.LEAD).order_by("pk").first()
    mark_one = lead is not None and not (
        Video.objects.filter(account__in=accounts, marked_at__isnull=False).exists()
    )
    taken = set(
        VideoSnapshot.objects.filter(video__account__in=accounts).values_list(
            "video__account_id", "video__video_id", "date"
        )
    )
    new_ids: list[str] = []
    snapshots_added = 0
    for account in accounts:
        videos: dict[str, tuple] = {}
        snapshots: dict[tuple, tuple] = {}
        for video in planned[account.pk]:
            known = (account.pk, video["video_id"]) in existing
            missing = [
                snapshot
                for snapshot in video["snapshots"]
                if (account.pk, video["video_id"], snapshot["date"]) not in taken
            ]
            if known and not missing:
                continue
            # An existing video keeps its title, link and posting day (unknown: None).
            described = (
                (None, None, None) if known else (video["title"], video["link"], video["posted_on"])
            )
            if not known:
                new_ids.append(video["video_id"])
            newest_day = max(snapshot["date"] for snapshot in video["snapshots"])
            videos[video["video_id"]] = (newest_day, *described)
            for snapshot in missing:
                snapshots[video["video_id"], snapshot["date"]] = tuple(
                    snapshot[name] for name in SNAPSHOT_FIELDS
                )
        snapshots_added += len(snapshots)
        videos_write(account_id=account.pk, videos=videos, snapshots=snapshots)
    if mark_one:
        # A person's mark, not a figure: the lead's, as video_mark would store it.
        marked = Video.objects.filter(
            account__in=accounts, video_id__in=new_ids, title=HAND_MARKED_TITLE
        )
        for video in marked:
            video.promotional_mark = True
            video.marked_by_id = lead.user_id
            video.marked_at = datetime.combine(video.posted_on, time(17, 5), tzinfo=UTC)
            video.save(update_fields=MARK_FIELDS)
            # The checklists' video items follow the mark, as after video_mark.
            evidence_videos_changed(posted=[(video.account_id, video.posted_on)])
    return len(new_ids), snapshots_added


# The audience on the download day, per kind: (gender, territories); each adds up to 1.
AUDIENCE = {
    "official": (
        {"Female": 0.58, "Male": 0.39, "Other": 0.03},
        {"US": 0.41, "GB": 0.12, "CA": 0.08, "AU": 0.06, "DE": 0.05, "Others": 0.28},
    ),
    "marketing": (
        {"Female": 0.52, "Male": 0.45, "Other": 0.03},
        {"US": 0.47, "MX": 0.09, "GB": 0.08, "CA": 0.07, "BR": 0.05, "Others": 0.24},
    ),
}
_SHARE = Decimal("0.000001")


def demo_shares(kind: str, handle: str) -> dict[str, dict[str, Decimal]]:
    """{dimension: {key: share}} for one account; the shares of a dimension add up to 1."""
    rng = random.Random(f"{handle}:audience")  # noqa: S311 - demo figures, no secret
    shares = {}
    for dimension, base in zip(
        (AudienceShare.Dimension.GENDER, AudienceShare.Dimension.TERRITORY),
        AUDIENCE[kind],
        strict=True,
    ):
        keys = list(base)
        drawn = {key: base[key] * rng.uniform(0.9, 1.1) for key in keys}
        total = sum(drawn.values())
        values = {key: Decimal(drawn[key] / total).quantize(_SHARE) for key in keys[:-1]}
        # The last key (Other, Others) takes what is left, so the shares add up to 1 exactly.
        values[keys[-1]] = Decimal(1) - sum(values.values())
        shares[dimension] = values
    return shares


def seed_audience(accounts: list[Account], end: date) -> int:
    """Adds the audience of the download day `end` where an account has none; returns how many."""
    done = set(
        AudienceShare.objects.filter(account__in=accounts, date=end).values_list(
            "account_id", "dimension"
        )
    )
    rows = [
        (account.pk, dimension, end, key, share)
        for account in accounts
        for dimension, values in demo_shares(account.kind, account.handle).items()
        if (account.pk, dimension) not in done
        for key, share in values.items()
    ]
    audience_shares_write(rows)
    return len(rows)


# The share of followers active in each hour (0-23) of a weekday: quiet at night, a bump at
# lunch, the peak in the evening. Weekends start later and stay busier at midday.
WEEKDAY_RHYTHM = (
    0.10, 0.06, 0.04, 0.03, 0.03, 0.04, 0.08, 0.14, 0.18, 0.19, 0.20, 0.22,
    0.26, 0.24, 0.21, 0.21, 0.23, 0.27, 0.32, 0.37, 0.40, 0.36, 0.27, 0.17,
)  # fmt: skip
WEEKEND_FACTOR = {7: 0.6, 8: 0.7, 9: 0.85, 10: 1.1, 11: 1.2, 12: 1.2, 13: 1.2, 14: 1.15, 15: 1.1}


def demo_activity(followers_by_day: dict[date, int], handle: str, end: date) -> list[dict]:
    """ACTIVITY_DAYS days of active followers by hour ending `end`, seeded by handle and day."""
    rows = []
    known = sorted(followers_by_day.items())
    for offset in range(ACTIVITY_DAYS - 1, -1, -1):
        day = end - timedelta(days=offset)
        # A day without a metrics row takes the followers of the last day that has one.
        followers = next((f for d, f in reversed(known) if d <= day), known[0][1] if known else 0)
        rng = random.Random(f"{handle}:activity:{day.isoformat()}")  # noqa: S311 - demo figures
        weekend = day.weekday() >= 5
        for hour, share in enumerate(WEEKDAY_RHYTHM):
            factor = WEEKEND_FACTOR.get(hour, 1.0) if weekend else 1.0
            active = followers * share * factor * rng.uniform(0.92, 1.08)
            rows.append({"date": day, "hour": hour, "active_followers": round(active)})
    return rows


def demo_viewers(metrics: list[dict[str, object]], handle: str) -> list[dict[str, object]]:
    """A Viewers row for each day with metrics: new and returning add up to the total."""
    rows = []
    for metric in metrics:
        day = metric["date"]
        rng = random.Random(f"{handle}:viewers:{day.isoformat()}")  # noqa: S311 - demo figures
        total = round(metric["video_views"] * rng.uniform(0.55, 0.7))
        new = round(total * rng.uniform(0.6, 0.8))
        rows.append(
            {
                "date": day,
                "total_viewers": total,
                "new_viewers": new,
                "returning_viewers": total - new,
            }
        )
    return rows


def seed_viewers_and_activity(accounts: list[Account], end: date) -> tuple[int, int]:
    """Adds the missing Viewers days and follower activity hours; returns how many of each.

    Both follow the daily metrics already stored (seed them first): a Viewers row for each
    day with metrics, the active followers from the followers of the day.
    """
    viewer_days = set(
        ViewerDay.objects.filter(account__in=accounts).values_list("account_id", "date")
    )
    active_hours = set(
        FollowerActivity.objects.filter(
            account__in=accounts, date__gt=end - timedelta(days=ACTIVITY_DAYS)
        ).values_list("account_id", "date", "hour")
    )
    metrics: dict[int, list[dict[str, object]]] = defaultdict(list)
    stored = (
        DailyMetric.objects.filter(account__in=accounts, date__lte=end)
        .order_by("date")
        .values("account_id", "date", "video_views", "followers")
    )
    for row in stored:
        metrics[row["account_id"]].append(row)
    viewers, activity = [], []
    for account in accounts:
        viewers += [
            (account.pk, row["date"], *(row[name] for name in VIEWER_FIELDS))
            for row in demo_viewers(metrics[account.pk], account.handle)
            if (account.pk, row["date"]) not in viewer_days
        ]
        followers = {
            row["date"]: row["followers"]
            for row in metrics[account.pk]
            if row["followers"] is not None
        }
        activity += [
            (account.pk, row["date"], row["hour"], row["active_followers"])
            for row in demo_activity(followers, account.handle, end)
            if (account.pk, row["date"], row["hour"]) not in active_hours
        ]
    viewer_days_write(viewers)
    if activity:
        # The demo's hours are a command's import, downloaded on the demo's last day.
        follower_activity_write(activity, imported_by=None, as_of=end)
    return len(viewers), len(activity)

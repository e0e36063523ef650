"""Storing a sync's snapshots and deriving the daily figures from them (imports.md).

Videos, their snapshots, daily figures and campaign days are written through analytics'
write API (analytics.writes) with the source "api": its merge rule keeps the days
TikTok Studio's files gave, and fills every other day.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction

from accounts.models import Account
from analytics.content.links import canonical_link, link_kind
from analytics.fields import MAX_TITLE_CHARS, METRIC_FIELDS, PAID_FIELDS
from analytics.models import DailyMetric, Source, VideoSnapshot
from analytics.models.metrics import UNNAMED_CAMPAIGN
from analytics.writes import campaign_days_write, days_write, videos_write
from connections.api import CampaignDayRow, UserStats, VideoTotals
from connections.daily import DayPlan, Totals, VideoDays, derive_organic, plan_day
from connections.models import AccountSnapshot


def _local_day(video: VideoTotals) -> date | None:
    if video.posted_at is None:
        return None
    return video.posted_at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


@transaction.atomic
def snapshot_store(
    *, account: Account, day: date, user: UserStats, videos: list[VideoTotals]
) -> list[date]:
    """Stores the day's account and video snapshots, then derives day D and D+1.

    Returns the days whose daily figures were (re)derived. Running it again with the same
    answers changes nothing.
    """
    _upsert(
        AccountSnapshot,
        {"account": account, "date": day},
        {"followers": user.follower_count, "verified": user.is_verified},
    )
    # share_url is never stored as given: the link is rebuilt from handle and id.
    videos_write(
        account_id=account.pk,
        videos={
            item.video_id: (
                day,
                item.title[:MAX_TITLE_CHARS],
                canonical_link(account.handle, link_kind(item.link), item.video_id),
                _local_day(item),
            )
            for item in videos
        },
        snapshots={
            (item.video_id, day): (item.views, item.likes, item.comments, item.shares)
            for item in videos
        },
        fast=False,
    )
    derived = [day]
    after = day + timedelta(days=1)
    if AccountSnapshot.objects.filter(account=account, date=after).exists():
        derived.append(after)
    for each in derived:
        daily_derive(account=account, day=each)
    return derived


def _upsert(model: type, keys: dict, values: dict) -> None:
    """Creates or updates a row, saving only when a value differs (a re-sync writes nothing)."""
    row = model.objects.filter(**keys).first()
    if row is None:
        model.objects.create(**keys, **values)
    elif any(getattr(row, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(row, name, value)
        row.save()


def _day_row(account: Account, day: date, values: dict[str, object]) -> tuple:
    """A day as the write API takes it: the given figures, every other one unknown."""
    return (account.pk, day, *(values.get(name) for name in METRIC_FIELDS))


def daily_derive(*, account: Account, day: date) -> DayPlan:
    """Writes day D's figures from the snapshots of D and D-1, as the rule says.

    The write API keeps the figures Studio gave the day; `written` records those the day
    holds from the sync.
    """
    snapshot = AccountSnapshot.objects.get(account=account, date=day)
    before = day - timedelta(days=1)
    plan = plan_day(
        followers=snapshot.followers,
        first_snapshot=not AccountSnapshot.objects.filter(account=account, date__lt=day).exists(),
        has_previous=AccountSnapshot.objects.filter(account=account, date=before).exists(),
        organic=derive_organic(day, _video_days(account, day)),
    )
    values: dict[str, object] = {}
    if plan.organic is not None:
        values.update(plan.organic)
        # Views can never be negative (a day on which TikTok recounted views down).
        values["video_views"] = max(values["video_views"], 0)
    if plan.followers is not None:
        values["followers"] = plan.followers
    written: dict[str, object] = {}
    if values:
        days_write([_day_row(account, day, values)], source=Source.API, fast=False)
        row = DailyMetric.objects.get(account=account, date=day)
        kept = {
            "organic_source": row.organic_source,
            "followers_source": row.followers_source,
        }
        written = {
            name: value
            for name, value in values.items()
            if kept["followers_source" if name == "followers" else "organic_source"]
            != Source.STUDIO
        }
    new_written = written or None
    if snapshot.written != new_written:
        snapshot.written = new_written
        snapshot.save(update_fields=["written", "updated_at"])
    return plan


def _video_days(account: Account, day: date) -> dict[str, VideoDays]:
    before = day - timedelta(days=1)
    rows = VideoSnapshot.objects.filter(video__account=account, date__in=[day, before]).values(
        "video_id", "video__posted_on", "date", "views", "likes", "comments", "shares"
    )
    seen_before = set(
        VideoSnapshot.objects.filter(video__account=account, date__lt=day)
        .values_list("video_id", flat=True)
        .distinct()
    )
    today: dict[int, Totals] = {}
    yesterday: dict[int, Totals] = {}
    posted: dict[int, date | None] = {}
    for row in rows:
        totals = Totals(row["views"], row["likes"], row["comments"], row["shares"])
        (today if row["date"] == day else yesterday)[row["video_id"]] = totals
        posted[row["video_id"]] = row["video__posted_on"]
    return {
        str(video_id): VideoDays(
            today=today.get(video_id),
            yesterday=yesterday.get(video_id),
            seen_before=video_id in seen_before,
            posted_on=posted[video_id],
        )
        for video_id in posted
    }


@transaction.atomic
def campaign_days_store(*, account: Account, rows: list[CampaignDayRow]) -> list[date]:
    """Sums the report's rows per campaign and day, writes them as campaign days, then sets
    the account's paid fields of each day to the sum over all its campaigns, as the Ads
    Manager import does. Returns the days written."""
    sums: dict[tuple[str, date], dict[str, object]] = {}
    for row in rows:
        key = ((row.campaign or UNNAMED_CAMPAIGN)[:255], row.day)
        entry = sums.setdefault(key, dict.fromkeys(PAID_FIELDS, 0))
        for name in PAID_FIELDS:
            entry[name] += getattr(row, name)
    _count, totals = campaign_days_write(
        (account.pk, name, day, values) for (name, day), values in sums.items()
    )
    days = sorted({day for _name, day in sums})
    days_write(
        [_day_row(account, day, totals[account.pk, day]) for day in days],
        source=Source.API,
        fast=False,
    )
    return days

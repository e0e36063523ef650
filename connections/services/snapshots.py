"""Storing a sync's snapshots and deriving the daily figures from them (imports.md)."""

from __future__ import annotations

import zoneinfo
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum

from accounts.models import Account
from analytics.links import canonical_link, link_kind
from analytics.models import PAID_FIELDS, Campaign, CampaignDay, DailyMetric, Video, VideoSnapshot
from analytics.models.metrics import UNNAMED_CAMPAIGN
from analytics.rows import MAX_TITLE_CHARS
from analytics.services.videos import videos_classify
from connections.api import CampaignDayRow, UserStats, VideoTotals
from connections.daily import DayPlan, Totals, VideoDays, derive_organic, plan_day
from connections.models import AccountSnapshot
from imports.models import ImportRun


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
    stored = {
        snapshot.video_id: snapshot
        for snapshot in VideoSnapshot.objects.filter(video__account=account, date=day)
    }
    known = {video.video_id: video for video in Video.objects.filter(account=account)}
    written: list[int] = []
    for item in videos:
        video = known.get(item.video_id)
        posted_on = _local_day(item)
        if video is None:
            video = Video(account=account, video_id=item.video_id)
        # share_url is never stored as given: the link is rebuilt from handle and id.
        title = item.title[:MAX_TITLE_CHARS]
        link = canonical_link(account.handle, link_kind(item.link), item.video_id)
        changed = (video.title, video.link, video.posted_on) != (
            title,
            link,
            video.posted_on or posted_on,
        )
        if video.pk is None or changed:
            video.title, video.link = title, link
            video.posted_on = video.posted_on or posted_on
            video.full_clean(validate_unique=False)
            video.save()
            known[item.video_id] = video
            written.append(video.pk)
        totals = {
            "views": item.views,
            "likes": item.likes,
            "comments": item.comments,
            "shares": item.shares,
        }
        current = stored.get(video.pk)
        if current is None:
            VideoSnapshot.objects.create(video=video, date=day, **totals)
        elif any(getattr(current, name) != value for name, value in totals.items()):
            for name, value in totals.items():
                setattr(current, name, value)
            current.save()
    if written:
        # Titles were written: whether each is promotional is decided now, not per view.
        videos_classify(videos=Video.objects.filter(pk__in=written))
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


def daily_derive(*, account: Account, day: date) -> DayPlan:
    """Writes day D's figures from the snapshots of D and D-1, as the rule says."""
    snapshot = AccountSnapshot.objects.get(account=account, date=day)
    before = day - timedelta(days=1)
    plan = plan_day(
        followers=snapshot.followers,
        first_snapshot=not AccountSnapshot.objects.filter(account=account, date__lt=day).exists(),
        has_previous=AccountSnapshot.objects.filter(account=account, date=before).exists(),
        organic=derive_organic(day, _video_days(account, day)),
        studio_overview=_studio_covers(account, day, "overview"),
        studio_followers=_studio_covers(account, day, "followers"),
    )
    written: dict[str, object] = {}
    if plan.organic is not None or plan.followers is not None:
        row, created = DailyMetric.objects.get_or_create(account=account, date=day)
        changed = created
        values: dict[str, int] = {}
        if plan.organic is not None:
            values.update(plan.organic)
            # Views can never be negative (a day on which TikTok recounted views down).
            values["video_views"] = max(values["video_views"], 0)
        if plan.followers is not None:
            values["followers"] = plan.followers
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if changed:
            row.full_clean(validate_unique=False)
            row.save()
        written = values
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


def _studio_covers(account: Account, day: date, tab: str) -> bool:
    """Whether an applied TikTok Studio import of this tab holds a row for the account's day.

    DailyMetric does not record where a figure came from, so the import runs do: a run's
    date range covers its files, and a Studio tab has one row a day.
    """
    if not DailyMetric.objects.filter(account=account, date=day).exists():
        return False
    runs = ImportRun.objects.filter(
        team_id=account.team_id,
        status=ImportRun.Status.APPLIED,
        date_from__lte=day,
        date_to__gte=day,
    ).values("account_id", "account_handles", "details")
    for run in runs:
        if run["account_id"] != account.pk and account.handle not in (run["account_handles"] or []):
            continue
        files = (run["details"] or {}).get("files") or []
        if any(_file_covers(entry, tab, day) for entry in files):
            return True
    return False


def _file_covers(entry: object, tab: str, day: date) -> bool:
    """A run's file of this Studio tab; where the file records its own days, one of them."""
    if not isinstance(entry, dict):
        return False
    if entry.get("format") != "tiktok-studio" or entry.get("tab") != tab:
        return False
    first, last = entry.get("date_from"), entry.get("date_to")
    if isinstance(first, str) and isinstance(last, str):
        return first <= day.isoformat() <= last
    return True


@transaction.atomic
def campaign_days_store(*, account: Account, rows: list[CampaignDayRow]) -> list[date]:
    """Upserts each campaign's day, then sums every campaign of each day into the account's
    paid fields, as the Ads Manager import does. Returns the days written."""
    sums: dict[tuple[str, date], dict[str, Decimal | int]] = {}
    for row in rows:
        key = (row.campaign or UNNAMED_CAMPAIGN, row.day)
        entry = sums.setdefault(key, dict.fromkeys(PAID_FIELDS, 0))
        for name in PAID_FIELDS:
            entry[name] += getattr(row, name)
    for (name, day), values in sums.items():
        campaign, _created = Campaign.objects.get_or_create(account=account, name=name[:255])
        _upsert(CampaignDay, {"campaign": campaign, "date": day}, values)
    days = sorted({day for _name, day in sums})
    for day in days:
        totals = CampaignDay.objects.filter(campaign__account=account, date=day).aggregate(
            **{name: Sum(name) for name in PAID_FIELDS}
        )
        row, created = DailyMetric.objects.get_or_create(account=account, date=day)
        changed = created
        for name in PAID_FIELDS:
            value = totals[name] or 0
            if name in ("spend", "revenue"):
                value = Decimal(value).quantize(Decimal("0.01"))
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if changed:
            row.full_clean(validate_unique=False)
            row.save()
    return days

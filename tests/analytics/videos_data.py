"""Videos and snapshots for the Content tests, made directly (the import has its own tests)."""

from __future__ import annotations

from datetime import date

from accounts.models import Account
from analytics.content.video_marks import videos_classify
from analytics.models import Video, VideoSnapshot

# (day, views, likes, comments, shares)
Snapshot = tuple[date, int, int, int, int]


def make_video(
    account: Account,
    video_id: str,
    *,
    title: str = "",
    posted_on: date | None = None,
    snapshots: list[Snapshot] = (),
    mark: bool | None = None,
) -> Video:
    video = Video.objects.create(
        account=account,
        video_id=video_id,
        title=title,
        link=f"https://www.tiktok.com/@{account.handle}/video/{video_id}",
        posted_on=posted_on,
        promotional_mark=mark,
    )
    # As every writer of titles does (imports, the sync): decided once, stored.
    videos_classify(videos=Video.objects.filter(pk=video.pk))
    video.refresh_from_db()
    for day, views, likes, comments, shares in snapshots:
        VideoSnapshot.objects.create(
            video=video, date=day, views=views, likes=likes, comments=comments, shares=shares
        )
    return video

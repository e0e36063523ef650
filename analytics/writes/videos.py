"""Videos and their snapshots: the write API's video rules (analytics.writes)."""

from __future__ import annotations

from datetime import date

from django.db.models import Max, QuerySet

from analytics.evidence import evidence_videos_changed
from analytics.fields import MAX_TITLE_CHARS
from analytics.models import Video, VideoSnapshot
from analytics.promotion import Matcher, team_matcher
from analytics.writes.days import Counts
from analytics.writes.rows import Target, fast_default, upsert

SNAPSHOT_FIELDS = ("views", "likes", "comments", "shares")
_VIDEOS = Target(
    Video,
    ("account_id", "video_id"),
    ("title", "link", "posted_on"),
    stamps=("updated_at",),
    born=("created_at",),
)
_SNAPSHOTS = Target(
    VideoSnapshot,
    ("video_id", "date"),
    SNAPSHOT_FIELDS,
    defaults=dict.fromkeys(SNAPSHOT_FIELDS, 0),
    stamps=("updated_at",),
)


def videos_write(
    *,
    account_id: int,
    videos: dict[str, tuple[date, str, str, date | None]],
    snapshots: dict[tuple[str, date], tuple[int | None, ...]],
    fast: bool | None = None,
) -> Counts:
    """One account's videos and their snapshots, counted per snapshot.

    `videos` maps a TikTok video id to (the day its figures are of, title, link, posting
    day); `snapshots` maps (video id, day) to the lifetime totals (views, likes, comments,
    shares; None for unknown). Each video's title, link and posting day follow the newest
    day: rows older than a snapshot already stored (an old download imported again) leave
    them as the newer one gave them. A person's promotional mark is never touched.
    """
    fast = fast_default(fast)
    ids = set(videos)
    newest = dict(
        VideoSnapshot.objects.filter(video__account_id=account_id, video__video_id__in=ids)
        .values_list("video__video_id")
        .annotate(newest=Max("date"))
        .values_list("video__video_id", "newest")
    )
    rows = [
        (account_id, video_id, title, link, posted_on)
        if day >= newest.get(video_id, day)
        else (account_id, video_id, None, None, None)
        for video_id, (day, title, link, posted_on) in videos.items()
    ]
    # The days these videos were posted on before: a video moved to another week leaves
    # its old week, whose checklist figures are refreshed too (the new weeks are refreshed
    # by videos_classify below).
    posted_before = set(
        Video.objects.filter(account_id=account_id, video_id__in=ids)
        .exclude(posted_on=None)
        .values_list("account_id", "posted_on")
        .distinct()
    )
    _created, changed_videos, _rows = upsert(_VIDEOS, rows, fast=fast)
    written = Video.objects.filter(account_id=account_id, video_id__in=ids)
    # Titles were written: whether each is promotional is decided now, not per page view.
    videos_classify(videos=written)
    posted_now = {(account_id, row[4]) for row in rows if row[4] is not None}
    if posted_before - posted_now:
        evidence_videos_changed(posted=posted_before - posted_now)
    pks = dict(written.values_list("video_id", "pk"))
    snapshot_rows = [(pks[video_id], day, *values) for (video_id, day), values in snapshots.items()]
    created, updated, _rows = upsert(_SNAPSHOTS, snapshot_rows, fast=fast)
    changed = {pks[video_id] for _account_id, video_id in changed_videos}
    new = updated_count = 0
    for video_id, day in snapshots:
        key = (pks[video_id], day)
        if key in created:
            new += 1
        elif key in updated or key[0] in changed:
            # A new title or link is a change to the video's row, even with the same totals.
            updated_count += 1
    return Counts(new, updated_count, len(snapshots) - new - updated_count)


def videos_classify(*, videos: QuerySet[Video]) -> int:
    """Stores whether each video's title holds its team's markers; returns how many changed.

    Called whenever titles are written (imports, the API sync, the demo) and whenever a
    team's markers change, so that no page matches markers against titles. A title is
    matched on its first MAX_TITLE_CHARS characters, TikTok's caption limit.
    """
    matchers: dict[int, Matcher] = {}
    changed: dict[bool, list[int]] = {True: [], False: []}
    posted: set[tuple[int, date | None]] = set()
    rows = videos.order_by().values_list(
        "pk", "title", "title_promotional", "account__team_id", "account_id", "posted_on"
    )
    for pk, title, stored, team_id, account_id, posted_on in rows.iterator(chunk_size=2000):
        posted.add((account_id, posted_on))
        matcher = matchers.get(team_id)
        if matcher is None:
            matcher = matchers[team_id] = team_matcher(team_id)
        now = matcher.matches(title[:MAX_TITLE_CHARS])
        if now != stored:
            changed[now].append(pk)
    for value, pks in changed.items():
        for start in range(0, len(pks), 5000):
            Video.objects.filter(pk__in=pks[start : start + 5000]).update(title_promotional=value)
    # Every writer of videos calls this, so the checklists' video items follow here, also
    # for a new video whose classification is the default.
    evidence_videos_changed(posted=posted)
    return len(changed[True]) + len(changed[False])

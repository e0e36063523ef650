"""Reads of an account's videos: the Content page, a video's snapshots, the content mix."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal, localcontext

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page
from django.db import connections
from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Collate, Lower, NullIf
from django.http import Http404

from accounts.models import Account, Team
from analytics.models import Video, VideoSnapshot
from analytics.models.videos import promotional_of
from analytics.scorecards.windows import Window

# How many videos the Content page calls the top and the bottom of a window.
TOP_COUNT = 3

# Sortable columns of the Content table: the URL's name for each and what it orders by.
# Every order puts nulls last, so videos without a snapshot never crowd the top.
SORT_EXPRESSIONS: dict[str, object] = {
    "posted_on": F("posted_on"),
    # Case aside, so "apple" and "Banana" sort as people expect.
    "title": Lower("title"),
    "views": F("latest_views"),
    "likes": F("latest_likes"),
    "comments": F("latest_comments"),
    "shares": F("latest_shares"),
    "engagement_rate": F("engagement_rate"),
}
SORT_COLUMNS = tuple(SORT_EXPRESSIONS)
DEFAULT_SORT = "-posted_on"
# The same exact context as the scorecard rules, so a rate never depends on the caller's.
_EXACT = Context(prec=28)
SORT_CHOICES = [(name, name) for name in SORT_COLUMNS] + [
    (f"-{name}", f"-{name}") for name in SORT_COLUMNS
]


def engagement_rate(*, views: int, likes: int, comments: int, shares: int) -> Decimal | None:
    """(likes + comments + shares) / views; None when there are no views."""
    if views == 0:
        return None
    with localcontext(_EXACT):
        return Decimal(likes + comments + shares) / Decimal(views)


def with_latest_figures(videos: QuerySet[Video]) -> QuerySet[Video]:
    """Each video with the totals of its newest snapshot (None when it has none), and
    their `engagement_rate`."""
    return with_engagement_rate(with_latest_totals(videos))


def with_engagement_rate(videos: QuerySet[Video]) -> QuerySet[Video]:
    """Videos annotated by with_latest_totals, with the rate of those totals, in SQL."""
    rate = DecimalField(max_digits=30, decimal_places=12)
    # SQLite (the demo) casts to a decimal by keeping integers whole, so its division would
    # round every rate down to 0; a float there divides, and the field reads it as a decimal.
    number = FloatField() if connections[videos.db].vendor == "sqlite" else rate
    interactions = F("latest_likes") + F("latest_comments") + F("latest_shares")
    views = NullIf(Cast(F("latest_views"), number), Value(0), output_field=number)
    return videos.annotate(
        engagement_rate=ExpressionWrapper(Cast(interactions, number) / views, output_field=rate)
    )


def with_latest_totals(videos: QuerySet[Video]) -> QuerySet[Video]:
    """Each video with the totals of its newest snapshot (None when it has none).

    The newest snapshot is joined once (a video has one snapshot a day), rather than read
    by one subquery per figure: the same figures, from one row, for less work.
    """
    newest = VideoSnapshot.objects.filter(video=OuterRef("pk")).order_by("-date").values("pk")
    return videos.alias(
        latest_snapshot=Subquery(newest[:1]),
        latest=FilteredRelation("snapshots", condition=Q(snapshots__pk=F("latest_snapshot"))),
    ).annotate(
        latest_on=F("latest__date"),
        latest_views=F("latest__views"),
        latest_likes=F("latest__likes"),
        latest_comments=F("latest__comments"),
        latest_shares=F("latest__shares"),
    )


# What the Content page's rows and ranked lists show of a video and of whoever marked it
# (a name: RowWriter's _marked_by). Fewer columns make every read of the page cheaper to
# build, and no row parses the timestamps it never shows.
_LISTED_FIELDS = (
    "account_id",
    "video_id",
    "title",
    "link",
    "posted_on",
    "promotional_mark",
    "title_promotional",
    "marked_by__first_name",
    "marked_by__last_name",
    "marked_by__username",
)


def account_videos(*, account: Account) -> QuerySet[Video]:
    """The account's videos (the caller checked the user may see it) with their latest
    totals and who marked them: what the Content page's table and its ranked lists read.
    Built once, a request narrows it for each read (building costs more than a clone)."""
    return (
        with_latest_totals(Video.objects.filter(account=account))
        .select_related("marked_by")
        .only(*_LISTED_FIELDS)
    )


def video_list(
    *, account: Account, sort: str = DEFAULT_SORT, videos: QuerySet[Video] | None = None
) -> QuerySet[Video]:
    """The account's videos (the caller checked the user may see it), sorted, with their
    latest totals; attach_engagement_rates adds the rates of those shown.

    `videos`: account_videos(account=account), when the caller built it already.
    """
    name = sort.removeprefix("-")
    if name not in SORT_EXPRESSIONS:
        sort, name = DEFAULT_SORT, DEFAULT_SORT.removeprefix("-")
    expression = SORT_EXPRESSIONS[name]
    order = (
        expression.desc(nulls_last=True)
        if sort.startswith("-")
        else expression.asc(nulls_last=True)
    )
    if videos is None:
        videos = account_videos(account=account)
    if name == "engagement_rate":
        # Only this order needs the rates in SQL; attach_engagement_rates gives the rows theirs.
        videos = with_engagement_rate(videos)
    # Ties fall back to the newest post, then the id, so pages never shuffle (the newest
    # post once: an order by posting day has no ties for it to break).
    if name == "posted_on":
        return videos.order_by(order, "video_id")
    return videos.order_by(order, F("posted_on").desc(nulls_last=True), "video_id")


def attach_engagement_rates(videos: Iterable[Video]) -> list[Video]:
    """Sets each video's `engagement_rate` from its latest totals (None without views)."""
    videos = list(videos)
    for video in videos:
        video.engagement_rate = (
            None
            if video.latest_views is None
            else engagement_rate(
                views=video.latest_views,
                likes=video.latest_likes,
                comments=video.latest_comments,
                shares=video.latest_shares,
            )
        )
    return videos


def video_count(*, account: Account) -> int:
    """How many videos the account has (the caller checked the user may see it)."""
    return Video.objects.filter(account=account).count()


def video_get(*, user: AbstractBaseUser, account: Account, video_id: str) -> Video:
    """One of the account's videos that the user may see; 404 otherwise."""
    videos = Video.objects.visible_to(user).filter(account=account)
    video = with_latest_figures(videos).select_related("account", "marked_by")
    try:
        return video.get(video_id=video_id)
    except Video.DoesNotExist as exc:
        raise Http404("No such video of this account.") from exc


def video_snapshots(*, video: Video) -> list[VideoSnapshot]:
    """The video's snapshots, oldest first, each with its `engagement_rate`."""
    snapshots = list(video.snapshots.order_by("date"))
    for snapshot in snapshots:
        snapshot.engagement_rate = engagement_rate(
            views=snapshot.views,
            likes=snapshot.likes,
            comments=snapshot.comments,
            shares=snapshot.shares,
        )
    return snapshots


# A video's views grow most in its first days: the least viewed compares only videos at
# least this old on the day of their figures, so the newest are not "least viewed".
LEAST_VIEWED_MIN_AGE_DAYS = 7


@dataclass(frozen=True)
class Ranked:
    """The most and the least viewed videos posted in a window."""

    top: list[Video]
    bottom: list[Video]
    posted: int
    # Videos left out of the least viewed for being younger than LEAST_VIEWED_MIN_AGE_DAYS.
    too_young: int = 0
    min_age_days: int = LEAST_VIEWED_MIN_AGE_DAYS


def video_top_and_bottom(
    *,
    account: Account,
    window: Window,
    count: int = TOP_COUNT,
    read: list[Video] | None = None,
    videos: QuerySet[Video] | None = None,
) -> Ranked:
    """Videos posted in the window with a snapshot, ranked by their latest views.

    The top are the `count` most viewed; the bottom the `count` least viewed of the rest,
    so that a window with few videos never shows one video in both lists. The bottom
    leaves out videos younger than LEAST_VIEWED_MIN_AGE_DAYS on the day of their latest
    figures: their views have not had the time to grow.

    `read`: videos of the account the caller already read through video_list, when they
    hold every video posted in the window (see holds_window); they are not read again.
    `videos`: account_videos(account=account), when the caller built it already.
    """
    if read is not None:
        posted = [
            video
            for video in read
            if video.posted_on is not None and window.start <= video.posted_on <= window.end
        ]
    else:
        # Ranked and shown by their views alone: no engagement rate is computed for them.
        # Ranked below; the model's default order would only join the account to sort by it.
        if videos is None:
            videos = account_videos(account=account)
        posted = list(
            videos.filter(posted_on__gte=window.start, posted_on__lte=window.end).order_by()
        )
    ranked = [video for video in posted if video.latest_views is not None]
    ranked.sort(key=lambda video: (-video.latest_views, video.posted_on, video.video_id))
    top = ranked[:count]
    rest = ranked[count:]
    old_enough = [video for video in rest if _age_days(video) >= LEAST_VIEWED_MIN_AGE_DAYS]
    bottom = sorted(
        old_enough, key=lambda video: (video.latest_views, video.posted_on, video.video_id)
    )
    return Ranked(
        top=top,
        bottom=bottom[:count],
        posted=len(posted),
        too_young=len(rest) - len(old_enough),
    )


def holds_window(*, page: Page, sort: str, window: Window) -> bool:
    """Whether a page of video_list holds every video of the account posted in the window.

    So it does when it is the first page of the newest first (DEFAULT_SORT, undated videos
    last) and it is also the last page, or its last video is undated or older than the
    window.
    """
    if sort != DEFAULT_SORT or page.has_previous():
        return False
    if not page.has_next() or not page.object_list:
        return True
    oldest = page.object_list[-1].posted_on
    return oldest is None or oldest < window.start


def _age_days(video: Video) -> int:
    """Days from posting to the video's latest figures (0 when either is unknown)."""
    if video.posted_on is None or video.latest_on is None:
        return 0
    return (video.latest_on - video.posted_on).days


def attach_promotional(videos: Iterable[Video]) -> list[Video]:
    """Sets `promotional` (bool) and `promotional_by_mark` on each video; returns them.

    Read from the stored fields (Video.is_promotional): no title is matched per view.
    """
    videos = list(videos)
    for video in videos:
        video.promotional = video.is_promotional
        video.promotional_by_mark = video.promotional_mark is not None
    return videos


@dataclass(frozen=True)
class ContentMix:
    """Promotional against authentic videos among those posted in a window."""

    window: Window
    promotional: int
    authentic: int
    marked: int

    @property
    def total(self) -> int:
        return self.promotional + self.authentic

    @property
    def promotional_share(self) -> Decimal | None:
        return Decimal(self.promotional) / Decimal(self.total) if self.total else None

    @property
    def authentic_share(self) -> Decimal | None:
        return Decimal(self.authentic) / Decimal(self.total) if self.total else None


def content_mix(*, account: Account, window: Window) -> ContentMix:
    """Counts videos posted in the window by the promotional rule (one query)."""
    rows = (
        Video.objects.filter(
            account=account, posted_on__gte=window.start, posted_on__lte=window.end
        )
        # No order: only counted, and the model's default order joins the account.
        .order_by()
        .values_list("title_promotional", "promotional_mark")
    )
    promotional_count = authentic = marked = 0
    for by_title, mark in rows:
        if mark is not None:
            marked += 1
        if promotional_of(mark, by_title):
            promotional_count += 1
        else:
            authentic += 1
    return ContentMix(
        window=window, promotional=promotional_count, authentic=authentic, marked=marked
    )


@dataclass(frozen=True)
class ExportRow:
    handle: str
    video_id: str
    posted_on: date | None
    title: str
    snapshot_on: date
    views: int
    likes: int
    comments: int
    shares: int
    promotional: bool


def _bytewise_collation(alias: str) -> str:
    """The collation that orders text by its characters' code points on this database.

    The demo runs on SQLite, which has no "C" collation; its "BINARY" compares UTF-8
    bytes, which orders code points the same way.
    """
    return "BINARY" if connections[alias].vendor == "sqlite" else "C"


def video_export_rows(*, team: Team, account: Account | None = None) -> Iterator[ExportRow]:
    """One row per video and snapshot day, in the export's order (docs/imports.md).

    Handles and ids sort by their characters (PostgreSQL's "C" collation, SQLite's
    "BINARY"), whatever the database's locale, so the file's order is the same on every
    server.
    """
    snapshots = VideoSnapshot.objects.filter(
        video__account__team=team, video__account__archived=False
    )
    if account is not None:
        snapshots = VideoSnapshot.objects.filter(video__account=account)
    bytewise = _bytewise_collation(snapshots.db)
    snapshots = snapshots.order_by(
        Collate("video__account__handle", bytewise),
        F("video__posted_on").asc(nulls_first=True),
        Collate("video__video_id", bytewise),
        "date",
    ).values_list(
        "video__account__handle",
        "video__video_id",
        "video__posted_on",
        "video__title",
        "date",
        "views",
        "likes",
        "comments",
        "shares",
        "video__promotional_mark",
        "video__title_promotional",
    )
    for row in snapshots.iterator(chunk_size=2000):
        *figures, mark, by_title = row
        yield ExportRow(*figures, promotional=promotional_of(mark, by_title))

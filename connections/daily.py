"""The daily-figures rule for API snapshots (imports.md, "Daily figures from API
snapshots"), as plain functions of numbers: no ORM, so it is tested with numbers alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

ORGANIC = ("video_views", "likes", "comments", "shares")


@dataclass(frozen=True)
class Totals:
    """A video's lifetime totals on one day."""

    views: int
    likes: int
    comments: int
    shares: int

    def as_figures(self) -> dict[str, int]:
        return {
            "video_views": self.views,
            "likes": self.likes,
            "comments": self.comments,
            "shares": self.shares,
        }


@dataclass(frozen=True)
class VideoDays:
    """One video as the rule needs it: its totals on D and D-1, whether it was seen before D."""

    today: Totals | None
    yesterday: Totals | None
    seen_before: bool
    posted_on: date | None


def derive_organic(day: date, videos: Mapping[str, VideoDays]) -> dict[str, int]:
    """views, likes, comments and shares of day D.

    The sum over videos with a snapshot on D and D-1 of (total on D - total on D-1), plus
    the totals on D of videos first seen on D that were posted on D or D-1. A video first
    seen on D but posted earlier is a baseline: it adds nothing.
    """
    sums = dict.fromkeys(ORGANIC, 0)
    for video in videos.values():
        if video.today is None:
            continue
        if video.yesterday is not None:
            now, before = video.today.as_figures(), video.yesterday.as_figures()
            for name in ORGANIC:
                sums[name] += now[name] - before[name]
        elif not video.seen_before and video.posted_on in (day, day - timedelta(days=1)):
            for name, value in video.today.as_figures().items():
                sums[name] += value
    return sums


@dataclass(frozen=True)
class DayPlan:
    """What the sync writes for a day: organic figures (None: none) and followers (None: none)."""

    organic: dict[str, int] | None
    followers: int | None


def plan_day(
    *,
    followers: int,
    first_snapshot: bool,
    has_previous: bool,
    organic: dict[str, int],
) -> DayPlan:
    """The first snapshot is a baseline; without D-1 only followers.

    Studio's days win over these figures: analytics' write API keeps them (analytics.writes).
    """
    if first_snapshot:
        return DayPlan(organic=None, followers=None)
    return DayPlan(organic=organic if has_previous else None, followers=followers)

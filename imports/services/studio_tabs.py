"""TikTok Studio's audience and content tabs, for the metrics import.

Viewers, FollowerActivity, FollowerGender, FollowerTopTerritories and Content go to
models of their own (ViewerDay, FollowerActivity, AudienceShare, Video and
VideoSnapshot), always for the import's one account. The import service
(imports.services.imports) calls `collect` for each such file, which checks what only
the account can tell and finds clashes between files, then `write` once, inside its
transaction: analytics.writes writes the rows, by its merge rules (an unknown figure,
`undefined`, keeps what the row had; a re-import changes nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from accounts.models import Account
from analytics.models import Video
from analytics.writes import (
    audience_shares_write,
    follower_activity_write,
    videos_write,
    viewer_days_write,
)
from analytics.writes.audience import VIEWER_FIELDS as _VIEWER_FIELDS
from analytics.writes.videos import SNAPSHOT_FIELDS as _VIDEO_FIELDS
from imports.parsers import TAB_UNITS, HourRow, MetricRow, ParsedFile, RowError, ShareRow

_LINK_LENGTH = Video._meta.get_field("link").max_length


@dataclass
class _Entry:
    """A row to write, with where it came from (for clashes between files)."""

    file: str
    line: int
    values: tuple


@dataclass
class TabRows:
    """An upload's audience and content rows, by key, across all its files."""

    viewers: dict[tuple, _Entry] = field(default_factory=dict)
    activity: dict[tuple, _Entry] = field(default_factory=dict)
    shares: dict[tuple, _Entry] = field(default_factory=dict)
    videos: dict[tuple, _Entry] = field(default_factory=dict)
    snapshots: dict[tuple, _Entry] = field(default_factory=dict)
    # The day of the newest file that gave each video's title, link and posting day.
    video_days: dict[tuple, date] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any((self.viewers, self.activity, self.shares, self.snapshots))


def held(parsed: ParsedFile, rows: list) -> str:
    """What a file held, in its own words: "12 videos", "168 hours", "3 shares"."""
    count = len({row.video_id for row in rows}) if parsed.tab == "content" else len(rows)
    unit = TAB_UNITS.get(parsed.tab or "", "row")
    return f"{count} {unit}{'' if count == 1 else 's'}"


def collect(
    parsed: ParsedFile,
    rows: list,
    account: Account,
    as_of: date,
    tabs: TabRows,
    add_error: Callable[[RowError], None],
    seen: Callable[[int, date], None],
) -> None:
    """Puts one file's rows into `tabs`, checking what only the account can tell."""
    tab = parsed.tab
    for row in rows:
        if tab == "viewers":
            _put(tabs.viewers, (account.pk, row.date), row, _viewer_values(row), add_error)
        elif tab == "follower-activity":
            key = (account.pk, row.date, row.hour)
            _put(tabs.activity, key, row, (row.active_followers,), add_error)
        elif tab in ("gender", "territories"):
            key = (account.pk, row.dimension, as_of, row.key)
            _put(tabs.shares, key, row, (row.share,), add_error)
        else:
            column = parsed.columns.get("video link", "Video link")
            if row.handle is not None and row.handle != account.handle:
                message = (
                    f"the video is @{row.handle}'s, not @{account.handle}'s, "
                    "the account of this import"
                )
                add_error(RowError(row.file, row.line, column, message))
                continue
            if len(row.link) > _LINK_LENGTH:
                message = f"the link is longer than {_LINK_LENGTH} characters"
                add_error(RowError(row.file, row.line, column, message))
                continue
            video = (row.title, row.link, row.posted_on)
            snapshot = tuple(row.values.get(name) for name in _VIDEO_FIELDS)
            key = (row.video_id, row.date)
            if _put(tabs.snapshots, key, row, snapshot, add_error, f"video {row.video_id} on"):
                video_key = (account.pk, row.video_id)
                if row.date >= tabs.video_days.get(video_key, row.date):
                    tabs.videos[video_key] = _Entry(row.file, row.line, video)
                    tabs.video_days[video_key] = row.date
        seen(account.pk, as_of if isinstance(row, ShareRow) else row.date)


def _viewer_values(row: MetricRow) -> tuple:
    return tuple(row.values.get(name) for name in _VIEWER_FIELDS)


def _put(
    store: dict[tuple, _Entry],
    key: tuple,
    row: MetricRow | HourRow | ShareRow | Any,
    values: tuple,
    add_error: Callable[[RowError], None],
    what: str = "",
) -> bool:
    """Keeps a row unless another file already gave its key other figures (an error)."""
    known = store.get(key)
    if known is None:
        store[key] = _Entry(row.file, row.line, values)
        return True
    if known.values != values:
        # The key without the account: the day (and hour, or the share's name).
        parts = [part.isoformat() if isinstance(part, date) else str(part) for part in key[1:]]
        where = f"{known.file} line {known.line}"
        message = f"{' '.join([what, *parts]).strip()} is also in {where}, with other figures"
        add_error(RowError(row.file, row.line, "", message))
    return False


def write(
    tabs: TabRows, *, fast: bool, imported_by: AbstractBaseUser | None, as_of: date
) -> tuple[int, int, int]:
    """Writes the collected rows through analytics.writes; returns (created, updated,
    unchanged) over all of them."""
    counts = [
        viewer_days_write(_tuples(tabs.viewers), fast=fast),
        audience_shares_write(_tuples(tabs.shares), fast=fast),
    ]
    if tabs.activity:
        counts.append(
            follower_activity_write(
                _tuples(tabs.activity), imported_by=imported_by, as_of=as_of, fast=fast
            )
        )
    if tabs.snapshots:
        (account_id,) = {account_id for account_id, _video_id in tabs.videos}
        videos = {
            video_id: (tabs.video_days[account_id, video_id], *entry.values)
            for (account_id, video_id), entry in tabs.videos.items()
        }
        snapshots = {key: entry.values for key, entry in tabs.snapshots.items()}
        counts.append(
            videos_write(account_id=account_id, videos=videos, snapshots=snapshots, fast=fast)
        )
    return (
        sum(count.created for count in counts),
        sum(count.updated for count in counts),
        sum(count.unchanged for count in counts),
    )


def _tuples(store: dict[tuple, _Entry]) -> list[tuple]:
    return [(*key, *entry.values) for key, entry in store.items()]

"""Collecting TikTok Studio's audience and content tabs of an upload, for analytics' writer.

The import service (imports.services.import_upload) puts each such file's rows into one
`TabRows` with `collect`, which checks what only the import's account can tell (a video
of another handle, a link too long to store, a key that two files give other figures),
then hands them to analytics.services.studio_tabs.write inside its transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from accounts.models import Account
from analytics.models import Video
from analytics.services.studio_tabs import VIDEO_FIELDS, VIEWER_FIELDS, Entry, TabRows
from imports.parsers import TAB_UNITS, HourRow, MetricRow, ParsedFile, RowError, ShareRow

_LINK_LENGTH = Video._meta.get_field("link").max_length


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
            snapshot = tuple(row.values.get(name) for name in VIDEO_FIELDS)
            key = (row.video_id, row.date)
            if _put(tabs.snapshots, key, row, snapshot, add_error, f"video {row.video_id} on"):
                video_key = (account.pk, row.video_id)
                if row.date >= tabs.video_days.get(video_key, row.date):
                    tabs.videos[video_key] = Entry(row.file, row.line, video)
                    tabs.video_days[video_key] = row.date
        seen(account.pk, as_of if isinstance(row, ShareRow) else row.date)


def _viewer_values(row: MetricRow) -> tuple:
    return tuple(row.values.get(name) for name in VIEWER_FIELDS)


def _put(
    store: dict[tuple, Entry],
    key: tuple,
    row: MetricRow | HourRow | ShareRow | Any,
    values: tuple,
    add_error: Callable[[RowError], None],
    what: str = "",
) -> bool:
    """Keeps a row unless another file already gave its key other figures (an error)."""
    known = store.get(key)
    if known is None:
        store[key] = Entry(row.file, row.line, values)
        return True
    if known.values != values:
        # The key without the account: the day (and hour, or the share's name).
        parts = [part.isoformat() if isinstance(part, date) else str(part) for part in key[1:]]
        where = f"{known.file} line {known.line}"
        message = f"{' '.join([what, *parts]).strip()} is also in {where}, with other figures"
        add_error(RowError(row.file, row.line, "", message))
    return False

"""Videos and their snapshots as the CSV of docs/imports.md ("Videos: the export and ...").

One writer for the `export_videos` command and the Content page's download, so both give
the same bytes for the same rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from analytics.content.videos import ExportRow, engagement_rate
from analytics.scorecards.export import export_value, spreadsheet_safe

COLUMNS = (
    "handle",
    "video_id",
    "posted_on",
    "title",
    "snapshot_on",
    "views",
    "likes",
    "comments",
    "shares",
    "engagement_rate",
    "promotional",
)


def video_row(row: ExportRow) -> list[str]:
    rate = engagement_rate(
        views=row.views, likes=row.likes, comments=row.comments, shares=row.shares
    )
    return [
        # Text cells are the ones a person or TikTok wrote; a title may well start with "@".
        spreadsheet_safe(row.handle),
        spreadsheet_safe(row.video_id),
        row.posted_on.isoformat() if row.posted_on else "",
        spreadsheet_safe(row.title),
        row.snapshot_on.isoformat(),
        str(row.views),
        str(row.likes),
        str(row.comments),
        str(row.shares),
        # Six places, rounded half to even, exactly like the scorecard export's rates.
        export_value("engagement_rate", rate),
        "1" if row.promotional else "0",
    ]


def write_csv(rows: Iterable[ExportRow], out: TextIO) -> int:
    """Writes the header and one line per row; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(video_row(row))
        count += 1
    return count

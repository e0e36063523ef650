"""TikTok Studio downloads as TikTok writes them, for the import tests.

Real downloads (seen in public repositories that keep them) are UTF-8 with a BOM, every
value quoted, comma-separated, with no newline after the last row; Viewers also comes as
an XLSX workbook whose cells are all text.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import openpyxl

OVERVIEW = ("Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares")
HISTORY = ("Date", "Followers", "Difference in followers from previous day")
VIEWERS = ("Date", "Total Viewers", "New Viewers", "Returning Viewers")
ACTIVITY = ("Date", "Hour", "Active followers")
GENDER = ("Gender", "Distribution")
TERRITORIES = ("Top territories", "Distribution")
CONTENT = (
    "Time",
    "Video title",
    "Video link",
    "Post time",
    "Total likes",
    "Total comments",
    "Total shares",
    "Total views",
)


def studio_csv(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> bytes:
    lines = [",".join(f'"{cell}"' for cell in line) for line in [header, *rows]]
    return ("\ufeff" + "\n".join(lines)).encode()


def studio_xlsx(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Viewers"
    for line in [header, *rows]:
        sheet.append([str(cell) for cell in line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def video_id(uploaded: datetime, low: int = 123_456_789) -> str:
    """A TikTok video id whose upper 32 bits are the upload's Unix time (UTC)."""
    return str((int(uploaded.timestamp()) << 32) | low)


def link(handle: str, video: str) -> str:
    return f"https://www.tiktok.com/@{handle}/video/{video}"


def week_of_activity(days: list[str]) -> list[tuple[object, ...]]:
    """FollowerActivity rows: every hour of the given days, the count being day*100 + hour."""
    return [
        (day, hour, index * 100 + hour) for index, day in enumerate(days, 1) for hour in range(24)
    ]

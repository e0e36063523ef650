"""What the parsers produce (rows and errors) and the limits they keep."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# The parsers' siblings take the field names from here; analytics.fields holds them.
from analytics.fields import COUNT_FIELDS as COUNT_FIELDS
from analytics.fields import MAX_TITLE_CHARS as MAX_TITLE_CHARS
from analytics.fields import METRIC_FIELDS as METRIC_FIELDS
from analytics.fields import MONEY_FIELDS as MONEY_FIELDS
from analytics.fields import PAID_FIELDS as PAID_FIELDS

FORMATS = ("canonical", "tiktok-studio", "ads-manager")
MAX_BYTES = 20 * 1024 * 1024
MAX_REPORTED_ERRORS = 100
# Studio tabs whose rows are not day figures of DailyMetric: each has a model of its own.
AUDIENCE_TABS = ("viewers", "follower-activity", "gender", "territories", "content")
# What one row of each kind of file is, for the per-file summary ("Content.csv: 12 videos").
TAB_UNITS = {
    "overview": "day",
    "followers": "day",
    "viewers": "day",
    "follower-activity": "hour",
    "gender": "share",
    "territories": "share",
    "content": "video",
}
# TikTok Studio leaves the audience tabs with their header only until an account has about
# 100 followers; such a file is read as holding nothing yet, not as bad input.
NO_AUDIENCE_YET = "no data yet (TikTok Studio fills this tab once the account has more followers)"

# Report-info rows stand above the header in some exports; a file that shows no known
# header within this many rows is not going to show one.
HEADER_SEARCH_ROWS = 30
# A TikTok download holds a handful of tabs; refusing bigger archives early keeps a
# crafted ZIP from tying up the worker.
MAX_ARCHIVE_MEMBERS = 50
# The table of contents of a ZIP archive (an XLSX too) lists each file in 46 bytes and its
# name: TikTok's archives and Excel's workbooks need a few kilobytes, and a crafted one
# listing hundreds of thousands of empty files would cost zipfile seconds and 100 MB+.
MAX_DIRECTORY_BYTES = 1024 * 1024
# Real reports are a few dozen columns wide; reading no further keeps a crafted sheet with
# a cell in column XFD from costing 16,384 cells a row.
XLSX_MAX_COLUMNS = 256
# Excel's last row. A crafted sheet can number a row 999,999,999, and openpyxl hands out
# an empty row for every number it skips; reading stops at Excel's own limit.
XLSX_MAX_ROWS = 1_048_576
# An XLSX is a ZIP archive too: besides counting its unpacked size against the upload's
# size limit, it may hold no more parts than this (Excel writes a dozen or so for a
# workbook of a few sheets)...
XLSX_MAX_PARTS = 200
# ... and styles no bigger than this: openpyxl builds objects for every style at once,
# about ten times the part's size in memory (Excel's own are a few dozen kilobytes).
XLSX_MAX_STYLES_BYTES = 2 * 1024 * 1024


CENT = Decimal("0.01")
MONEY_ZERO = Decimal("0.00")
MAX_COUNT = 2**63 - 1
# Amounts are numeric(14, 2) columns: below a trillion.
MAX_MONEY = Decimal("999999999999.99")
READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error)
# zipfile raises whatever its header parsing trips over on a damaged archive (ValueError,
# IndexError, struct.error, NotImplementedError for odd compression...); to the person
# uploading, all of them mean the archive cannot be read.
ZIP_FAILURES = (Exception,)
BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x00\x00\x00",
)
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
TEXT_EXTENSIONS = ("", ".csv", ".txt", ".tsv")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")


@dataclass(frozen=True, slots=True)
class RowError:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.line and self.column:
            return f"{self.file}: line {self.line}, column {self.column}: {self.message}"
        if self.line:
            return f"{self.file}: line {self.line}: {self.message}"
        if self.column:
            return f"{self.file}: column {self.column}: {self.message}"
        return f"{self.file}: {self.message}"


# Not frozen: a frozen dataclass is built five times slower, which a million-row file
# feels. Nothing in Playbook changes a row once it is made; `replace` makes new ones.
@dataclass(slots=True)
class MetricRow:
    file: str
    line: int
    handle: str | None
    date: date
    values: dict[str, int | Decimal | None]
    campaign: str | None = None
    currency: str | None = None


@dataclass(slots=True)
class HourRow:
    """A FollowerActivity line: active followers in one hour (0-23) of one day."""

    file: str
    line: int
    date: date
    hour: int
    active_followers: int


@dataclass(slots=True)
class ShareRow:
    """A FollowerGender or FollowerTopTerritories line: a key and its share (0 to 1)."""

    file: str
    line: int
    dimension: str
    key: str
    share: Decimal


@dataclass(slots=True)
class VideoRow:
    """A Content line: one video and its lifetime totals as of `date` (the `Time` day).

    `handle` is the one in the video's link (None when the link names none); `values`
    holds views, likes, comments and shares, None where the file says `undefined`.
    """

    file: str
    line: int
    video_id: str
    handle: str | None
    title: str
    link: str
    posted_on: date | None
    date: date
    values: dict[str, int | None]


@dataclass
class ParsedFile:
    name: str
    format: str
    tab: str | None
    ignored_columns: list[str]
    rows: Iterator[MetricRow] | list[MetricRow] | list[HourRow] | list[ShareRow] | list[VideoRow]
    errors: list[RowError]
    notes: list[str] = field(default_factory=list)
    # What the preview should warn about though nothing is wrong (a year step the dates
    # do not suggest).
    warnings: list[str] = field(default_factory=list)
    # Each field read (date, handle, campaign, currency and the metrics) with its column's
    # name as the header writes it, so a caller can name the column of a row it rejects.
    columns: dict[str, str] = field(default_factory=dict)


class UploadError(Exception):
    """An upload that cannot be read at all; `errors` says why, file by file."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(error) for error in errors[:3]))
        self.errors = errors


def _too_big(size: int, limit: int) -> str:
    mb = 1024 * 1024
    if size > limit + 1:
        return f"{size / mb:.1f} MB, over the {limit / mb:g} MB size limit"
    # A stream that cannot seek is read no further than the limit, so its size is unknown.
    return f"over the {limit / mb:g} MB size limit"


class Bad(ValueError):
    """A cell that cannot be read; the message completes "line N, column C: ..."."""

"""Reading uploaded metric files into normalised daily rows.

The formats and the bad-input rules are those of the import spec (imports.md): the
product's canonical CSV, TikTok Studio's per-tab downloads and TikTok Ads Manager daily
reports, each as CSV or as the first sheet of an XLSX workbook, alone or inside a ZIP
archive. This module knows nothing about accounts or the database: the import service
turns the rows into metrics and decides, from the errors, whether to write anything.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import chain
from operator import itemgetter
from typing import BinaryIO

import openpyxl

METRIC_FIELDS = (
    "video_views",
    "profile_views",
    "likes",
    "comments",
    "shares",
    "followers",
    "spend",
    "impressions",
    "clicks",
    "conversions",
    "revenue",
)
MONEY_FIELDS = ("spend", "revenue")
COUNT_FIELDS = tuple(name for name in METRIC_FIELDS if name not in MONEY_FIELDS)
PAID_FIELDS = ("spend", "impressions", "clicks", "conversions", "revenue")
FORMATS = ("canonical", "tiktok-studio", "ads-manager")
MAX_BYTES = 20 * 1024 * 1024
MAX_REPORTED_ERRORS = 100
CONTENT_NOTE = "per-video content is not imported"

# Report-info rows stand above the header in some exports; a file that shows no known
# header within this many rows is not going to show one.
HEADER_SEARCH_ROWS = 30
# A TikTok download holds a handful of tabs; refusing bigger archives early keeps a
# crafted ZIP from tying up the worker.
MAX_ARCHIVE_MEMBERS = 50
# Real reports are a few dozen columns wide; reading no further keeps a crafted sheet with
# a cell in column XFD from costing 16,384 cells a row.
XLSX_MAX_COLUMNS = 256

_CENT = Decimal("0.01")
_MONEY_ZERO = Decimal("0.00")
_MAX_COUNT = 2**63 - 1
_READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error)
# zipfile raises whatever its header parsing trips over on a damaged archive (ValueError,
# IndexError, struct.error, NotImplementedError for odd compression...); to the person
# uploading, all of them mean the archive cannot be read.
_ZIP_FAILURES = (Exception,)
_BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x00\x00\x00",
)
_OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_TEXT_EXTENSIONS = ("", ".csv", ".txt")
_XLSX_EXTENSIONS = (".xlsx", ".xlsm")


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


@dataclass(frozen=True, slots=True)
class MetricRow:
    file: str
    line: int
    handle: str | None
    date: date
    values: dict[str, int | Decimal | None]
    campaign: str | None = None
    currency: str | None = None


@dataclass
class ParsedFile:
    name: str
    format: str
    tab: str | None
    ignored_columns: list[str]
    rows: Iterator[MetricRow] | list[MetricRow]
    errors: list[RowError]
    notes: list[str] = field(default_factory=list)


class UploadError(Exception):
    """An upload that cannot be read at all; `errors` says why, file by file."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(error) for error in errors[:3]))
        self.errors = errors


class _Bad(ValueError):
    """A cell that cannot be read; the message completes "line N, column C: ..."."""


# ---------------------------------------------------------------------------
# Opening uploads


def open_upload(
    name: str, data: bytes | BinaryIO, *, max_bytes: int | None = None
) -> list[tuple[str, BinaryIO]]:
    """Return the CSV and XLSX files of an upload, expanding a ZIP archive.

    Raises UploadError for a file over the size limit, a file that is not CSV or XLSX and
    an unreadable archive. CSV members of an archive are returned as lazy streams, so a
    large zipped CSV is still read incrementally by parse().
    """
    limit = MAX_BYTES if max_bytes is None else max_bytes
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    size, stream = _measure(stream, limit)
    if size > limit:
        raise UploadError([RowError(name, 0, "", _too_big(size, limit))])
    head, stream = _peek(stream)
    kind, problem = _kind(name, head, stream)
    if kind == "zip":
        return _expand_zip(name, stream, limit)
    if kind is None:
        raise UploadError([RowError(name, 0, "", problem)])
    return [(name, stream)]


def _measure(stream: BinaryIO, limit: int) -> tuple[int, BinaryIO]:
    if stream.seekable():
        start = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(start)
        return end - start, stream
    # A stream that cannot seek is read into memory, but never past the limit. Raw streams
    # may return less than asked for, hence the loop.
    buffer = io.BytesIO()
    while buffer.tell() <= limit:
        chunk = stream.read(limit + 1 - buffer.tell())
        if not chunk:
            break
        buffer.write(chunk)
    buffer.seek(0)
    return len(buffer.getbuffer()), buffer


def _too_big(size: int, limit: int) -> str:
    mb = 1024 * 1024
    if size > limit + 1:
        return f"{size / mb:.1f} MB, over the {limit / mb:g} MB size limit"
    # A stream that cannot seek is read no further than the limit, so its size is unknown.
    return f"over the {limit / mb:g} MB size limit"


def _peek(stream: BinaryIO, size: int = 8) -> tuple[bytes, BinaryIO]:
    if stream.seekable():
        start = stream.tell()
        head = stream.read(size)
        stream.seek(start)
        return head, stream
    head = stream.read(size)
    return head, io.BufferedReader(_Prefixed(head, stream))


class _Prefixed(io.RawIOBase):
    """A stream that cannot seek, with the bytes already peeked at put back in front."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _extension(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return "." + base.rsplit(".", 1)[1] if "." in base.lstrip(".") else ""


def _kind(name: str, head: bytes, stream: BinaryIO) -> tuple[str | None, str]:
    """Say whether a file is "csv", "xlsx" or "zip" (None and why when it is none)."""
    extension = _extension(name)
    not_ours = "not a CSV or XLSX file"
    if head.startswith(_ZIP_MAGIC):
        if _is_workbook(stream):
            return "xlsx", ""
        if extension in (".zip", ""):
            return "zip", ""
        if extension in _XLSX_EXTENSIONS:
            return None, "not a readable XLSX workbook"
        return None, not_ours
    if head.startswith(_OLD_EXCEL_MAGIC):
        return None, "an old Excel (.xls) workbook: save it as .xlsx or CSV"
    if head.startswith(_BINARY_MAGIC):
        return None, not_ours
    if extension in _TEXT_EXTENSIONS:
        return "csv", ""
    if extension in _XLSX_EXTENSIONS:
        return None, "not a readable XLSX workbook"
    return None, not_ours


def _is_workbook(stream: BinaryIO) -> bool:
    start = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except Exception:
        # See _ZIP_FAILURES: a damaged archive is simply not a workbook.
        return False
    finally:
        stream.seek(start)


def _expand_zip(name: str, stream: BinaryIO, limit: int) -> list[tuple[str, BinaryIO]]:
    try:
        archive = zipfile.ZipFile(stream)
        members = [info for info in archive.infolist() if not _is_junk(info)]
    except _ZIP_FAILURES as exc:
        raise UploadError([RowError(name, 0, "", "not a readable ZIP archive")]) from exc
    if not members:
        raise UploadError([RowError(name, 0, "", "no CSV or XLSX file inside")])
    if len(members) > MAX_ARCHIVE_MEMBERS:
        message = f"{len(members)} files inside, more than the {MAX_ARCHIVE_MEMBERS} read"
        raise UploadError([RowError(name, 0, "", message)])
    total = sum(info.file_size for info in members)
    if total > limit:
        message = "unpacks to " + _too_big(total, limit)
        raise UploadError([RowError(name, 0, "", message)])
    files: list[tuple[str, BinaryIO]] = []
    errors: list[RowError] = []
    for info in members:
        member_name = f"{name}/{info.filename}"
        if info.flag_bits & 0x1:
            errors.append(RowError(member_name, 0, "", "protected by a password"))
            continue
        try:
            with archive.open(info) as member:
                head = member.read(8)
            if head.startswith(_ZIP_MAGIC):
                # Workbooks are read whole: openpyxl seeks all over them, and seeking
                # backwards in a compressed member restarts its decompression each time.
                content: BinaryIO = io.BytesIO(archive.read(info))
            else:
                content = archive.open(info)
        except _ZIP_FAILURES:
            errors.append(RowError(member_name, 0, "", "damaged: it cannot be unpacked"))
            continue
        kind, problem = _kind(member_name, head, content)
        if kind == "zip":
            errors.append(
                RowError(member_name, 0, "", "an archive inside the archive: unpack it first")
            )
        elif kind is None:
            errors.append(RowError(member_name, 0, "", problem))
        else:
            files.append((member_name, content))
    if errors:
        raise UploadError(errors)
    return files


def _is_junk(info: zipfile.ZipInfo) -> bool:
    # Archives made on a Mac or by Windows Explorer carry metadata files nobody chose to
    # upload; complaining about them would only confuse.
    base = info.filename.rsplit("/", 1)[-1]
    return (
        info.is_dir()
        or info.filename.startswith("__MACOSX/")
        or base.startswith(".")
        or base.lower() in ("thumbs.db", "desktop.ini")
    )


# ---------------------------------------------------------------------------
# Headers and formats


def _key(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).lower()


_METRIC_SET = frozenset(METRIC_FIELDS)
# Columns no Ads Manager report has, so a header with one of them is canonical for sure.
_CANONICAL_ONLY = frozenset({"handle", "video_views", "profile_views"})
# A canonical header made only of these names could also be a Studio tab whose dates
# carry no year; the first data row settles it.
_STUDIO_LOOKALIKE = frozenset({"likes", "comments", "shares", "followers"})

_STUDIO_COLUMNS = {
    "overview": {
        "video views": "video_views",
        "profile views": "profile_views",
        "likes": "likes",
        "comments": "comments",
        "shares": "shares",
    },
    "followers": {"followers": "followers"},
    "content": {
        "total views": "video_views",
        "total likes": "likes",
        "total comments": "comments",
        "total shares": "shares",
    },
}
# Columns of the standard download that Playbook reads no figure from: they are expected,
# so the summary does not call them unknown.
_STUDIO_KNOWN = {
    "overview": frozenset({"date"}),
    "followers": frozenset({"date", "difference in followers from previous day"}),
    "content": frozenset({"time", "video title", "video link", "post time"}),
}

_ADS_ALIASES = {
    "date": ("By Day", "Date", "Day", "stat_time_day"),
    "spend": ("Cost", "Total Cost", "Spend", "spend"),
    "impressions": ("Impressions", "Impression", "impressions"),
    "clicks": ("Clicks (destination)", "Destination clicks", "Clicks", "clicks"),
    "conversions": (
        "Conversions",
        "Complete payment",
        "Total Complete Payment",
        "Result",
        "conversion",
    ),
    "revenue": (
        "Total complete payment value",
        "Complete payment value",
        "Purchase value",
        "Conversion Value",
        "total_complete_payment_rate",
    ),
    "campaign": ("Campaign name", "Campaign Name", "Campaign"),
    "currency": ("Currency",),
}
_ADS_KEYS = {
    name: tuple(_key(alias) for alias in aliases) for name, aliases in _ADS_ALIASES.items()
}
_RATE_WORDS = frozenset({"ctr", "cpc", "cpm", "cpa", "cvr", "rate", "roas"})
_CANONICAL_NAMES = frozenset({"date", "handle", *METRIC_FIELDS})


@dataclass(frozen=True)
class _Header:
    line: int
    cells: list[str]
    keys: list[str]
    format: str
    tab: str | None
    sure: bool = True

    def first_positions(self) -> dict[str, int]:
        positions: dict[str, int] = {}
        for index, key in enumerate(self.keys):
            if key:
                positions.setdefault(key, index)
        return positions


def _ads_layout(keys: list[str]) -> dict[str, int]:
    """Map each Ads Manager field to the column of its first present alias."""
    positions: dict[str, int] = {}
    for index, key in enumerate(keys):
        positions.setdefault(key, index)
    layout: dict[str, int] = {}
    for name, aliases in _ADS_KEYS.items():
        for alias in aliases:
            if alias in positions:
                layout[name] = positions[alias]
                break
    return layout


def _is_ads_layout(layout: dict[str, int]) -> bool:
    return "date" in layout and any(name in layout for name in PAID_FIELDS)


def _is_rate(key: str) -> bool:
    return bool(_RATE_WORDS.intersection(re.findall(r"[a-z]+", key)))


def _studio_tab(present: set[str], loose: bool) -> str | None:
    if "date" in present:
        if present & {"video views", "profile views"}:
            return "overview"
        if "difference in followers from previous day" in present:
            return "followers"
    if present & {"video title", "video link"} and present & _STUDIO_COLUMNS["content"].keys():
        return "content"
    if loose and "date" in present:
        if "followers" in present:
            return "followers"
        if present & _STUDIO_COLUMNS["overview"].keys():
            return "overview"
    return None


def _detect(keys: list[str], forced: str) -> tuple[str, str | None, bool] | None:
    """Name the format (and Studio tab) a header belongs to, or None."""
    present = set(keys)
    canonical = "date" in present and bool(present & _METRIC_SET)
    layout = _ads_layout(keys)
    ads = _is_ads_layout(layout)
    if forced == "canonical":
        return ("canonical", None, True) if canonical else None
    if forced == "ads-manager":
        return ("ads-manager", None, True) if ads else None
    if forced == "tiktok-studio":
        tab = _studio_tab(present, loose=True)
        return ("tiktok-studio", tab, True) if tab else None
    if canonical and present & _CANONICAL_ONLY:
        return "canonical", None, True
    # Ads reports may carry "Video views" or "Likes" too; a column only Ads Manager writes
    # (Cost, By Day, Campaign name, CTR...) decides before the Studio signatures are tried.
    ads_only = any(keys[index] not in _CANONICAL_NAMES for index in layout.values())
    if ads and (ads_only or any(_is_rate(key) for key in keys)):
        return "ads-manager", None, True
    tab = _studio_tab(present, loose=False)
    if tab:
        return "tiktok-studio", tab, True
    if canonical:
        return "canonical", None, not (present & _METRIC_SET) <= _STUDIO_LOOKALIKE
    if ads:
        return "ads-manager", None, True
    return None


def _match_header(line: int, cells: list[str], forced: str) -> _Header | None:
    cells = [cell.replace("\ufeff", "").strip() for cell in cells]
    keys = [_key(cell) for cell in cells]
    found = _detect(keys, forced)
    if found is None:
        return None
    format_name, tab, sure = found
    return _Header(line, cells, keys, format_name, tab, sure)


def _no_header(name: str, cells: list[str] | None, forced: str) -> RowError:
    if cells is None:
        return RowError(name, 0, "", "the file is empty")
    shown = ", ".join(cell.strip() for cell in cells if cell.strip())
    if len(shown) > 120:
        shown = shown[:117] + "..."
    keys = [_key(cell) for cell in cells]
    layout = _ads_layout(keys)
    if "date" not in layout and any(name in layout for name in PAID_FIELDS):
        message = (
            "an Ads Manager report without a day column: "
            f"export it with a daily breakdown (found: {shown})"
        )
    elif forced != "auto":
        message = f"the header does not match the {forced} format (found: {shown})"
    else:
        message = f"the header matches no known format (found: {shown})"
    return RowError(name, 0, "", message)


# ---------------------------------------------------------------------------
# Reading CSV and XLSX into rows of text


@dataclass
class _Table:
    header: _Header
    rows: Iterator[tuple[int, list[str]]]
    decimal_comma: bool = False


def _filled(row: list[str]) -> bool:
    return any(cell.strip() for cell in row)


def _csv_table(name: str, stream: BinaryIO, forced: str, errors: list[RowError]) -> _Table | None:
    # Undecodable bytes become lone surrogates, so one bad byte is reported on its own
    # line and cell instead of stopping the whole read at the first 8 KB chunk holding it.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    undecodable: list[int] = []
    lines = _text_lines(text, undecodable)
    first_cells: list[str] | None = None
    number = 0
    try:
        for number, line in enumerate(lines, start=1):
            if undecodable:
                _detach(text)
                errors.append(RowError(name, number, "", "not UTF-8 text: save it as CSV UTF-8"))
                return None
            if not line.strip():
                continue
            candidates = [_split(line, delimiter) for delimiter in _delimiters(line)]
            for delimiter, cells in candidates:
                header = _match_header(number, cells, forced) if cells else None
                if header is not None:
                    reader = csv.reader(lines, delimiter=delimiter)
                    rows = _csv_rows(name, reader, number, text, undecodable, header, errors)
                    return _Table(header, rows, decimal_comma=delimiter == ";")
            if first_cells is None:
                first_cells = candidates[0][1] or [line.strip()]
            if number >= HEADER_SEARCH_ROWS:
                break
    except _READ_ERRORS:
        _detach(text)
        errors.append(RowError(name, number, "", "the file could not be read to the end"))
        return None
    _detach(text)
    errors.append(_no_header(name, first_cells, forced))
    return None


def _text_lines(text: io.TextIOWrapper, undecodable: list[int]) -> Iterator[str]:
    for number, line in enumerate(text, start=1):
        if not line.isascii():
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:
                undecodable.append(number)
        yield line


def _delimiters(line: str) -> tuple[str, str]:
    return (";", ",") if line.count(";") > line.count(",") else (",", ";")


def _split(line: str, delimiter: str) -> tuple[str, list[str] | None]:
    try:
        return delimiter, next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return delimiter, None


def _detach(text: io.TextIOWrapper) -> None:
    # Detaching keeps the wrapper from closing the caller's stream when it is collected.
    with suppress(ValueError, OSError):
        text.detach()


def _csv_rows(
    name: str,
    reader: Iterator[list[str]],
    offset: int,
    text: io.TextIOWrapper,
    undecodable: list[int],
    header: _Header,
    errors: list[RowError],
) -> Iterator[tuple[int, list[str]]]:
    read = 0
    try:
        for row in reader:
            line = offset + read + 1
            read = reader.line_num  # type: ignore[attr-defined]
            if undecodable:
                _report_undecodable(name, line, row, header, errors)
                undecodable.clear()
                continue
            yield line, row
    except csv.Error as exc:
        errors.append(RowError(name, offset + read + 1, "", f"cannot be read as CSV ({exc})"))
    except _READ_ERRORS:
        errors.append(
            RowError(name, offset + read + 1, "", "the file could not be read to the end")
        )
    finally:
        _detach(text)


def _report_undecodable(
    name: str, line: int, row: list[str], header: _Header, errors: list[RowError]
) -> None:
    message = "bytes that are not UTF-8: save the file as CSV UTF-8"
    found = False
    for index, cell in enumerate(row):
        if cell.isascii():
            continue
        try:
            cell.encode("utf-8")
        except UnicodeEncodeError:
            column = header.cells[index] if index < len(header.cells) else ""
            errors.append(RowError(name, line, column, message))
            found = True
    if not found:
        errors.append(RowError(name, line, "", message))


def _xlsx_table(name: str, stream: BinaryIO, forced: str, errors: list[RowError]) -> _Table | None:
    if not stream.seekable():
        stream = io.BytesIO(stream.read())
    book = None
    # openpyxl raises whatever its zip, XML and style readers raise on a damaged workbook;
    # every one of them means the same thing to the person uploading it.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        numbered = enumerate(sheet.iter_rows(max_col=XLSX_MAX_COLUMNS, values_only=True), 1)
        first_cells: list[str] | None = None
        for number, values in numbered:
            if number > HEADER_SEARCH_ROWS:
                break
            cells = [_xlsx_text(value) for value in values]
            if not _filled(cells):
                continue
            header = _match_header(number, cells, forced)
            if header is not None:
                return _Table(header, _xlsx_rows(name, book, numbered, errors))
            if first_cells is None:
                first_cells = cells
    except Exception:
        if book is not None:
            book.close()
        errors.append(RowError(name, 0, "", "not a readable XLSX workbook"))
        return None
    book.close()
    errors.append(_no_header(name, first_cells, forced))
    return None


def _xlsx_rows(
    name: str,
    book: openpyxl.Workbook,
    numbered: Iterator[tuple[int, tuple[object, ...]]],
    errors: list[RowError],
) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        for number, values in numbered:
            if values.count(None) == len(values):
                continue
            yield number, [_xlsx_text(value) for value in values]
    except Exception:
        # See _xlsx_table: any failure inside openpyxl is a damaged sheet.
        errors.append(RowError(name, number + 1, "", "the sheet could not be read to the end"))
    finally:
        book.close()


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        # Excel keeps 15 significant digits; more is binary noise (12.300000000000001).
        return format(value, ".15g")
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------------------
# Reading cells


def _show(cell: str) -> str:
    text = cell.strip()
    if len(text) > 40:
        text = text[:37] + "..."
    return f"'{text}'"


def _as_count(number: Decimal, cell: str) -> int:
    if number != number.to_integral_value():
        raise _Bad(f"{_show(cell)} is not a whole number")
    count = int(number)
    if count > _MAX_COUNT:
        raise _Bad(f"{_show(cell)} is too large")
    return count


def _as_money(number: Decimal, cell: str) -> Decimal:
    try:
        amount = number.quantize(_CENT)
    except InvalidOperation as exc:
        raise _Bad(f"{_show(cell)} is too large") from exc
    if amount != number:
        raise _Bad(f"{_show(cell)} has more than 2 decimal places")
    return amount


def _plain_decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    # Decimal() also reads "NaN" and "Infinity", which are no figures.
    return number if number.is_finite() else None


def _canonical_count(cell: str) -> int | None:
    text = cell.strip()
    if not text:
        return None
    number = _plain_decimal(text)
    if number is None:
        raise _Bad(f"{_show(cell)} is not a number")
    if number < 0:
        raise _Bad(f"{_show(cell)} is negative")
    return _as_count(number, cell)


def _canonical_money(cell: str, decimal_comma: bool) -> Decimal | None:
    text = cell.strip()
    if not text:
        return None
    # Excel in most of Europe saves semicolon-separated CSV with decimal commas.
    if decimal_comma and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    number = _plain_decimal(text)
    if number is None:
        raise _Bad(f"{_show(cell)} is not an amount")
    if number < 0:
        raise _Bad(f"{_show(cell)} is negative")
    return _as_money(number, cell)


_GROUPED_COUNT = re.compile(r"\d{1,3}(?:([,. '\u00a0\u202f])\d{3})(?:\1\d{3})*")


def _studio_count(cell: str) -> int | None:
    if cell.isdigit() and cell.isascii() and len(cell) < 19:
        return int(cell)
    text = cell.strip()
    if not text or text.lower() == "undefined":
        return None
    if _GROUPED_COUNT.fullmatch(text):
        return _as_count(Decimal(re.sub(r"\D", "", text)), cell)
    number = _plain_decimal(text)
    if number is None:
        raise _Bad(f"{_show(cell)} is not a number")
    if number < 0:
        raise _Bad(f"{_show(cell)} is negative")
    return _as_count(number, cell)


_CURRENCY_CODE = re.compile(r"^[A-Za-z]{3}\s*|\s*[A-Za-z]{3}$")
_NUMBER_NOISE = frozenset("% \u00a0\u202f'")
_NUMBER_SHAPE = re.compile(r"[\d.,]*\d[\d.,]*")
_GROUPED_COMMAS = re.compile(r"\d{1,3}(?:,\d{3})+")
_GROUPED_DOTS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_NONE_MARKS = frozenset({"-", "--", "\u2014", "\u2013"})


def _ads_number(cell: str, money: bool) -> int | Decimal:
    if cell.isdigit() and cell.isascii() and len(cell) < 19:
        return Decimal(cell).quantize(_CENT) if money else int(cell)
    text = cell.strip()
    if not text or text in _NONE_MARKS:
        return _MONEY_ZERO if money else 0
    text = _CURRENCY_CODE.sub("", text)
    text = "".join(
        char for char in text if char not in _NUMBER_NOISE and unicodedata.category(char) != "Sc"
    )
    negative = text[:1] in ("-", "\u2212")
    if negative:
        text = text[1:]
    if not _NUMBER_SHAPE.fullmatch(text):
        raise _Bad(f"{_show(cell)} is not a number")
    number = _grouped_decimal(text)
    if number is None:
        raise _Bad(f"{_show(cell)} is not a number")
    if negative and number:
        raise _Bad(f"{_show(cell)} is negative")
    return _as_money(number, cell) if money else _as_count(number, cell)


def _grouped_decimal(text: str) -> Decimal | None:
    """Read a number whose thousands separator and decimal mark vary by locale."""
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        # "1,234" is a thousand and more in every TikTok export; "12,5" is a decimal comma.
        text = text.replace(",", "") if _GROUPED_COMMAS.fullmatch(text) else text.replace(",", ".")
    elif text.count(".") > 1 and _GROUPED_DOTS.fullmatch(text):
        text = text.replace(".", "")
    return _plain_decimal(text)


def _iso_date(cell: str) -> date | None:
    text = cell.strip()
    if (
        len(text) == 10
        and text[4] == "-"
        and text[7] == "-"
        and text[:4].isdigit()
        and text[5:7].isdigit()
        and text[8:].isdigit()
    ):
        with suppress(ValueError):
            return date.fromisoformat(text)
    return None


def _full_date(cell: str) -> date | None:
    """Read a date with its year: 2024-10-01, 2024/10/01 or 2024-10-01 00:00:00."""
    text = cell.strip()
    if len(text) < 10 or (len(text) > 10 and text[10] not in " T"):
        return None
    separator = text[4]
    if separator not in "-/" or text[7] != separator:
        return None
    parts = (text[:4], text[5:7], text[8:10])
    if not all(part.isdigit() and part.isascii() for part in parts):
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def _month_names() -> dict[str, int]:
    # Accents are stripped before lookup, so "März", "février" and "março" need no
    # separate spelling. English, Spanish, French, German, Portuguese, Italian, Dutch.
    names = (
        "january jan enero ene janvier janv januar janner janeiro gennaio gen januari",
        "february feb febrero febr fevrier fevr februar fevereiro fev febbraio februari",
        "march mar marzo mars marz maerz marco maart",
        "april apr abril abr avril avr aprile",
        "may mayo mai maio maggio mag mei",
        "june jun junio juin juni junho giugno giu",
        "july jul julio juillet juil juli julho luglio lug",
        "august aug agosto ago aout augustus",
        "september sep sept septiembre setiembre septembre settembre set setembro",
        "october oct octubre octobre oktober okt outubro out ottobre ott",
        "november nov noviembre novembre novembro",
        "december dec diciembre dic dicembre decembre dezember dez dezembro",
    )
    return {word: month for month, words in enumerate(names, 1) for word in words.split()}


_MONTHS = _month_names()
# Words that stand between day and month in the supported languages ("8 de marzo",
# "1er octobre", "October 1st").
_DATE_FILLERS = frozenset(
    {"de", "del", "di", "of", "the", "le", "el", "er", "st", "nd", "rd", "th", "o", "a"}
)
_DATE_TOKEN = re.compile(r"[a-z]+|\d+")


def _studio_day(cell: str) -> date | tuple[int, int] | None:
    """Read a Studio date: a (month, day) pair when it has no year, else the date."""
    explicit = _full_date(cell)
    if explicit is not None:
        return explicit
    plain = unicodedata.normalize("NFKD", cell.lower())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    tokens = _DATE_TOKEN.findall(plain)
    numbers = [token for token in tokens if token.isdigit()]
    words = [token for token in tokens if not token.isdigit() and token not in _DATE_FILLERS]
    if len(words) != 1 or words[0] not in _MONTHS or len(numbers) not in (1, 2):
        return None
    month = _MONTHS[words[0]]
    days = [number for number in numbers if len(number) <= 2]
    years = [number for number in numbers if len(number) == 4]
    if len(days) != 1 or len(years) != len(numbers) - 1:
        return None
    day = int(days[0])
    if not 1 <= day <= calendar.monthrange(2000, month)[1]:
        return None
    if years:
        try:
            return date(int(years[0]), month, day)
        except ValueError:
            return None
    return month, day


def _place_in_years(entries: list[date | tuple[int, int]], as_of: date) -> list[date | None]:
    """Give yearless Studio dates their years, as imports.md says.

    The newest (last) row gets the latest year that puts it on or before as_of; walking
    back up the file the year steps back by one whenever month and day go up. A Feb 29
    takes the latest leap year at or before the year the walk arrives at.
    """
    placed: list[date | None] = [None] * len(entries)
    later: date | None = None
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        if isinstance(entry, date):
            placed[index] = later = entry
            continue
        month, day = entry
        anchor = as_of if later is None else later
        year = anchor.year - 1 if (month, day) > (anchor.month, anchor.day) else anchor.year
        while year > 1 and not (day <= calendar.monthrange(year, month)[1]):
            year -= 1
        with suppress(ValueError):
            placed[index] = later = date(year, month, day)
    return placed


# ---------------------------------------------------------------------------
# The formats


def parse(name: str, stream: BinaryIO | bytes, *, format: str = "auto", as_of: date) -> ParsedFile:
    """Read one CSV or XLSX file into metric rows and errors.

    For canonical files `rows` is a generator that reads the file as it is consumed, and
    `errors` fills up as it goes; the other formats are read at once. The size limit is
    open_upload's job: call it first for anything a user uploaded.
    """
    if format != "auto" and format not in FORMATS:
        raise ValueError(f"unknown format {format!r}")
    if isinstance(stream, bytes | bytearray):
        stream = io.BytesIO(stream)
    errors: list[RowError] = []
    result = ParsedFile(name, format if format != "auto" else "unknown", None, [], [], errors)
    try:
        head, stream = _peek(stream)
    except _READ_ERRORS:
        errors.append(RowError(name, 0, "", "the file could not be read"))
        return result
    table: _Table | None = None
    if not head:
        errors.append(RowError(name, 0, "", "the file is empty"))
    elif head.startswith(_ZIP_MAGIC):
        table = _xlsx_table(name, stream, format, errors)
    elif head.startswith(_UTF16_BOMS):
        errors.append(RowError(name, 0, "", "UTF-16 text: save it as CSV UTF-8"))
    elif head.startswith((_OLD_EXCEL_MAGIC, *_BINARY_MAGIC)) or b"\x00" in head:
        errors.append(RowError(name, 0, "", "not a CSV or XLSX file"))
    else:
        table = _csv_table(name, stream, format, errors)
    if table is None:
        return result
    if not table.header.sure:
        _settle_lookalike(table)
    header = table.header
    result.format, result.tab = header.format, header.tab
    if header.format == "canonical":
        used = _canonical_used(header)
        result.rows = _canonical_rows(name, table, used, errors)
    elif header.format == "tiktok-studio":
        used = _studio_used(header)
        result.rows = _studio_rows(name, table, used, errors, as_of)
        if header.tab == "content":
            result.notes.append(CONTENT_NOTE)
    else:
        layout = _ads_layout(header.keys)
        used = dict(layout)
        result.rows = _ads_rows(name, table, layout, errors)
    indexes = set(used.values())
    silent = _STUDIO_KNOWN.get(header.tab or "", frozenset())
    result.ignored_columns = [
        cell
        for index, (cell, key) in enumerate(zip(header.cells, header.keys, strict=True))
        if cell and index not in indexes and key not in silent
    ]
    return result


def _settle_lookalike(table: _Table) -> None:
    """Let the first data row tell a canonical file from a Studio tab that lost columns."""
    first = next(table.rows, None)
    if first is None:
        return
    table.rows = chain([first], table.rows)
    header = table.header
    cells = first[1]
    position = header.keys.index("date")
    cell = cells[position] if position < len(cells) else ""
    if _iso_date(cell) is None and _studio_day(cell) is not None:
        tab = "followers" if "followers" in header.keys else "overview"
        table.header = replace(header, format="tiktok-studio", tab=tab, sure=True)


def _canonical_used(header: _Header) -> dict[str, int]:
    positions = header.first_positions()
    return {
        key: index
        for key, index in positions.items()
        if key in _METRIC_SET or key in ("date", "handle")
    }


def _ragged(name: str, line: int, row: list[str], width: int) -> RowError | None:
    """Say what is wrong with a row whose length differs from the header's, if anything."""
    if len(row) < width:
        return RowError(name, line, "", f"the row has {len(row)} cells, the header {width}")
    if any(cell.strip() for cell in row[width:]):
        return RowError(name, line, "", f"the row has {len(row)} cells, the header {width}")
    return None


def _canonical_rows(
    name: str, table: _Table, used: dict[str, int], errors: list[RowError]
) -> Iterator[MetricRow]:
    header = table.header
    width = len(header.keys)
    date_index = used["date"]
    date_column = header.cells[date_index]
    handle_index = used.get("handle", -1)
    counts = [(used[key], key, header.cells[used[key]]) for key in COUNT_FIELDS if key in used]
    moneys = [(used[key], key, header.cells[used[key]]) for key in MONEY_FIELDS if key in used]
    count_keys = [key for _index, key, _column in counts]
    # itemgetter with one index returns the cell itself rather than a 1-tuple.
    count_cells = (
        itemgetter(*[index for index, _key, _column in counts])
        if len(counts) > 1
        else (lambda row: tuple(row[index] for index, _key, _column in counts))
    )
    decimal_comma = table.decimal_comma
    seen = _SeenDays()
    # Dates and handles repeat on every row of a long file; remembering them is cheaper
    # than reading them again, and the caps keep a file of all-different values bounded.
    days: dict[str, date] = {}
    handles: dict[str, str | None] = {}
    any_row = False
    for line, row in table.rows:
        if len(row) != width:
            if not _filled(row):
                continue
            problem = _ragged(name, line, row, width)
            if problem is not None:
                any_row = True
                errors.append(problem)
                continue
        raw_day = row[date_index]
        day = days.get(raw_day)
        if day is None:
            day = _iso_date(raw_day)
            if day is None:
                if not raw_day.strip() and not _filled(row):
                    continue
                any_row = True
                message = (
                    "the date is missing"
                    if not raw_day.strip()
                    else f"{_show(raw_day)} is not a date (YYYY-MM-DD)"
                )
                errors.append(RowError(name, line, date_column, message))
                # The rest of the row is still checked, so one upload shows every problem.
                _canonical_values(name, line, row, counts, moneys, decimal_comma, errors)
                continue
            if len(days) < 10_000:
                days[raw_day] = day
        any_row = True
        handle = None
        if handle_index >= 0:
            raw_handle = row[handle_index]
            if raw_handle in handles:
                handle = handles[raw_handle]
            else:
                handle = raw_handle.strip().lstrip("@").strip().lower() or None
                if len(handles) < 10_000:
                    handles[raw_handle] = handle
        # The fast path reads a whole row of plain figures with C-level int() and Decimal();
        # anything unusual (an empty cell, a decimal comma, a bad figure) fails it and goes
        # through _canonical_values, which knows every rule and reports every bad cell.
        try:
            numbers = tuple(map(int, count_cells(row))) if counts else ()
            if numbers and (min(numbers) < 0 or max(numbers) > _MAX_COUNT):
                raise ValueError
            values: dict[str, int | Decimal | None] = dict(zip(count_keys, numbers, strict=True))
            for index, key, _column in moneys:
                number = Decimal(row[index])
                amount = number.quantize(_CENT)
                if amount != number or amount < 0:
                    raise ValueError
                values[key] = amount
        except (ValueError, ArithmeticError):
            checked = _canonical_values(name, line, row, counts, moneys, decimal_comma, errors)
            if checked is None:
                continue
            values = checked
        first_line = seen.add(handle, day.toordinal(), hash(tuple(values.values())) or 1, line)
        if first_line == 0:
            yield MetricRow(name, line, handle, day, values)
        elif first_line > 0:
            errors.append(RowError(name, line, "", _twice(day, handle, first_line)))
    if not any_row:
        errors.append(RowError(name, 0, "", "the file has a header but no rows"))


def _canonical_values(
    name: str,
    line: int,
    row: list[str],
    counts: list[tuple[int, str, str]],
    moneys: list[tuple[int, str, str]],
    decimal_comma: bool,
    errors: list[RowError],
) -> dict[str, int | Decimal | None] | None:
    """Read a row's figures one cell at a time; None when any of them is bad."""
    values: dict[str, int | Decimal | None] = {}
    ok = True
    for index, key, column in counts:
        try:
            values[key] = _canonical_count(row[index])
        except _Bad as bad:
            errors.append(RowError(name, line, column, str(bad)))
            ok = False
    for index, key, column in moneys:
        try:
            values[key] = _canonical_money(row[index], decimal_comma)
        except _Bad as bad:
            errors.append(RowError(name, line, column, str(bad)))
            ok = False
    return values if ok else None


def _twice(day: date, handle: str | None, first_line: int) -> str:
    who = f" for @{handle}" if handle else ""
    return f"{day.isoformat()}{who} is already on line {first_line} with different figures"


class _Span:
    __slots__ = ("start", "prints", "lines", "count")

    def __init__(self, day: int) -> None:
        self.start = day
        self.prints = array("q", [0])
        self.lines = array("i", [0])
        self.count = 0

    def grow(self, day: int) -> bool:
        size = len(self.prints)
        end = self.start + size
        needed = max(end, day + 1) - min(self.start, day)
        # The array stays at least a quarter full, so scattered days cannot inflate it;
        # days that do not fit go to the sparse dict instead.
        limit = max(_DENSE_MIN_DAYS, 4 * (self.count + 1))
        if needed > limit:
            return False
        target = min(limit, max(needed, 2 * size))
        if day < self.start:
            pad = self.start - (end - target)
            self.prints = array("q", bytes(8 * pad)) + self.prints
            self.lines = array("i", bytes(4 * pad)) + self.lines
            self.start -= pad
        else:
            pad = self.start + target - end
            self.prints.frombytes(bytes(8 * pad))
            self.lines.frombytes(bytes(4 * pad))
        return True


_DENSE_MIN_DAYS = 366


class _SeenDays:
    """Which (handle, day) pairs a file has had, with a fingerprint of their figures.

    A dict entry per row costs about 200 bytes, too much for a million-row import, so days
    live in per-handle arrays indexed by day number (12 bytes a day).
    """

    __slots__ = ("_spans", "_sparse")

    def __init__(self) -> None:
        self._spans: dict[str | None, _Span] = {}
        self._sparse: dict[tuple[str | None, int], tuple[int, int]] = {}

    def add(self, handle: str | None, day: int, fingerprint: int, line: int) -> int:
        """Return 0 for a new day, -1 for a repeat with the same figures, else the first line."""
        span = self._spans.get(handle)
        if span is None:
            span = self._spans[handle] = _Span(day)
        slot = day - span.start
        if not 0 <= slot < len(span.prints):
            if not span.grow(day):
                return self._add_sparse(handle, day, fingerprint, line)
            slot = day - span.start
        known = span.prints[slot]
        if known == 0:
            # The day may have gone to the sparse dict before the array grew over it.
            if self._sparse and (handle, day) in self._sparse:
                return self._add_sparse(handle, day, fingerprint, line)
            span.prints[slot] = fingerprint
            span.lines[slot] = min(line, 2**31 - 1)
            span.count += 1
            return 0
        return -1 if known == fingerprint else span.lines[slot]

    def _add_sparse(self, handle: str | None, day: int, fingerprint: int, line: int) -> int:
        known = self._sparse.get((handle, day))
        if known is None:
            self._sparse[handle, day] = (fingerprint, line)
            return 0
        return -1 if known[0] == fingerprint else known[1]


def _studio_used(header: _Header) -> dict[str, int]:
    positions = header.first_positions()
    columns = _STUDIO_COLUMNS[header.tab or "overview"]
    used = {key: index for key, index in positions.items() if key in columns}
    if "date" in positions and header.tab != "content":
        used["date"] = positions["date"]
    return used


def _studio_rows(
    name: str, table: _Table, used: dict[str, int], errors: list[RowError], as_of: date
) -> list[MetricRow]:
    header = table.header
    tab = header.tab or "overview"
    width = len(header.keys)
    fields = _STUDIO_COLUMNS[tab]
    columns = [
        (index, fields[key], header.cells[index]) for key, index in used.items() if key in fields
    ]
    date_index = used.get("date", -1)
    entries: list[tuple[int, date | tuple[int, int], dict[str, int | Decimal | None], bool]] = []
    any_row = False
    for line, row in table.rows:
        if not _filled(row):
            continue
        any_row = True
        if len(row) != width:
            problem = _ragged(name, line, row, width)
            if problem is not None:
                errors.append(problem)
                continue
        values: dict[str, int | Decimal | None] = {}
        ok = True
        for index, key, column in columns:
            try:
                values[key] = _studio_count(row[index])
            except _Bad as bad:
                errors.append(RowError(name, line, column, str(bad)))
                ok = False
        if date_index < 0:
            continue
        when = _studio_day(row[date_index])
        if when is None:
            raw = row[date_index]
            message = "the date is missing" if not raw.strip() else f"{_show(raw)} is not a date"
            errors.append(RowError(name, line, header.cells[date_index], message))
            continue
        entries.append((line, when, values, ok))
    if not any_row:
        errors.append(RowError(name, 0, "", "the file has a header but no rows"))
    placed = _place_in_years([entry[1] for entry in entries], as_of)
    rows: list[MetricRow] = []
    seen: dict[date, tuple[int, dict[str, int | Decimal | None]]] = {}
    for (line, _when, values, ok), day in zip(entries, placed, strict=True):
        # A row whose figures are all "undefined" is no row at all (imports.md).
        if day is None or not ok or all(value is None for value in values.values()):
            continue
        known = seen.get(day)
        if known is None:
            seen[day] = (line, values)
            rows.append(MetricRow(name, line, None, day, values))
        elif known[1] != values:
            errors.append(RowError(name, line, "", _twice(day, None, known[0])))
    return rows


def _ads_rows(
    name: str, table: _Table, layout: dict[str, int], errors: list[RowError]
) -> list[MetricRow]:
    header = table.header
    width = len(header.keys)
    date_index = layout["date"]
    date_column = header.cells[date_index]
    fields = [(layout[key], key, header.cells[layout[key]]) for key in PAID_FIELDS if key in layout]
    campaign_index = layout.get("campaign", -1)
    currency_index = layout.get("currency", -1)
    first_currency: tuple[str, int] | None = None
    rows: list[MetricRow] = []
    any_row = False
    for line, row in table.rows:
        if not _filled(row):
            continue
        any_row = True
        if len(row) != width:
            problem = _ragged(name, line, row, width)
            if problem is not None:
                errors.append(problem)
                continue
        raw_day = row[date_index].strip()
        day = _full_date(raw_day)
        # The summary row says "Total" (or "Total of 12 results") where the day would be,
        # or, when the date column stands further right, in the first filled cell. A row
        # with a real day is never taken for it, whatever its campaign is called.
        if day is None and _is_total(raw_day, row):
            continue
        ok = True
        if day is None:
            message = "the date is missing" if not raw_day else f"{_show(raw_day)} is not a date"
            errors.append(RowError(name, line, date_column, message))
            ok = False
        values: dict[str, int | Decimal | None] = {}
        for index, key, column in fields:
            try:
                values[key] = _ads_number(row[index], money=key in MONEY_FIELDS)
            except _Bad as bad:
                errors.append(RowError(name, line, column, str(bad)))
                ok = False
        currency = row[currency_index].strip().upper() or None if currency_index >= 0 else None
        if currency is not None:
            if first_currency is None:
                first_currency = (currency, line)
            elif currency != first_currency[0]:
                first, first_line = first_currency
                message = f"{_show(currency)} differs from {first} on line {first_line}"
                errors.append(RowError(name, line, header.cells[currency_index], message))
                ok = False
        campaign = row[campaign_index].strip() or None if campaign_index >= 0 else None
        if ok and day is not None:
            rows.append(MetricRow(name, line, None, day, values, campaign, currency))
    if not any_row:
        errors.append(RowError(name, 0, "", "the file has a header but no rows"))
    return rows


def _is_total(raw_day: str, row: list[str]) -> bool:
    lead = next((cell.strip() for cell in row if cell.strip()), "")
    return raw_day.lower().startswith("total") or lead.lower().startswith("total")


# ---------------------------------------------------------------------------
# Several files at once


def parse_many(
    files: list[tuple[str, BinaryIO]], *, format: str = "auto", as_of: date
) -> tuple[list[MetricRow], list[RowError], dict]:
    """Read several files into one list of day rows, merged across files.

    Studio tabs of the same day become one row. Ads Manager rows are summed per day into
    a row with campaign None (the account's paid figures for that day) and, where the
    report names campaigns, also per campaign into rows whose campaign is set: those are
    a breakdown of the day row, not more figures to add to it. The same day and field
    with different figures in two files is an error.
    """
    days: dict[tuple[str | None, date], MetricRow] = {}
    campaigns: dict[tuple[str | None, date, str | None], MetricRow] = {}
    errors: list[RowError] = []
    files_summary: list[dict] = []
    notes: list[str] = []
    currencies: set[str] = set()
    for name, stream in files:
        parsed = parse(name, stream, format=format, as_of=as_of)
        rows = list(parsed.rows)
        errors.extend(parsed.errors)
        if parsed.format == "ads-manager":
            day_rows, campaign_rows = _sum_ads(rows)
            for row in day_rows:
                _merge(days, (row.handle, row.date), row, errors)
            for row in campaign_rows:
                _merge(campaigns, (row.handle, row.date, row.campaign), row, errors)
            currencies.update(row.currency for row in rows if row.currency)
        else:
            for row in rows:
                _merge(days, (row.handle, row.date), row, errors)
        notes.extend(f"{name}: {note}" for note in parsed.notes)
        files_summary.append(
            {
                "name": name,
                "format": parsed.format,
                "tab": parsed.tab,
                "ignored_columns": parsed.ignored_columns,
                "rows": len(rows),
                "notes": parsed.notes,
            }
        )
    merged = sorted(
        [*days.values(), *campaigns.values()],
        key=lambda row: (row.date, row.handle or "", row.campaign is not None, row.campaign or ""),
    )
    summary = {
        "files": files_summary,
        "formats": {entry["name"]: entry["format"] for entry in files_summary},
        "ignored_columns": {
            entry["name"]: entry["ignored_columns"]
            for entry in files_summary
            if entry["ignored_columns"]
        },
        "notes": notes,
        "currencies": sorted(currencies),
        "campaigns": sorted({key[2] for key in campaigns if key[2]}),
        "error_count": len(errors),
    }
    return merged, errors, summary


def _sum_ads(rows: list[MetricRow]) -> tuple[list[MetricRow], list[MetricRow]]:
    days: dict[date, tuple[MetricRow, dict[str, int | Decimal | None]]] = {}
    campaigns: dict[tuple[date, str], tuple[MetricRow, dict[str, int | Decimal | None]]] = {}
    for row in rows:
        targets = [days.setdefault(row.date, (row, {}))[1]]
        if row.campaign is not None:
            targets.append(campaigns.setdefault((row.date, row.campaign), (row, {}))[1])
        for totals in targets:
            for key, value in row.values.items():
                before = totals.get(key)
                totals[key] = value if before is None or value is None else before + value
    day_rows = [replace(first, values=totals, campaign=None) for first, totals in days.values()]
    campaign_rows = [
        replace(first, values=totals, campaign=campaign)
        for (_day, campaign), (first, totals) in campaigns.items()
    ]
    return day_rows, campaign_rows


def _merge(store: dict, key: tuple, row: MetricRow, errors: list[RowError]) -> None:
    known: MetricRow | None = store.get(key)
    if known is None:
        store[key] = row
        return
    values = dict(known.values)
    clashes = []
    for field_name, value in row.values.items():
        before = values.get(field_name)
        if before is None:
            values[field_name] = value
        elif value is not None and value != before:
            clashes.append(f"{field_name} {value} here, {before} there")
    if clashes:
        who = f" for @{row.handle}" if row.handle else ""
        where = f"{known.file} line {known.line}"
        message = f"{row.date.isoformat()}{who} is also in {where}: {'; '.join(clashes)}"
        errors.append(RowError(row.file, row.line, "", message))
        return
    store[key] = replace(known, values=values, currency=known.currency or row.currency)

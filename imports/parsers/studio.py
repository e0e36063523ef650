"""Reading TikTok Studio's audience and content tabs (docs/imports.md, "tiktok-studio").

FollowerActivity, FollowerGender, FollowerTopTerritories and Content hold no day figures
of the account, so they get readers of their own here; Overview, FollowerHistory and
Viewers are day rows, read by formats._studio_rows.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from analytics.content.links import LINK_FORM, parse_video_link
from imports.parsers.cells import show, studio_count
from imports.parsers.days import StudioDay, not_yet, place_in_years, studio_day, unplaced
from imports.parsers.headers import SHARE_KEYS, STUDIO_COLUMNS
from imports.parsers.records import (
    MAX_TITLE_CHARS,
    Bad,
    HourRow,
    MetricRow,
    RowError,
    ShareRow,
    VideoRow,
)
from imports.parsers.tables import Table, full_rows
from lib.numbers import OutOfRange, bounded_decimal

_HOUR = re.compile(r"(\d{1,2})(?::00(?::00)?)?")
_SHARE_PLACES = Decimal("0.000001")
_KEY_LENGTH = 40


def _rows(table: Table, name: str, errors: list[RowError]) -> list[tuple[int, list[str]]]:
    """The table's filled rows of the header's width; other rows become errors."""
    return full_rows(table, name, len(table.header.keys), errors)[0]


def _count(cell: str) -> int | None:
    """A figure of these tabs: viewers, followers and video totals are never negative.

    Said here as well as by the count reader, which may let Overview's net daily counts
    be negative: these tabs hold no net figures.
    """
    count = studio_count(cell)
    if count is not None and count < 0:
        raise Bad(f"{show(cell)} is negative")
    return count


def never_negative(
    name: str, rows: list[MetricRow], columns: dict[str, str], errors: list[RowError]
) -> list[MetricRow]:
    """Viewers' day rows without those holding a negative figure, each an error."""
    kept = []
    for row in rows:
        bad = [key for key, value in row.values.items() if value is not None and value < 0]
        for key in bad:
            message = f"'{row.values[key]}' is negative"
            errors.append(RowError(name, row.line, columns.get(key, key), message))
        if not bad:
            kept.append(row)
    return kept


def _day_error(name: str, line: int, column: str, raw: str) -> RowError:
    message = "the date is missing" if not raw.strip() else f"{show(raw)} is not a date"
    return RowError(name, line, column, message)


def _after(name: str, line: int, column: str, day: date, as_of: date) -> RowError:
    return RowError(name, line, column, not_yet(day, as_of))


def _in_language(entry: date | tuple[int, int], code: str | None) -> date | tuple[int, int]:
    """A yearless date as the file's language reads it (a date with its year as it is)."""
    if isinstance(entry, StudioDay) and code in entry.readings:
        month, day, year = entry.readings[code]
        return date(year, month, day) if year is not None else (month, day)
    return entry


def _hour(cell: str) -> int:
    match = _HOUR.fullmatch(cell.strip())
    if match is None or int(match.group(1)) > 23:
        raise Bad(f"{show(cell)} is not an hour (0 to 23)")
    return int(match.group(1))


def activity_rows(name: str, table: Table, as_of: date, errors: list[RowError]) -> list[HourRow]:
    """FollowerActivity: one row a day and hour; the same date and hour twice is an error."""
    header = table.header
    positions = header.first_positions()
    date_index, hour_index = positions["date"], positions["hour"]
    count_index = positions["active followers"]
    entries: list[tuple[int, date | tuple[int, int], int, int | None]] = []
    for line, row in _rows(table, name, errors):
        ok = True
        try:
            count = _count(row[count_index])
        except Bad as bad:
            errors.append(RowError(name, line, header.cells[count_index], str(bad)))
            ok = False
        try:
            hour = _hour(row[hour_index])
        except Bad as bad:
            errors.append(RowError(name, line, header.cells[hour_index], str(bad)))
            ok = False
        when = studio_day(row[date_index])
        if when is None:
            errors.append(_day_error(name, line, header.cells[date_index], row[date_index]))
            continue
        # A failed row keeps its place: the years of the rows above it depend on it.
        entries.append((line, when, hour if ok else -1, count if ok else None))
    placed = place_in_years([entry[1] for entry in entries], as_of)
    rows: list[HourRow] = []
    seen: dict[tuple[date, int], int] = {}
    date_column = header.cells[date_index]
    for (line, when, hour, count), day in zip(entries, placed, strict=True):
        # A row whose only figure is "undefined" is no row at all (docs/imports.md).
        if count is None:
            continue
        if day is None:
            errors.append(RowError(name, line, date_column, unplaced(when, placed.language)))
            continue
        # Only a date written with its year can land there: one without is placed before.
        if day > as_of:
            errors.append(_after(name, line, date_column, day, as_of))
            continue
        first = seen.setdefault((day, hour), line)
        if first != line:
            message = f"{day.isoformat()} {hour:02d}:00 is already on line {first}"
            errors.append(RowError(name, line, "", message))
            continue
        rows.append(HourRow(name, line, day, hour, count))
    return rows


def _share(cell: str) -> Decimal | None:
    text = cell.strip()
    if not text or text.lower() == "undefined":
        return None
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        # Bounded before it is read (lib.numbers); a share is at most 100 (percent).
        number = bounded_decimal(text, limit=100)
    except OutOfRange as exc:
        raise Bad(f"{show(cell)} is more than the whole (1, or 100%)") from exc
    if number is None:
        raise Bad(f"{show(cell)} is not a share (such as 0.59 or 59%)")
    if percent:
        number /= 100
    if number < 0:
        raise Bad(f"{show(cell)} is negative")
    if number > 1:
        raise Bad(f"{show(cell)} is more than the whole (1, or 100%)")
    return number.quantize(_SHARE_PLACES, rounding=ROUND_HALF_EVEN)


def _share_key(tab: str, cell: str) -> str:
    key = cell.strip()
    if tab == "territories":
        if key.lower() == "others":
            return "Others"
        if len(key) == 2 and key.isalpha():
            return key.upper()
    return key


def share_rows(name: str, table: Table, tab: str, errors: list[RowError]) -> list[ShareRow]:
    """FollowerGender or FollowerTopTerritories: the audience's shares on the download day."""
    header = table.header
    positions = header.first_positions()
    key_index = positions[SHARE_KEYS[tab]]
    share_index = positions["distribution"]
    dimension = "gender" if tab == "gender" else "territory"
    missing = f"the {dimension} is missing"
    rows: list[ShareRow] = []
    seen: dict[str, int] = {}
    for line, row in _rows(table, name, errors):
        key = _share_key(tab, row[key_index])
        key_column = header.cells[key_index]
        try:
            share = _share(row[share_index])
        except Bad as bad:
            errors.append(RowError(name, line, header.cells[share_index], str(bad)))
            continue
        if not key:
            errors.append(RowError(name, line, key_column, missing))
            continue
        if len(key) > _KEY_LENGTH:
            message = f"{show(key)} is longer than {_KEY_LENGTH} characters"
            errors.append(RowError(name, line, key_column, message))
            continue
        first = seen.setdefault(key.casefold(), line)
        if first != line:
            errors.append(RowError(name, line, key_column, f"{key} is already on line {first}"))
            continue
        if share is not None:
            rows.append(ShareRow(name, line, dimension, key, share))
    return rows


def _post_year(month: int, day: int, video_id: str, snapshot: date) -> date | None:
    """Give a yearless post date its year, from the video's id when it is a number.

    The id's upper 32 bits are the upload's Unix time (UTC): the year that puts the post
    within two days of that date wins. A scheduled post can go out more than two days
    after its upload; the nearest year is then still the one the upload points to.
    Without a numeric id, the post is on or before its snapshot day.
    """
    if video_id.isdigit() and video_id.isascii():
        try:
            uploaded = datetime.fromtimestamp(int(video_id) >> 32, tz=UTC).date()
        except (OverflowError, OSError, ValueError):
            uploaded = None
        if uploaded is not None:
            candidates = [
                date(year, month, day)
                for year in (uploaded.year - 1, uploaded.year, uploaded.year + 1)
                if 1 <= year <= 9999 and day <= calendar.monthrange(year, month)[1]
            ]
            if candidates:
                return min(candidates, key=lambda candidate: abs(candidate - uploaded))
    return place_in_years([(month, day)], snapshot)[0]


def content_rows(
    name: str, table: Table, as_of: date, errors: list[RowError], notes: list[str] | None = None
) -> list[VideoRow]:
    """Content: each video's lifetime totals as of the `Time` day, a snapshot per row.

    A title longer than TikTok's caption limit (MAX_TITLE_CHARS) is cut to it, and a note
    names the lines.
    """
    header = table.header
    positions = header.first_positions()
    cells = header.cells
    figures = [
        (index, field, cells[index])
        for key, field in STUDIO_COLUMNS["content"].items()
        if (index := positions.get(key)) is not None
    ]
    time_index = positions.get("time", -1)
    post_index = positions.get("post time", -1)
    link_index = positions.get("video link", -1)
    title_index = positions.get("video title", -1)
    entries: list[tuple[int, date | tuple[int, int], dict, tuple]] = []
    cut: list[int] = []
    for line, row in _rows(table, name, errors):
        ok = True
        values: dict[str, int | None] = {}
        for index, field, column in figures:
            try:
                values[field] = _count(row[index])
            except Bad as bad:
                errors.append(RowError(name, line, column, str(bad)))
                ok = False
        raw_link = row[link_index].strip() if link_index >= 0 else ""
        # Stored only as rebuilt from its handle and id (analytics.content.links).
        parsed_link = parse_video_link(raw_link)
        handle = video_id = None
        link = ""
        if parsed_link is None:
            column = cells[link_index] if link_index >= 0 else "Video link"
            message = (
                "the video link is missing"
                if not raw_link
                else f"{show(raw_link)} is not a TikTok video link (such as {LINK_FORM})"
            )
            errors.append(RowError(name, line, column, message))
            ok = False
        else:
            handle, video_id, link = parsed_link.handle, parsed_link.video_id, parsed_link.canonical
        posted: date | tuple[int, int] | None = None
        if post_index >= 0 and row[post_index].strip():
            posted = studio_day(row[post_index])
            if posted is None:
                errors.append(_day_error(name, line, cells[post_index], row[post_index]))
                ok = False
        when: date | tuple[int, int] | None = as_of
        if time_index >= 0:
            when = studio_day(row[time_index])
            if when is None:
                errors.append(_day_error(name, line, cells[time_index], row[time_index]))
                continue
        title = row[title_index].strip() if title_index >= 0 else ""
        if len(title) > MAX_TITLE_CHARS:
            title = title[:MAX_TITLE_CHARS].rstrip()
            cut.append(line)
        details = (ok, video_id, handle, title, link, posted)
        entries.append((line, when, values, details))
    if cut and notes is not None:
        lines = ", ".join(str(line) for line in cut[:10]) + (", ..." if len(cut) > 10 else "")
        count = f"{len(cut)} title{'s' if len(cut) > 1 else ''}"
        notes.append(
            f"{count} longer than {MAX_TITLE_CHARS:,} characters (TikTok's caption "
            f"limit) cut to it (line{'s' if len(cut) > 1 else ''} {lines})"
        )
    placed = place_in_years([entry[1] for entry in entries], as_of)
    rows: list[VideoRow] = []
    seen: dict[tuple[str, date], tuple[int, dict]] = {}
    time_column = cells[time_index] if time_index >= 0 else ""
    for (line, when, values, details), day in zip(entries, placed, strict=True):
        ok, video_id, handle, title, link, posted = details
        # A row whose figures are all "undefined" is no row at all (docs/imports.md).
        if not ok or all(value is None for value in values.values()):
            continue
        if day is None:
            errors.append(RowError(name, line, time_column, unplaced(when, placed.language)))
            continue
        if day > as_of:
            errors.append(_after(name, line, time_column, day, as_of))
            continue
        known = seen.get((video_id, day))
        if known is not None:
            if known[1] != values:
                message = (
                    f"video {video_id} on {day.isoformat()} is already on line {known[0]} "
                    "with different totals"
                )
                errors.append(RowError(name, line, "", message))
            continue
        seen[video_id, day] = (line, values)
        posted = _in_language(posted, placed.code) if posted is not None else None
        if isinstance(posted, tuple):
            posted = _post_year(*posted, video_id, day)
        rows.append(VideoRow(name, line, video_id, handle, title, link, posted, day, values))
    return rows

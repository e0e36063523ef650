"""Reading one file: `parse`, and the readers of TikTok Studio's day tabs and Ads Manager.

Playbook's own format is read by imports.parsers.canonical, Studio's audience and
content tabs by imports.parsers.studio.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import BinaryIO

from imports.parsers.canonical import canonical_rows, canonical_used
from imports.parsers.cells import NET_FIELDS, ads_number, show, studio_count
from imports.parsers.days import (
    full_date,
    iso_date,
    not_yet,
    place_in_years,
    studio_day,
    unplaced,
    unsuggested_year_steps,
)
from imports.parsers.files import peek
from imports.parsers.headers import (
    STUDIO_COLUMNS,
    STUDIO_KNOWN,
    Header,
    ads_layout,
    named_currencies,
)
from imports.parsers.records import (
    BINARY_MAGIC,
    FORMATS,
    MONEY_FIELDS,
    NO_AUDIENCE_YET,
    OLD_EXCEL_MAGIC,
    PAID_FIELDS,
    READ_ERRORS,
    ZIP_MAGIC,
    Bad,
    MetricRow,
    ParsedFile,
    RowError,
)
from imports.parsers.tables import Table, csv_table, full_rows, twice, xlsx_table


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
        head, stream = peek(stream)
    except READ_ERRORS:
        errors.append(RowError(name, 0, "", "the file could not be read"))
        return result
    table: Table | None = None
    if not head:
        errors.append(RowError(name, 0, "", "the file is empty"))
    elif head.startswith(ZIP_MAGIC):
        table = xlsx_table(name, stream, format, errors)
    elif head.startswith((OLD_EXCEL_MAGIC, *BINARY_MAGIC)):
        errors.append(RowError(name, 0, "", "not a CSV or XLSX file"))
    else:
        # Text in any encoding, UTF-16 included: csv_table tells which, or that it is none.
        table = csv_table(name, stream, format, errors)
    if table is None:
        return result
    result.notes.extend(table.notes)
    if not table.header.sure:
        _settle_lookalike(table)
    header = table.header
    result.format, result.tab = header.format, header.tab
    if header.format == "canonical":
        used = canonical_used(header)
        result.rows = canonical_rows(name, table, used, errors, as_of)
    elif header.tab in _OWN_READERS:
        used = _studio_used(header)
        result.rows = _read_tab(name, table, as_of, errors, result.notes)
        if not result.rows and not errors:
            result.notes.append(NO_AUDIENCE_YET)
    elif header.format == "tiktok-studio":
        used = _studio_used(header)
        # Viewers is a tab of its own, held to the letter: a day twice is an error.
        repeats = header.tab == "viewers"
        result.rows = _studio_rows(name, table, used, errors, as_of, repeats=repeats)
        if repeats:
            from imports.parsers.studio import never_negative

            fields = STUDIO_COLUMNS["viewers"]
            columns = {
                fields[key]: header.cells[index] for key, index in used.items() if key in fields
            }
            result.rows = never_negative(name, result.rows, columns, errors)
    else:
        layout = ads_layout(header.keys)
        used = dict(layout)
        result.rows = _ads_rows(name, table, layout, errors, as_of)
        named = named_currencies(header.keys, layout)
        if named and "currency" not in used:
            # The column whose header names the currency answers for it.
            used["currency"] = named[0][1]
    if header.format == "tiktok-studio" and isinstance(result.rows, list) and not errors:
        result.warnings.extend(unsuggested_year_steps(result.rows))
    indexes = set(used.values())
    result.columns = {key: header.cells[index] for key, index in used.items()}
    silent = STUDIO_KNOWN.get(header.tab or "", frozenset())
    result.ignored_columns = [
        cell
        for index, (cell, key) in enumerate(zip(header.cells, header.keys, strict=True))
        if cell and index not in indexes and key not in silent
    ]
    return result


_OWN_READERS = frozenset({"follower-activity", "gender", "territories", "content"})


def _read_tab(
    name: str, table: Table, as_of: date, errors: list[RowError], notes: list[str]
) -> list:
    # The readers of these tabs live in their own module, which reads rows through this one.
    from imports.parsers import studio

    tab = table.header.tab
    if tab == "follower-activity":
        return studio.activity_rows(name, table, as_of, errors)
    if tab == "content":
        return studio.content_rows(name, table, as_of, errors, notes)
    return studio.share_rows(name, table, tab or "gender", errors)


def _settle_lookalike(table: Table) -> None:
    """Let the first data row tell a canonical file from a Studio tab that lost columns."""
    first = next(table.rows, None)
    if first is None:
        return
    table.rows = chain([first], table.rows)
    header = table.header
    cells = first[1]
    position = header.keys.index("date")
    cell = cells[position] if position < len(cells) else ""
    if iso_date(cell) is None and studio_day(cell) is not None:
        tab = "followers" if "followers" in header.keys else "overview"
        table.header = replace(header, format="tiktok-studio", tab=tab, sure=True)


def _studio_used(header: Header) -> dict[str, int]:
    positions = header.first_positions()
    columns = STUDIO_COLUMNS[header.tab or "overview"]
    used = {key: index for key, index in positions.items() if key in columns}
    if "date" in positions and header.tab != "content":
        used["date"] = positions["date"]
    return used


def _studio_rows(
    name: str,
    table: Table,
    used: dict[str, int],
    errors: list[RowError],
    as_of: date,
    *,
    repeats: bool = False,
) -> list[MetricRow]:
    header = table.header
    tab = header.tab or "overview"
    width = len(header.keys)
    fields = STUDIO_COLUMNS[tab]
    columns = [
        (index, fields[key], header.cells[index]) for key, index in used.items() if key in fields
    ]
    date_index = used.get("date", -1)
    # Only Overview's likes, comments and shares are a day's net change; Content's are a
    # video's lifetime totals.
    net = NET_FIELDS if tab == "overview" else frozenset()
    entries: list[tuple[int, date | tuple[int, int], dict[str, int | Decimal | None], bool]] = []
    kept, any_row = full_rows(table, name, width, errors)
    for line, row in kept:
        values: dict[str, int | Decimal | None] = {}
        ok = True
        for index, key, column in columns:
            try:
                values[key] = studio_count(row[index], key in net)
            except Bad as bad:
                errors.append(RowError(name, line, column, str(bad)))
                ok = False
        if date_index < 0:
            continue
        when = studio_day(row[date_index])
        if when is None:
            raw = row[date_index]
            message = "the date is missing" if not raw.strip() else f"{show(raw)} is not a date"
            errors.append(RowError(name, line, header.cells[date_index], message))
            continue
        entries.append((line, when, values, ok))
    if not any_row:
        errors.append(RowError(name, 0, "", "the file has a header but no rows"))
    placed = place_in_years([entry[1] for entry in entries], as_of)
    rows: list[MetricRow] = []
    seen: dict[date, tuple[int, dict[str, int | Decimal | None]]] = {}
    date_column = header.cells[date_index] if date_index >= 0 else ""
    for (line, when, values, ok), day in zip(entries, placed, strict=True):
        # A row whose figures are all "undefined" is no row at all (docs/imports.md).
        if not ok or all(value is None for value in values.values()):
            continue
        if day is None:
            language = getattr(placed, "language", "")
            errors.append(RowError(name, line, date_column, unplaced(when, language)))
            continue
        if day > as_of:
            errors.append(RowError(name, line, date_column, not_yet(day, as_of)))
            continue
        known = seen.get(day)
        if known is None:
            seen[day] = (line, values)
            rows.append(MetricRow(name, line, None, day, values))
        elif repeats:
            message = f"{day.isoformat()} is already on line {known[0]}"
            errors.append(RowError(name, line, "", message))
        elif known[1] != values:
            errors.append(RowError(name, line, "", twice(day, None, known[0])))
    return rows


def _ads_rows(
    name: str, table: Table, layout: dict[str, int], errors: list[RowError], as_of: date
) -> list[MetricRow]:
    header = table.header
    width = len(header.keys)
    date_index = layout["date"]
    date_column = header.cells[date_index]
    fields = [(layout[key], key, header.cells[layout[key]]) for key in PAID_FIELDS if key in layout]
    campaign_index = layout.get("campaign", -1)
    currency_index = layout.get("currency", -1)
    first_currency: tuple[str, int] | None = None
    named = named_currencies(header.keys, layout)
    for currency, index in named:
        if currency != named[0][0]:
            message = f"names {currency}, but {header.cells[named[0][1]]} names {named[0][0]}"
            errors.append(RowError(name, header.line, header.cells[index], message))
    if named:
        first_currency = (named[0][0], header.line)
    rows: list[MetricRow] = []
    kept, any_row = full_rows(table, name, width, errors)
    for line, row in kept:
        raw_day = row[date_index].strip()
        day = full_date(raw_day)
        # The summary row says "Total" (or "Total of 12 results") where the day would be,
        # or, when the date column stands further right, in the first filled cell. A row
        # with a real day is never taken for it, whatever its campaign is called.
        if day is None and _is_total(raw_day, row):
            continue
        ok = True
        if day is None:
            message = "the date is missing" if not raw_day else f"{show(raw_day)} is not a date"
            errors.append(RowError(name, line, date_column, message))
            ok = False
        elif day > as_of:
            errors.append(RowError(name, line, date_column, not_yet(day, as_of)))
            ok = False
        values: dict[str, int | Decimal | None] = {}
        for index, key, column in fields:
            try:
                values[key] = ads_number(row[index], money=key in MONEY_FIELDS)
            except Bad as bad:
                errors.append(RowError(name, line, column, str(bad)))
                ok = False
        currency = row[currency_index].strip().upper() or None if currency_index >= 0 else None
        if currency is None and named:
            currency = named[0][0]
        elif currency is not None:
            if first_currency is None:
                first_currency = (currency, line)
            elif currency != first_currency[0]:
                first, first_line = first_currency
                message = f"{show(currency)} differs from {first} on line {first_line}"
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

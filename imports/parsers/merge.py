"""Reading several files at once into one list of day rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from imports.parsers.formats import parse
from imports.parsers.records import AUDIENCE_TABS, MetricRow, RowError


def parse_many(
    files: list[tuple[str, BinaryIO]], *, format: str = "auto", as_of: date
) -> tuple[list[MetricRow], list[RowError], dict]:
    """Read several files into one list of day rows, merged across files.

    Studio tabs of the same day become one row. Ads Manager rows are summed per day into
    a row with campaign None (the account's paid figures for that day) and, where the
    report names campaigns, also per campaign into rows whose campaign is set: those are
    a breakdown of the day row, not more figures to add to it. The same day and field
    with different figures in two files is an error. The rows of Studio's audience and
    content tabs are no day figures: they are in the summary's "tabs", by file name.
    """
    days: dict[tuple[str | None, date], MetricRow] = {}
    campaigns: dict[tuple[str | None, date, str | None], MetricRow] = {}
    errors: list[RowError] = []
    files_summary: list[dict] = []
    notes: list[str] = []
    currencies: set[str] = set()
    tabs: dict[str, list] = {}
    for name, stream in files:
        parsed = parse(name, stream, format=format, as_of=as_of)
        rows = list(parsed.rows)
        errors.extend(parsed.errors)
        if parsed.format == "ads-manager":
            day_rows, campaign_rows = sum_ads_rows(rows)
            for row in day_rows:
                merge_row(days, (row.handle, row.date), row, errors)
            for row in campaign_rows:
                merge_row(campaigns, (row.handle, row.date, row.campaign), row, errors)
            currencies.update(row.currency for row in rows if row.currency)
        elif parsed.tab in AUDIENCE_TABS:
            tabs[name] = rows
        else:
            for row in rows:
                merge_row(days, (row.handle, row.date), row, errors)
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
        "tabs": tabs,
        "error_count": len(errors),
    }
    return merged, errors, summary


def sum_ads_rows(rows: list[MetricRow]) -> tuple[list[MetricRow], list[MetricRow]]:
    """One Ads Manager file's rows summed per day, and per day and campaign where named."""
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


def merge_row(store: dict, key: tuple, row: MetricRow, errors: list[RowError]) -> None:
    """Put a row from another file into `store`: fields fill gaps, different figures clash."""
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

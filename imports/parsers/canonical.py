"""Reading Playbook's own CSV/XLSX format (docs/imports.md, "canonical"): one row per day.

`parse` (imports.parsers.formats) recognises the format by its header and hands the
table here.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from operator import itemgetter

from imports.parsers.cells import NET_FIELDS, canonical_count, canonical_money, show
from imports.parsers.days import iso_date, not_yet
from imports.parsers.headers import (
    METRIC_SET,
    Header,
)
from imports.parsers.records import (
    CENT,
    COUNT_FIELDS,
    MAX_COUNT,
    MONEY_FIELDS,
    Bad,
    MetricRow,
    RowError,
)
from imports.parsers.tables import Table, filled, ragged, twice


def canonical_used(header: Header) -> dict[str, int]:
    positions = header.first_positions()
    return {
        key: index
        for key, index in positions.items()
        if key in METRIC_SET or key in ("date", "handle")
    }


def canonical_rows(
    name: str, table: Table, used: dict[str, int], errors: list[RowError], as_of: date
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
            if not filled(row):
                continue
            problem = ragged(name, line, row, width)
            if problem is not None:
                any_row = True
                errors.append(problem)
                continue
        raw_day = row[date_index]
        day = days.get(raw_day)
        if day is None:
            day = iso_date(raw_day)
            if day is None:
                if not raw_day.strip() and not filled(row):
                    continue
                any_row = True
                message = (
                    "the date is missing"
                    if not raw_day.strip()
                    else f"{show(raw_day)} is not a date (YYYY-MM-DD)"
                )
                errors.append(RowError(name, line, date_column, message))
                # The rest of the row is still checked, so one upload shows every problem.
                _canonical_values(name, line, row, counts, moneys, decimal_comma, errors)
                continue
            if len(days) < 10_000:
                days[raw_day] = day
        any_row = True
        if day > as_of:
            errors.append(RowError(name, line, date_column, not_yet(day, as_of)))
            _canonical_values(name, line, row, counts, moneys, decimal_comma, errors)
            continue
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
            if numbers and (min(numbers) < 0 or max(numbers) > MAX_COUNT):
                raise ValueError
            values: dict[str, int | Decimal | None] = dict(zip(count_keys, numbers, strict=True))
            for index, key, _column in moneys:
                number = Decimal(row[index])
                amount = number.quantize(CENT)
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
            errors.append(RowError(name, line, "", twice(day, handle, first_line)))
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
            values[key] = canonical_count(row[index], key in NET_FIELDS)
        except Bad as bad:
            errors.append(RowError(name, line, column, str(bad)))
            ok = False
    for index, key, column in moneys:
        try:
            values[key] = canonical_money(row[index], decimal_comma)
        except Bad as bad:
            errors.append(RowError(name, line, column, str(bad)))
            ok = False
    return values if ok else None


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

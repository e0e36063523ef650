"""Reading CSV and XLSX files into numbered rows of text."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

import openpyxl

from analytics.parsers.headers import Header, match_header, no_header
from analytics.parsers.records import HEADER_SEARCH_ROWS, READ_ERRORS, XLSX_MAX_COLUMNS, RowError


@dataclass
class Table:
    header: Header
    rows: Iterator[tuple[int, list[str]]]
    decimal_comma: bool = False


def filled(row: list[str]) -> bool:
    return any(cell.strip() for cell in row)


def csv_table(name: str, stream: BinaryIO, forced: str, errors: list[RowError]) -> Table | None:
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
                header = match_header(number, cells, forced) if cells else None
                if header is not None:
                    reader = csv.reader(lines, delimiter=delimiter)
                    rows = _csv_rows(name, reader, number, text, undecodable, header, errors)
                    return Table(header, rows, decimal_comma=delimiter == ";")
            if first_cells is None:
                first_cells = candidates[0][1] or [line.strip()]
            if number >= HEADER_SEARCH_ROWS:
                break
    except READ_ERRORS:
        _detach(text)
        errors.append(RowError(name, number, "", "the file could not be read to the end"))
        return None
    _detach(text)
    errors.append(no_header(name, first_cells, forced))
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
    header: Header,
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
    except READ_ERRORS:
        errors.append(
            RowError(name, offset + read + 1, "", "the file could not be read to the end")
        )
    finally:
        _detach(text)


def _report_undecodable(
    name: str, line: int, row: list[str], header: Header, errors: list[RowError]
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


def xlsx_table(name: str, stream: BinaryIO, forced: str, errors: list[RowError]) -> Table | None:
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
            if not filled(cells):
                continue
            header = match_header(number, cells, forced)
            if header is not None:
                return Table(header, _xlsx_rows(name, book, numbered, errors))
            if first_cells is None:
                first_cells = cells
    except Exception:
        if book is not None:
            book.close()
        errors.append(RowError(name, 0, "", "not a readable XLSX workbook"))
        return None
    book.close()
    errors.append(no_header(name, first_cells, forced))
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
        # See xlsx_table: any failure inside openpyxl is a damaged sheet.
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


def ragged(name: str, line: int, row: list[str], width: int) -> RowError | None:
    """Say what is wrong with a row whose length differs from the header's, if anything."""
    if len(row) < width:
        return RowError(name, line, "", f"the row has {len(row)} cells, the header {width}")
    if any(cell.strip() for cell in row[width:]):
        return RowError(name, line, "", f"the row has {len(row)} cells, the header {width}")
    return None


def twice(day: date, handle: str | None, first_line: int) -> str:
    """The error of a day listed again with other figures (first on `first_line`)."""
    who = f" for @{handle}" if handle else ""
    return f"{day.isoformat()}{who} is already on line {first_line} with different figures"

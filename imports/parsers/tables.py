"""Reading CSV and XLSX files into numbered rows of text."""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

import openpyxl

from imports.parsers.files import peek
from imports.parsers.headers import Header, match_header, no_header
from imports.parsers.records import (
    HEADER_SEARCH_ROWS,
    READ_ERRORS,
    XLSX_MAX_COLUMNS,
    XLSX_MAX_ROWS,
    RowError,
)
from imports.parsers.workbooks import Workbook, prepare_workbook


@dataclass
class Table:
    header: Header
    rows: Iterator[tuple[int, list[str]]]
    decimal_comma: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Encoding:
    """How a text file is decoded, and the name people know the encoding by."""

    codec: str
    label: str
    note: str = ""


_UTF8 = _Encoding("utf-8-sig", "UTF-8")
_UTF16 = _Encoding("utf-16", "UTF-16")
# The bytes a text file's encoding is judged by: enough for any export's first rows,
# little enough that a file is still read as a stream. Bytes further on that the chosen
# encoding cannot read are reported at their line and column.
_SNIFF_BYTES = 64 * 1024
_SAVE_AS_UTF8 = "save it as CSV UTF-8"
# Windows-1252 leaves these five bytes undefined; text holding one is read as Latin-1.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_UNDECODABLE = "playbook-undecodable"
_INVALID = re.compile("[\udc80-\udcff]")
_VALID_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


def filled(row: list[str]) -> bool:
    return any(cell.strip() for cell in row)


def _escape_undecodable(error: UnicodeError) -> tuple[str, int]:
    """Like "surrogateescape", but for every codec: UTF-16 fails on pairs of bytes."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + byte) for byte in bad), error.end


codecs.register_error(_UNDECODABLE, _escape_undecodable)


def csv_table(name: str, stream: BinaryIO, forced: str, errors: list[RowError]) -> Table | None:
    encoding, stream, problem = _sniff(stream)
    if encoding is None:
        errors.append(RowError(name, 0, "", problem))
        return None
    # Undecodable bytes become lone surrogates, so one bad byte is reported on its own
    # line and cell instead of stopping the whole read at the first 8 KB chunk holding it.
    text = io.TextIOWrapper(stream, encoding=encoding.codec, errors=_UNDECODABLE, newline="")
    undecodable: list[int] = []
    lines = _text_lines(text, undecodable)
    first_cells: list[str] | None = None
    number = 0
    try:
        for number, line in enumerate(lines, start=1):
            if undecodable:
                _detach(text)
                message = f"not {encoding.label} text: {_SAVE_AS_UTF8}"
                errors.append(RowError(name, number, "", message))
                return None
            if not line.strip():
                continue
            candidates = [_split(line, delimiter) for delimiter in _delimiters(line)]
            for delimiter, cells in candidates:
                header = match_header(number, cells, forced) if cells else None
                if header is not None:
                    reader = csv.reader(lines, delimiter=delimiter)
                    rows = _csv_rows(
                        name, reader, number, text, undecodable, header, encoding, errors
                    )
                    notes = [encoding.note] if encoding.note else []
                    return Table(header, rows, decimal_comma=delimiter == ";", notes=notes)
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
        if not _readable(line):
            undecodable.append(number)
        yield line


def _readable(text: str) -> bool:
    """Whether text was decoded whole; a NUL counts as undecoded, since no text holds one.

    (Nor can PostgreSQL store one, and cells end up in messages that are stored.)
    """
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _delimiters(line: str) -> tuple[str, ...]:
    common = (";", ",") if line.count(";") > line.count(",") else (",", ";")
    # Excel's "Unicode text" (UTF-16) and some TikTok downloads separate cells by tabs.
    if line.count("\t") > max(line.count(";"), line.count(",")):
        return ("\t", *common)
    return (*common, "\t") if "\t" in line else common


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
    encoding: _Encoding,
    errors: list[RowError],
) -> Iterator[tuple[int, list[str]]]:
    read = 0
    try:
        for row in reader:
            line = offset + read + 1
            read = reader.line_num  # type: ignore[attr-defined]
            if undecodable:
                _report_undecodable(name, line, row, header, encoding, errors)
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
    name: str,
    line: int,
    row: list[str],
    header: Header,
    encoding: _Encoding,
    errors: list[RowError],
) -> None:
    message = (
        f"bytes that are not {encoding.label}, in a file read as {encoding.label}: {_SAVE_AS_UTF8}"
    )
    found = False
    for index, cell in enumerate(row):
        if not _readable(cell):
            column = header.cells[index] if index < len(header.cells) else ""
            errors.append(RowError(name, line, column, message))
            found = True
    if not found:
        errors.append(RowError(name, line, "", message))


def _sniff(stream: BinaryIO) -> tuple[_Encoding | None, BinaryIO, str]:
    """Choose how to decode a text file, or say why it is no text file at all.

    UTF-8 (with or without a BOM) is read as such. UTF-16 is read with a BOM, and without
    one when the NUL bytes of mostly-ASCII text sit at every other byte. Text that is not
    UTF-8 and holds no UTF-8 at all (only bytes UTF-8 cannot start or continue a character
    with) is an old Windows export: Windows-1252, or Latin-1 when it uses one of the five
    bytes Windows-1252 leaves undefined. Text mixing valid UTF-8 with other bytes is read
    as UTF-8, and the other bytes are reported where they are.
    """
    sample, stream = peek(stream, _SNIFF_BYTES)
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        if sample.startswith(b"\xff\xfe\x00\x00"):
            return None, stream, f"UTF-32 text: {_SAVE_AS_UTF8}"
        return _UTF16, stream, ""
    if b"\x00" in sample:
        wide = _utf16_without_bom(sample)
        if wide is None:
            return None, stream, "not a CSV or XLSX file (binary data, not text)"
        return wide, stream, ""
    if sample.startswith(b"\xef\xbb\xbf"):
        return _UTF8, stream, ""
    invalid, valid = _utf8_evidence(sample)
    if not invalid or valid:
        return _UTF8, stream, ""
    if _CP1252_UNDEFINED.isdisjoint(sample):
        note = "read as Windows-1252 text, not UTF-8: save it as CSV UTF-8 to be sure"
        return _Encoding("cp1252", "Windows-1252", note), stream, ""
    note = "read as Latin-1 text, not UTF-8: save it as CSV UTF-8 to be sure"
    return _Encoding("latin-1", "Latin-1", note), stream, ""


def _utf16_without_bom(sample: bytes) -> _Encoding | None:
    """UTF-16 without a BOM, told by where the NULs of its ASCII characters fall."""
    sample = sample[: len(sample) // 2 * 2]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = max(len(sample) // 2, 1)
    if odd >= half * 0.3 and even <= half * 0.01:
        codec = "utf-16-le"
    elif even >= half * 0.3 and odd <= half * 0.01:
        codec = "utf-16-be"
    else:
        return None
    text = codecs.getincrementaldecoder(codec)("replace").decode(sample)
    if "\x00" in text or "\ufffd" in text:
        return None
    return _Encoding(codec, "UTF-16")


def _utf8_evidence(sample: bytes) -> tuple[bool, bool]:
    """Whether text holds bytes that are not UTF-8, and whether it holds UTF-8 beyond ASCII."""
    # Not final: a character cut in two at the end of the sample is no evidence either way.
    text = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(sample)
    if text.isascii():
        return False, False
    return _INVALID.search(text) is not None, _VALID_NON_ASCII.search(text) is not None


def xlsx_table(name: str, stream: BinaryIO, forced: str, errors: list[RowError]) -> Table | None:
    if not isinstance(stream, Workbook):
        # open_upload checks and cuts down what people upload; a workbook handed to parse
        # directly meets the same limits here.
        from imports import parsers

        prepared, problem = prepare_workbook(stream, parsers.MAX_BYTES)
        if prepared is None:
            errors.append(RowError(name, 0, "", problem))
            return None
        stream = prepared
    text = _TextBudget(stream.limit)
    book = None
    # openpyxl raises whatever its zip, XML and style readers raise on a damaged workbook;
    # every one of them means the same thing to the person uploading it.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_row=XLSX_MAX_ROWS, max_col=XLSX_MAX_COLUMNS, values_only=True)
        numbered = enumerate(rows, 1)
        first_cells: list[str] | None = None
        for number, values in numbered:
            if number > HEADER_SEARCH_ROWS:
                break
            cells = [_xlsx_text(value) for value in values]
            if text.spend(cells):
                book.close()
                errors.append(RowError(name, number, "", text.message))
                return None
            if not filled(cells):
                continue
            header = match_header(number, cells, forced)
            if header is not None:
                return Table(header, _xlsx_rows(name, book, numbered, text, errors))
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
    text: _TextBudget,
    errors: list[RowError],
) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        for number, values in numbered:
            if values.count(None) == len(values):
                continue
            cells = [_xlsx_text(value) for value in values]
            if text.spend(cells):
                errors.append(RowError(name, number, "", text.message))
                return
            yield number, cells
    except Exception:
        # See xlsx_table: any failure inside openpyxl is a damaged sheet.
        errors.append(RowError(name, number + 1, "", "the sheet could not be read to the end"))
    finally:
        book.close()


class _TextBudget:
    """The text a sheet's cells may hold in all: as much as the upload's size limit.

    A shared string is stored once and may fill any number of cells, so a small workbook
    can hand out gigabytes of text; a CSV file of the size limit never holds more.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def spend(self, cells: list[str]) -> bool:
        """Count a row's text; True once the sheet holds more than the limit."""
        self.left -= sum(len(cell) for cell in cells)
        return self.left < 0

    @property
    def message(self) -> str:
        mb = 1024 * 1024
        return (
            f"the sheet's cells hold more than {self.limit / mb:g} MB of text, over the size limit"
        )


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


def full_rows(
    table: Table, name: str, width: int, errors: list[RowError]
) -> tuple[list[tuple[int, list[str]]], bool]:
    """The table's filled rows that fit the header's width, and whether any row was filled;
    a filled row of another width becomes an error (`ragged`)."""
    kept = []
    any_filled = False
    for line, row in table.rows:
        if not filled(row):
            continue
        any_filled = True
        if len(row) != width:
            problem = ragged(name, line, row, width)
            if problem is not None:
                errors.append(problem)
                continue
        kept.append((line, row))
    return kept, any_filled


def twice(day: date, handle: str | None, first_line: int) -> str:
    """The error of a day listed again with other figures (first on `first_line`)."""
    who = f" for @{handle}" if handle else ""
    return f"{day.isoformat()}{who} is already on line {first_line} with different figures"

"""Files and readers the parser tests share."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl

from imports import parsers
from imports.parsers import MetricRow, RowError, parse

FILES = Path(__file__).parent / "files"
NEW_YEAR = date(2025, 1, 3)


def read(relative: str) -> bytes:
    return (FILES / relative).read_bytes()


def parse_bytes(
    data: bytes, name: str = "upload.csv", *, as_of: date = NEW_YEAR, format: str = "auto"
) -> tuple[parsers.ParsedFile, list[MetricRow]]:
    parsed = parse(name, io.BytesIO(data), format=format, as_of=as_of)
    # Rows are consumed before errors are read: canonical files report while streaming.
    rows = list(parsed.rows)
    return parsed, rows


def where(errors: list[RowError]) -> list[tuple[int, str]]:
    return [(error.line, error.column) for error in errors]


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def excel_datetime(year: int, month: int, day: int) -> datetime:
    # Excel cells hold date-times without a time zone, and openpyxl refuses aware ones.
    return datetime(year, month, day)  # noqa: DTZ001


def archive(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return buffer.getvalue()


def studio_zip() -> bytes:
    return archive(
        {
            "Overview.csv": read("studio/Overview.csv"),
            "FollowerHistory.csv": read("studio/FollowerHistory.csv"),
            "Content.csv": read("studio/Content.csv"),
            "__MACOSX/._Overview.csv": b"\x00\x05\x16\x07",
        }
    )

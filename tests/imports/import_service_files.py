"""Files, readers and shortcuts the import service tests share."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

import openpyxl

from analytics.models import METRIC_FIELDS, DailyMetric
from imports.services.imports import import_files

FILES = Path(__file__).parent / "files"
NEW_YEAR = date(2025, 1, 5)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def read(relative: str) -> bytes:
    return (FILES / relative).read_bytes()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def snapshot() -> tuple[int, str]:
    """How many day rows there are and a checksum of every figure and timestamp."""
    rows = DailyMetric.objects.order_by("account_id", "date").values_list(
        "account_id", "date", *METRIC_FIELDS, "updated_at"
    )
    digest = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return len(rows), digest


def figures(account, day: date) -> dict:
    return DailyMetric.objects.filter(account=account, date=day).values(*METRIC_FIELDS).get()


def day(handle: str, when: str) -> DailyMetric:
    return DailyMetric.objects.get(account__handle=handle, date=date.fromisoformat(when))


def run(team, files, *, user=None, account=None, as_of=NEW_YEAR, **options):
    return import_files(team=team, user=user, files=files, account=account, as_of=as_of, **options)

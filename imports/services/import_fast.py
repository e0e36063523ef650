"""The PostgreSQL fast path of a canonical CSV import: staged raw by COPY, typed and merged in SQL.

A canonical CSV in the plain form (below) is the common large upload: the product's own
export, or a script's. Rather than read and type every cell in Python, the file's bytes
go to PostgreSQL as they are, by COPY (FORMAT csv), into a temporary table whose figure
columns COPY types itself (bigint, numeric). Then:

1. one aggregate pass checks every figure against the plain form and lists the distinct
   dates and handles;
2. those few hundred or thousand values are read in Python by the very functions the
   parser uses (`iso_date`, the handle's normalisation, the import's accounts), so a date
   or a handle means exactly what it means on the Python path;
3. when none of the file's days exists yet, one plain INSERT writes them all (a day
   twice breaks the unique index); otherwise one more pass makes sure no account and
   day comes twice, and one statement (analytics.writes.days.merge_sql, the one the
   write API runs) skips the days that would not change and upserts the rest.

No Python work is done per row, and nothing is written when nothing changes.

The plain form, which the Python path reads to the same values: UTF-8 (a BOM allowed),
a header of canonical column names only (each once, separated by commas), no quote and
no backslash anywhere in the file, every row as wide as the header, counts as bigint
reads them (digits, a sign, spaces around: Python's int() reads all of these alike; a
negative one only in likes, comments and shares), amounts as numeric reads them, not
negative, under 10**12 and with at most 2 decimals as written, empty cells for unknown
figures, dates as YYYY-MM-DD on or before the reference date, handles of the import's
accounts (each spelled one way), and no account and day twice.

Anything else, and any doubt (a cell outside the plain form, a bad date, an unknown
handle, a repeated day, a byte COPY refuses), rolls the fast path back to its savepoint
and returns False: the caller then reads the whole file on the Python path, which gives
the exact errors (line and column), notes and results. So the fast path never decides
what is wrong with a file; it only imports files that have nothing wrong with them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from analytics.models import DailyMetric, Source
from analytics.writes.days import insert_sql, merge_sql
from imports.parsers.canonical import canonical_used
from imports.parsers.cells import NET_FIELDS
from imports.parsers.days import iso_date
from imports.parsers.headers import match_header
from imports.parsers.records import METRIC_FIELDS, MONEY_FIELDS
from imports.services.import_results import ImportResult
from imports.services.import_rows import Scope

_RAW = "tmp_import_raw"
_CHUNK = 1 << 20
_BOM = b"\xef\xbb\xbf"
# Bytes the plain form never holds: quotes (PostgreSQL and Python's csv module read a
# quote inside a cell differently) and backslashes (a line `\\.` ends COPY's data).
_NOT_PLAIN_BYTES = (b'"', b"\\")
# PostgreSQL 16 reads 0x10, 0o17 and 0b11 as numbers (and 1_000 as Python does); the
# parser calls the first three "not a number". A cell that may be written so sends the
# file to the Python path. Both are looked for cheaply first (a 64 MB file in about
# 0.1 s: one translate and one find, a search that starts at each "_"), then confirmed.
_RADIX_LETTERS = bytes.maketrans(b"XoObB", b"xxxxx")
_RADIX_CELL = re.compile(rb"(?:^|[,\n])[ \t]*[+-]?[ \t]*0[xXoObB]")
_GROUPED_DIGITS = re.compile(rb"_(?<=[0-9]_)[0-9]")
# Bytes kept from the end of a chunk, so that a mark across two chunks is seen.
_OVERLAP = 8


class _NotPlain(Exception):
    """The file is not in the plain form: the Python path reads it instead."""


@dataclass
class _Layout:
    """The header's columns, by their canonical names, and whether it names handles."""

    columns: list[str]
    has_handle: bool

    @property
    def figures(self) -> list[str]:
        return [name for name in self.columns if name in METRIC_FIELDS]


def fast_import(
    name: str,
    stream: BinaryIO,
    *,
    format: str,
    as_of: date,
    scope: Scope,
    result: ImportResult,
) -> bool:
    """Imports one canonical CSV in the plain form inside the caller's transaction.

    Returns True when it did (the result and scope filled as the Python path fills them),
    False when the file is not in the plain form: then nothing was written and the stream
    is back where it was.
    """
    if format not in ("auto", "canonical") or not stream.seekable():
        return False
    start = stream.tell()
    try:
        with transaction.atomic():
            count, accounts, days, created, updated = _import(stream, format, as_of, scope)
    except (_NotPlain, DatabaseError, psycopg.Error):
        stream.seek(start)
        return False
    result.files.append(
        {
            "name": name,
            "format": "canonical",
            "tab": "",
            "count": count,
            "held": f"{count} row{'' if count == 1 else 's'}",
        }
    )
    scope.account_ids.update(accounts)
    for day in (min(days), max(days)):
        scope.seen(accounts[0], day)
    result.created, result.updated = created, updated
    result.unchanged = count - created - updated
    return True


def _import(
    stream: BinaryIO, format: str, as_of: date, scope: Scope
) -> tuple[int, list[int], list[date], int, int]:
    layout = _header(stream, format)
    if not layout.has_handle and scope.account is None:
        raise _NotPlain
    with connection.cursor() as cursor:
        _stage(cursor, stream, layout)
        count, raw_days, raw_handles = _survey(cursor, layout)
        days = _days(raw_days, as_of)
        handles = _handles(raw_handles, scope) if layout.has_handle else {}
        accounts = sorted(handles.values()) if handles else [scope.account.pk]
        source, params = _typed(layout, handles, scope)
        if _any_day(cursor, accounts, days):
            if _repeats(cursor, layout, count, len(days)):
                raise _NotPlain
            cursor.execute(merge_sql(source, source=Source.EXPORT), [timezone.now(), *params])
            created, updated = cursor.fetchone()
        else:
            # A first import of these days: nothing to compare with, every row created.
            # A day twice breaks the unique index, which sends the file down the Python path.
            cursor.execute(insert_sql(source, source=Source.EXPORT), [timezone.now(), *params])
            created, updated = cursor.rowcount, 0
        cursor.execute(f"DROP TABLE {_RAW}")
    return count, accounts, days, created, updated


def _any_day(cursor: Any, accounts: list[int], days: list[date]) -> bool:
    """Whether any of the accounts has a day in the file's span already."""
    cursor.execute(
        f"SELECT EXISTS (SELECT FROM {DailyMetric._meta.db_table} "  # noqa: S608
        "WHERE account_id = ANY(%s) AND date BETWEEN %s AND %s)",
        [accounts, min(days), max(days)],
    )
    return bool(cursor.fetchone()[0])


def _header(stream: BinaryIO, format: str) -> _Layout:
    """The header line's canonical columns; _NotPlain for anything but the plain form."""
    start = stream.tell()
    head = stream.read(64 * 1024)
    stream.seek(start)
    end = head.find(b"\n")
    if end < 0:
        raise _NotPlain
    line = head[:end].removesuffix(b"\r").removeprefix(_BOM)
    if any(mark in line for mark in (*_NOT_PLAIN_BYTES, b";", b"\t", b"\r")):
        raise _NotPlain
    try:
        cells = next(csv.reader([line.decode("ascii")]))
    except (UnicodeDecodeError, StopIteration, csv.Error) as exc:
        raise _NotPlain from exc
    header = match_header(1, cells, format)
    if header is None or header.format != "canonical":
        raise _NotPlain
    used = canonical_used(header)
    # Every column read once: an unknown or repeated column would be an ignored column.
    if len(used) != len(header.keys) or "date" not in used:
        raise _NotPlain
    return _Layout(columns=list(header.keys), has_handle="handle" in used)


def _stage(cursor: Any, stream: BinaryIO, layout: _Layout) -> None:
    """The file's bytes, as they are, into a temporary table: figures typed, the rest text.

    COPY reads counts with bigint's input, which takes digits with a sign and spaces
    around, all of which Python's int() reads to the same number; anything else fails
    the COPY. Amounts go to unconstrained numeric, which keeps every decimal so _survey
    can refuse a third one (numeric(14, 2) would round it away). Dates and handles stay
    text: _days and _handles read them as the parser does.
    """
    columns = ", ".join(layout.columns)
    types = ", ".join(f"{name} {_STAGED_TYPE.get(name, 'text')}" for name in layout.columns)
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{_RAW}")
    cursor.execute(f"CREATE TEMPORARY TABLE {_RAW} ({types}) ON COMMIT DROP")
    # The names are canonical column names, checked by _header.
    with cursor.copy(f"COPY {_RAW} ({columns}) FROM STDIN (FORMAT csv, HEADER true)") as copy:
        tail = b""
        while chunk := stream.read(_CHUNK):
            if any(mark in chunk for mark in _NOT_PLAIN_BYTES) or _other_notation(tail + chunk):
                raise _NotPlain
            tail = chunk[-_OVERLAP:]
            copy.write(chunk)


def _other_notation(data: bytes) -> bool:
    """Whether a cell may hold a number written other than in decimal digits."""
    if b"0x" in data.translate(_RADIX_LETTERS) and _RADIX_CELL.search(data):
        return True
    return _GROUPED_DIGITS.search(data) is not None


def _survey(cursor: Any, layout: _Layout) -> tuple[int, list[str | None], list[str | None]]:
    """One pass: the row count, the distinct date and handle cells, whether figures are plain."""
    sets = "(date), (handle)" if layout.has_handle else "(date)"
    handle = "handle" if layout.has_handle else "NULL::text"
    plain = _plain_figures(layout.figures)
    cursor.execute(
        f"SELECT GROUPING(date), date, {handle}, count(*), bool_and({plain}) "  # noqa: S608
        f"FROM {_RAW} GROUP BY GROUPING SETS ({sets})"
    )
    count = 0
    days: list[str | None] = []
    handles: list[str | None] = []
    for by_handle, raw_day, raw_handle, rows, figures_plain in cursor.fetchall():
        if not figures_plain:
            raise _NotPlain
        if by_handle:
            handles.append(raw_handle)
        else:
            days.append(raw_day)
            count += rows
    if not count:
        raise _NotPlain
    return count, days, handles


def _days(raw_days: list[str | None], as_of: date) -> list[date]:
    """The distinct date cells, read as the parser reads them; _NotPlain for any bad or late one.

    The plain form writes a date exactly as ISO (no spaces around it), so the merge can
    cast the cells: PostgreSQL reads YYYY-MM-DD the same whatever its DateStyle.
    """
    days: list[date] = []
    for raw in raw_days:
        day = iso_date(raw) if raw is not None else None
        if day is None or day > as_of or raw != day.isoformat():
            raise _NotPlain
        days.append(day)
    return days


def _handles(raw_handles: list[str | None], scope: Scope) -> dict[str, int]:
    """Each distinct handle cell resolved as import_rows resolves it, to an account id."""
    handles: dict[str, int] = {}
    for raw in raw_handles:
        handle = raw.strip().lstrip("@").strip().lower() or None if raw is not None else None
        account = scope.by_handle.get(handle) if handle else None
        if account is None or (scope.account is not None and account.pk != scope.account.pk):
            raise _NotPlain
        handles[raw] = account.pk
    if len(set(handles.values())) != len(handles):
        raise _NotPlain
    return handles


def _repeats(cursor: Any, layout: _Layout, count: int, days: int) -> bool:
    """Whether an account and day may come twice (the parser drops or refuses them).

    The date and handle cells read one-to-one as days and accounts (_days, _handles), so
    distinct cells are distinct days of accounts. Their 64-bit hashes are counted: a
    collision only sends the file down the Python path.
    """
    if not layout.has_handle:
        return count != days
    cursor.execute(
        "SELECT count(DISTINCT hashtextextended(date || ',' || handle, 0)) "  # noqa: S608
        f"FROM {_RAW}"
    )
    return cursor.fetchone()[0] != count


_STAGED_TYPE = {name: "numeric" if name in MONEY_FIELDS else "bigint" for name in METRIC_FIELDS}
_UNKNOWN = {
    name: "NULL::numeric(14, 2)" if name in MONEY_FIELDS else "NULL::bigint"
    for name in METRIC_FIELDS
}


def _plain_figures(figures: list[str]) -> str:
    """Whether a row's staged figures are what the parser reads to the same values.

    Counts: never negative but in the net fields, and those above -2**63 (which the
    parser refuses as too large). Amounts: not negative, under 10**12 (which also refuses
    NaN and the infinities) and at most 2 decimals as written ("1.500" is refused too,
    though the parser reads it: a refusal only sends the file down the Python path).
    least() and greatest() skip NULLs (unknown figures); all NULL is plain.
    """
    counts = [name for name in figures if name not in MONEY_FIELDS and name not in NET_FIELDS]
    nets = [name for name in figures if name in NET_FIELDS]
    money = [name for name in figures if name in MONEY_FIELDS]
    tests = []
    if counts:
        tests.append(f"least({', '.join(counts)}) >= 0")
    if nets:
        tests.append(f"least({', '.join(nets)}) > -9223372036854775808")
    if money:
        names = ", ".join(money)
        scales = ", ".join(f"scale({name})" for name in money)
        tests.append(
            f"least({names}) >= 0 AND greatest({names}) < 1e12 AND greatest({scales}) <= 2"
        )
    return " AND ".join(f"coalesce({test}, true)" for test in tests) or "true"


def _figure(name: str) -> str:
    """A staged figure as the merge reads it (checked by _survey)."""
    return f"r.{name}::numeric(14, 2)" if name in MONEY_FIELDS else f"r.{name}"


def _typed(layout: _Layout, handles: dict[str, int], scope: Scope) -> tuple[str, list[Any]]:
    """The staged rows typed, as the FROM item merge_sql reads, with its parameters."""
    present = set(layout.columns)
    figures = [_figure(name) if name in present else _UNKNOWN[name] for name in METRIC_FIELDS]
    pairs = zip(figures, METRIC_FIELDS, strict=True)
    selected = ", ".join(f"{value} AS {name}" for value, name in pairs)
    params: list[Any] = []
    if layout.has_handle:
        account = "h.account_id"
        joins = "JOIN unnest(%s::text[], %s::bigint[]) AS h(cell, account_id) ON h.cell = r.handle"
        params += [list(handles), list(handles.values())]
    else:
        account, joins = "%s::bigint", ""
        params.append(scope.account.pk)
    source = (
        f"(SELECT {account} AS account_id, r.date::date AS date, {selected} "  # noqa: S608
        f"FROM {_RAW} r {joins}) t"
    )
    return source, params

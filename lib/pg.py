"""Bulk upserts on PostgreSQL: COPY rows into a temporary table, then one INSERT ... ON CONFLICT.

For thousands of rows this costs a fraction of a multi-row INSERT with one parameter per
value. Every writer that merges many rows at once (daily metrics, Studio tabs,
scorecards) goes through `copy_upsert`; each writes its own INSERT, since each merges in
its own way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction

# Rows per write to the COPY stream when rows are sent as text lines.
COPY_BATCH = 1000


def copy_upsert(
    *,
    stage: str,
    like: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any] | str],
    upsert: str,
    params: Sequence[Any] = (),
    proceed: Callable[[], bool] | None = None,
    as_text: bool = False,
) -> tuple[int, list[tuple[Any, ...]]]:
    """Stages `rows` in the temporary table `stage`, then runs `upsert`, which reads it.

    The staging table has the types of `columns` in the table `like`. `upsert` (an
    INSERT ... SELECT ... FROM <stage> ... ON CONFLICT) runs with `params` unless
    `proceed`, asked once every row is staged, says no. Returns the number of rows staged
    and whatever `upsert` returns (RETURNING), or [].

    `as_text` sends the rows as COPY text lines, a batch at a time, which is faster but
    only right when no value holds a tab, a newline or a backslash (numbers, dates,
    datetimes and fixed names); None is written as COPY's \\N. A row may then also be a
    line already made by `copy_line` (a caller that makes them while other work streams).

    The names in `stage`, `like` and `columns` come from the callers' code and models,
    never from input.
    """
    names = ", ".join(columns)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{stage}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {names} FROM {like} WITH NO DATA"
        )
        staged = 0
        with cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
            if as_text:
                lines: list[str] = []
                for row in rows:
                    lines.append(row if isinstance(row, str) else copy_line(row))
                    staged += 1
                    if len(lines) == COPY_BATCH:
                        copy.write("".join(lines))
                        lines = []
                copy.write("".join(lines))
            else:
                for row in rows:
                    copy.write_row(row)
                    staged += 1
        written: list[tuple[Any, ...]] = []
        if proceed is None or proceed():
            cursor.execute(upsert, list(params))
            if cursor.description is not None:
                written = cursor.fetchall()
        # Dropped now rather than at commit: the same transaction may stage more rows.
        cursor.execute(f"DROP TABLE {stage}")
    return staged, written


def copy_line(row: Sequence[Any]) -> str:
    """One row in COPY's text format (PostgreSQL docs, COPY, "Text Format").

    Every value's str() is already what the column reads: ints, ISO dates, aware datetimes
    with their offset, Decimals (an exponent such as 0E-12 is valid numeric input). Texts
    are written as they are, so they must hold no tab, newline or backslash; None is \\N.
    """
    return "\t".join(["\\N" if value is None else str(value) for value in row]) + "\n"

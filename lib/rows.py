"""Rows of a hand-written query, their values as the ORM would have given them."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Field


def orm_values(rows: list, columns: Sequence[tuple[Field, str]]) -> list:
    """`rows` with each value converted as the ORM converts its column: `columns` names, in
    the select's order, each column's model field and the alias of its table.

    psycopg already gives PostgreSQL's values as the ORM would (no field converts there),
    so the rows are returned as they are; other backends (the SQLite demo) convert dates,
    times, decimals, UUIDs and booleans.
    """
    if not rows or connection.vendor == "postgresql":
        return rows
    converters = []
    for index, (model_field, alias) in enumerate(columns):
        column = model_field.get_col(alias)
        funcs = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if funcs:
            converters.append((index, funcs, column))
    if not converters:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for index, funcs, column in converters:
            for func in funcs:
                row[index] = func(row[index], column, connection)
        converted.append(row)
    return converted

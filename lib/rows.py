"""Rows of a hand-written query, their values as the ORM would have given them."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Field


class OrmRows:
    """The columns of a hand-written select, each its model field and the alias of its
    table in the select's order, and how to convert a row's values as the ORM converts them.

    What converts a column depends only on its field and the database backend, so it is
    worked out once per backend: on PostgreSQL psycopg gives most values as the ORM would
    and only fields with a conversion of their own (JSON, for one) convert; the SQLite demo
    converts dates, times, decimals, UUIDs and booleans too.
    """

    def __init__(self, columns: Sequence[tuple[Field, str]]) -> None:
        self.columns = tuple(columns)
        self._converters: dict[str, list] = {}

    def converters(self) -> list:
        vendor = connection.vendor
        if vendor not in self._converters:
            converters = []
            for index, (model_field, alias) in enumerate(self.columns):
                column = model_field.get_col(alias)
                funcs = connection.ops.get_db_converters(column) + column.get_db_converters(
                    connection
                )
                if funcs:
                    converters.append((index, funcs, column))
            self._converters[vendor] = converters
        return self._converters[vendor]

    def values(self, rows: list) -> list:
        """`rows` with each value converted as the ORM converts its column."""
        converters = self.converters() if rows else []
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

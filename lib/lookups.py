"""A filter on a column against many ids, with the ids sent as one value.

Django's `__in` makes a parameter of each value: for a thousand ids it prepares each one
through the field and the driver splits and quotes a statement of a thousand
placeholders, which costs more than the database takes to read the rows. `AnyOf` is the
same condition, `column = ANY(%s)`, with the ids as one array parameter (on PostgreSQL;
elsewhere, the demo's SQLite, it is the `IN` list). No ids match nothing, and like `__in`
the statement is then not sent at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import BooleanField, Expression, F


class AnyOf(Expression):
    """`queryset.filter(AnyOf("account_id", ids))`: the rows whose `field` is one of `ids`."""

    conditional = True

    def __init__(self, field: str, values: Iterable[int]) -> None:
        super().__init__(output_field=BooleanField())
        self.column: Any = F(field)
        self.values = list(values)

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if not self.values:
            raise EmptyResultSet
        sql, params = compiler.compile(self.column)
        if connection.vendor == "postgresql":
            return f"{sql} = ANY(%s)", (*params, self.values)
        placeholders = ", ".join(["%s"] * len(self.values))
        return f"{sql} IN ({placeholders})", (*params, *self.values)

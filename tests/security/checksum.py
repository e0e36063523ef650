"""A fingerprint of every row the product writes, to show that a refused request wrote nothing."""

from __future__ import annotations

from django.apps import apps
from django.db import connection

PRODUCT_APPS = ("accounts", "analytics", "strategy", "notifications")


def product_tables() -> list[str]:
    tables = []
    for label in PRODUCT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def checksum(tables: list[str] | None = None) -> dict[str, str]:
    """{table: md5 of all its rows as text, in a stable order}, in one query."""
    tables = tables or product_tables()
    parts = [
        f"SELECT '{table}', md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608 - model table names
        f"FROM {connection.ops.quote_name(table)} t"
        for table in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())

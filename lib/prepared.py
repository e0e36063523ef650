"""Hot statements that PostgreSQL plans once per connection instead of at every run.

Django binds parameters on the client, so nothing it sends can be prepared, and PostgreSQL
plans every statement it receives: for a small statement on a hot path (a checklist tick,
the session read of every request) planning costs more than running it. `fetch` runs one
hand-written statement through a cursor that binds parameters on the server, which
psycopg prepares on first use on each connection (prepare_threshold 0: Django's own
cursors bind on the client and never prepare). It is still Django's cursor wrapper around
it, so the statement is logged and counted like any query, and errors are Django's.

Use it for fixed statements only: each distinct text is one prepared statement per
connection (psycopg keeps the 100 most recent). PgBouncer in transaction mode needs
max_prepared_statements (1.21 or later) for this.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.base import ServerBindingCursor

Params = Sequence[Any] | Mapping[str, Any]


def available(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether `fetch` can run on this database: PostgreSQL only.

    The SQLite demo (config.settings.local) runs the ORM's statements instead: callers
    keep an ORM path for it.
    """
    return connections[using].vendor == "postgresql"


def fetch(sql: str, params: Params, *, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """The rows of the statement `sql` (placeholders %s or %(name)s), prepared."""
    connection = connections[using]
    client = connection.cursor()  # connects, or checks the connection, as any query does
    client.close()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = 0
    with type(client)(ServerBindingCursor(raw), connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.queries_logged and connection.queries_log[-1]["sql"] is None:
        # psycopg keeps no text of a prepared statement's run for Django to log.
        connection.queries_log[-1]["sql"] = sql
    return rows

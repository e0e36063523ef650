"""lib.prepared: a hot statement is prepared on its connection, and counted like any query."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from lib import prepared

pytestmark = pytest.mark.django_db

STATEMENT = "SELECT %(a)s::int + %(b)s::int, 'lib.prepared test'"


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def test_it_returns_the_rows() -> None:
    assert prepared.fetch(STATEMENT, {"a": 2, "b": 3}) == [(5, "lib.prepared test")]
    assert prepared.fetch("SELECT 1 WHERE %s", [False]) == []


def test_it_prepares_the_statement_once_on_the_connection() -> None:
    for n in range(3):
        assert prepared.fetch(STATEMENT, {"a": n, "b": 1})[0][0] == n + 1
    mine = [s for s in prepared_statements() if "lib.prepared test" in s]
    assert len(mine) == 1


def test_it_is_logged_and_counted_with_its_text(django_assert_num_queries) -> None:
    with CaptureQueriesContext(connection) as captured:
        prepared.fetch(STATEMENT, {"a": 1, "b": 1})
        prepared.fetch(STATEMENT, {"a": 1, "b": 2})
    assert [q["sql"] for q in captured.captured_queries] == [STATEMENT, STATEMENT]
    with django_assert_num_queries(1):
        prepared.fetch(STATEMENT, {"a": 1, "b": 1})


def test_it_raises_djangos_errors() -> None:
    with pytest.raises(DatabaseError):
        prepared.fetch("SELECT * FROM no_such_table_here WHERE %s", [True])

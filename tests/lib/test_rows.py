"""lib.rows.OrmRows: a hand-written select's values as the ORM gives them."""

from __future__ import annotations

import pytest
from django.db import connection

from analytics.models import ScorecardRun
from lib.rows import OrmRows
from tests.factories import ScorecardRunFactory, TeamFactory

pytestmark = pytest.mark.django_db

_FIELDS = ("id", "public_id", "team", "account_ids", "end", "days", "created_at")
_ROWS = OrmRows([(ScorecardRun._meta.get_field(name), "r") for name in _FIELDS])
_SQL = (
    f"SELECT {', '.join(f'r.{column.column}' for column, _ in _ROWS.columns)} "  # noqa: S608
    f"FROM {ScorecardRun._meta.db_table} r ORDER BY r.id"
)


def _select() -> list:
    with connection.cursor() as cursor:
        cursor.execute(_SQL)
        return _ROWS.values(cursor.fetchall())


def test_values_are_the_orms_json_uuid_date_and_datetime_included():
    team = TeamFactory()
    ScorecardRunFactory(team=team, account_ids=[3, 1], days=[7, 28])
    ScorecardRunFactory(team=None, scope="all", account_ids=[], days=[90])

    expected = [list(row) for row in ScorecardRun.objects.order_by("id").values_list(*_FIELDS)]

    assert [list(row) for row in _select()] == expected
    # The JSON columns come back decoded (PostgreSQL gives them as text to Django's
    # converters), not as the database's text.
    assert expected[0][3] == [3, 1]


def test_no_rows_are_no_rows():
    assert _select() == []

"""lib.lookups.AnyOf: the rows whose column is one of many ids, the ids as one parameter."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from lib.lookups import AnyOf


def test_it_keeps_the_rows_whose_column_is_one_of_the_ids(
    acmecoffee, acme_deals, globex_main
) -> None:
    chosen = Account.objects.filter(AnyOf("id", [acmecoffee.pk, globex_main.pk, 10**9]))
    assert set(chosen) == {acmecoffee, globex_main}
    assert set(chosen) == set(Account.objects.filter(id__in=[acmecoffee.pk, globex_main.pk, 10**9]))


def test_the_ids_are_one_parameter(acmecoffee, acme_deals) -> None:
    with CaptureQueriesContext(connection) as queries:
        list(Account.objects.filter(AnyOf("team_id", [acmecoffee.team_id, 4, 5, 6])))
    assert "= ANY(" in queries[0]["sql"]
    assert " IN (" not in queries[0]["sql"]


def test_no_ids_match_nothing_without_a_statement(acmecoffee) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert list(Account.objects.filter(AnyOf("id", []))) == []
    assert len(queries) == 0

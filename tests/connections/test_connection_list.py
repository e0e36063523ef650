"""The team's connections page and its list of accounts not connected, a page at a time."""

from __future__ import annotations

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account
from connections.models import Connection
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

LIST = reverse("connections:connection-list", args=["acme"])
NOT_CONNECTED = reverse("connections:connection-not-connected", args=["acme"])


def add_accounts(team, n: int, *, connected: bool) -> list[Account]:  # noqa: ANN001
    accounts = Account.objects.bulk_create(
        AccountFactory.build(team=team, handle=f"{'c' if connected else 'n'}_{i:04}")
        for i in range(n)
    )
    if connected:
        Connection.objects.bulk_create(
            Connection(account=a, source="display", external_id=a.handle, access_token="x")
            for a in accounts
        )
    return accounts


def queries_of(client, url: str) -> int:  # noqa: ANN001
    with CaptureQueriesContext(db) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_both_lists_show_fifty_rows_and_say_how_many_there_are(login, alice, acme) -> None:
    add_accounts(acme, 120, connected=True)
    add_accounts(acme, 70, connected=False)
    html = login(alice).get(LIST).content.decode()
    assert html.count("<tr>") == 1 + 50  # the heading and a page of connections
    assert "Page 1 of 3 (120 connections)" in html and "@c_0049" in html and "@c_0050" not in html
    assert 'href="?page=2" hx-get="?page=2" hx-target="#connections-table"' in html
    assert "Page 1 of 2 (70 accounts)" in html and "@n_0049" in html and "@n_0050" not in html
    assert f'hx-get="{NOT_CONNECTED}?page=2" hx-target="#not-connected"' in html


def test_a_page_of_connections_is_the_table_alone_for_htmx(login, alice, acme) -> None:
    add_accounts(acme, 120, connected=True)
    headers = {"HX-Request": "true", "HX-Target": "connections-table"}
    html = login(alice).get(LIST, {"page": 3}, headers=headers).content.decode()
    assert html.lstrip().startswith('<div id="connections-table">')
    assert "<h1" not in html and "Page 3 of 3 (120 connections)" in html
    assert "@c_0100" in html and "@c_0119" in html and "@c_0099" not in html


def test_the_accounts_not_connected_page_on_alone_and_as_a_section(login, alice, acme) -> None:
    add_accounts(acme, 70, connected=False)
    client = login(alice)
    page = client.get(NOT_CONNECTED, {"page": 2}).content.decode()
    assert "<title>Accounts not connected to TikTok · Playbook</title>" in page
    assert "Page 2 of 2 (70 accounts)" in page and "@n_0050" in page and "@n_0049" not in page
    assert f'href="{LIST}"' in page  # back to the connections
    headers = {"HX-Request": "true", "HX-Target": "not-connected"}
    section = client.get(NOT_CONNECTED, {"page": 2}, headers=headers).content.decode()
    assert section.lstrip().startswith('<div id="not-connected">') and "<h1" not in section
    assert "@n_0069" in section


def test_a_manager_sees_only_the_accounts_they_manage(login, bob, acme, acmecoffee) -> None:
    add_accounts(acme, 3, connected=False)
    client = login(bob)
    for url in (LIST, NOT_CONNECTED):
        html = client.get(url).content.decode()
        assert "@acmecoffee" in html and "@n_0000" not in html


def test_an_empty_not_connected_list_says_so(login, alice, acme) -> None:
    add_accounts(acme, 2, connected=True)
    client = login(alice)
    assert "Not connected" not in client.get(LIST).content.decode()
    assert (
        "Every account you look after is connected." in client.get(NOT_CONNECTED).content.decode()
    )


def test_the_pages_ask_as_many_queries_for_a_thousand_accounts_as_for_ten(
    login, alice, acme
) -> None:
    client = login(alice)
    add_accounts(acme, 5, connected=True)
    add_accounts(acme, 5, connected=False)
    few = queries_of(client, LIST), queries_of(client, NOT_CONNECTED)
    Account.objects.filter(team=acme).delete()
    add_accounts(acme, 500, connected=True)
    add_accounts(acme, 500, connected=False)
    assert (queries_of(client, LIST), queries_of(client, NOT_CONNECTED)) == few

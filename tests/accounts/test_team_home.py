from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_it_requires_login(client, acme) -> None:
    response = client.get(reverse("accounts:account-list", args=["acme"]))
    assert response.status_code == 302 and "/login/" in response.url


def test_it_hides_other_teams(login, charlie, acme, acmecoffee) -> None:
    assert login(charlie).get(reverse("accounts:account-list", args=["acme"])).status_code == 404


def test_it_lists_the_leads_accounts_with_badges(login, alice, acmecoffee, acme_deals) -> None:
    response = login(alice).get(reverse("accounts:account-list", args=["acme"]))
    html = response.content.decode()
    assert "@acmecoffee" in html and "@acme.deals" in html
    assert "pb-official" in html and "pb-marketing" in html
    assert "New account" in html
    assert "<title>Acme accounts · Playbook</title>" in html


def test_it_shows_managers_only_their_accounts_and_no_create_button(
    login, bob, acmecoffee, acme_deals
) -> None:
    html = login(bob).get(reverse("accounts:account-list", args=["acme"])).content.decode()
    assert "@acmecoffee" in html
    assert "@acme.deals" not in html
    assert "New account" not in html


def test_it_filters_by_kind_and_searches_by_handle(login, alice, acmecoffee, acme_deals) -> None:
    client = login(alice)
    html = client.get(
        reverse("accounts:account-list", args=["acme"]), {"kind": "marketing"}
    ).content.decode()
    assert "@acme.deals" in html and "@acmecoffee" not in html
    html = client.get(
        reverse("accounts:account-list", args=["acme"]), {"q": "@COFFEE"}
    ).content.decode()
    assert "@acmecoffee" in html and "@acme.deals" not in html
    html = client.get(
        reverse("accounts:account-list", args=["acme"]), {"q": "nothing"}
    ).content.decode()
    assert "No account matches" in html


def test_it_answers_htmx_with_the_table_only(login, alice, acmecoffee) -> None:
    response = login(alice).get(
        reverse("accounts:account-list", args=["acme"]),
        {"kind": "official"},
        headers={"HX-Request": "true", "HX-Target": "accounts-table"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="accounts-table"')
    assert "<html" not in html and "@acmecoffee" in html
    assert "HX-Request" in response["Vary"]


def test_it_invites_a_lead_to_add_the_first_account(login, alice) -> None:
    html = login(alice).get(reverse("accounts:account-list", args=["acme"])).content.decode()
    assert "No accounts yet" in html and "Add the first account" in html


def test_it_paginates_long_lists(login, alice, acme) -> None:
    AccountFactory.create_batch(55, team=acme)
    client = login(alice)
    first = client.get(reverse("accounts:account-list", args=["acme"])).content.decode()
    url = reverse("accounts:account-list", args=["acme"])
    second = client.get(url, {"page": 2}).content.decode()
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count("/a/account_") == 50 and second.count("/a/account_") == 5


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_makes_as_many_queries_for_200_accounts_as_for_10(login, alice, bob, acme) -> None:
    client = login(alice)
    url = reverse("accounts:account-list", args=["acme"])
    AccountFactory.create_batch(10, team=acme, managers=[bob, alice])
    with_10 = count_queries(client, url)
    AccountFactory.create_batch(190, team=acme, managers=[bob])
    with_200 = count_queries(client, url)
    assert with_10 == with_200

"""lib.htmx.render_partial_for_target, through a page that uses it (the team's accounts)."""

from __future__ import annotations

from django.urls import reverse

URL = reverse("accounts:account-list", args=["acme"])


def test_it_renders_the_whole_page_without_htmx(login, alice, acmecoffee) -> None:
    html = login(alice).get(URL).content.decode()
    assert "<html" in html and 'id="accounts-table"' in html


def test_it_renders_only_the_partial_htmx_targets(login, alice, acmecoffee) -> None:
    headers = {"HX-Request": "true", "HX-Target": "accounts-table"}
    html = login(alice).get(URL, headers=headers).content.decode()
    assert "<html" not in html
    assert "@acmecoffee" in html


def test_it_renders_the_whole_page_for_another_target(login, alice, acmecoffee) -> None:
    headers = {"HX-Request": "true", "HX-Target": "main"}
    html = login(alice).get(URL, headers=headers).content.decode()
    assert "<html" in html and "@acmecoffee" in html

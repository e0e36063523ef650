"""Pages written in the reader's language say so in Vary; the others do not."""

from __future__ import annotations

from django.urls import reverse


def test_the_account_page_varies_on_the_readers_language(login, alice, acmecoffee) -> None:
    url = reverse("accounts:account-detail", args=["acme", acmecoffee.handle])

    response = login(alice).get(url, headers={"Accept-Language": "de"})

    assert response.status_code == 200
    assert "Accept-Language" in response["Vary"]


def test_the_login_page_does_not(client) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert "Accept-Language" not in response.get("Vary", "")

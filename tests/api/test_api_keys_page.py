"""The API keys page of a team's leads, and manage.py create_api_key."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Account
from api.models import ApiKey
from api.selectors import MAX_KEY_HANDLES
from api.services import api_key_create, key_digest
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def page_url(team: str = "acme") -> str:
    return reverse("apikeys:api-key-list", args=[team])


def test_it_requires_login(client, acme) -> None:
    response = client.get(page_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_is_for_leads_only(login, bob) -> None:
    assert login(bob).get(page_url()).status_code == 403
    assert login(bob).post(page_url(), {"name": "x"}).status_code == 403
    assert not ApiKey.objects.exists()


def test_it_hides_other_teams(login, charlie, acme) -> None:
    assert login(charlie).get(page_url()).status_code == 404


def test_it_shows_the_empty_state(login, alice) -> None:
    response = login(alice).get(page_url())
    assert b"No key yet" in response.content
    assert b"<title>Acme API keys" in response.content


def test_it_makes_a_key_and_shows_it_once(login, alice, acmecoffee, call) -> None:
    client = login(alice)
    response = client.post(
        page_url(), {"name": "Looker", "accounts": "@acmecoffee", "hourly_cap": "50"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    assert secret.startswith("pb_")
    assert secret.encode() in response.content
    api_key = ApiKey.objects.get()
    assert api_key.digest == key_digest(secret)
    assert secret not in (api_key.prefix, api_key.name, api_key.digest)
    assert secret.startswith(api_key.prefix)
    assert api_key.created_by == alice
    assert list(api_key.accounts.all()) == [acmecoffee]
    assert api_key.hourly_cap == 50
    # The list shows the prefix, never the key again.
    again = client.get(page_url())
    assert secret.encode() not in again.content
    assert api_key.prefix.encode() in again.content
    assert call("/api/v1/accounts", secret).status_code == 200


def test_it_refuses_an_expiry_in_the_past(login, alice) -> None:
    response = login(alice).post(page_url(), {"name": "Old", "expires_on": "2001-01-01"})
    assert b"Choose a day after today" in response.content
    assert not ApiKey.objects.exists()


def test_it_revokes_a_key(login, alice, acme, call) -> None:
    api_key, secret = api_key_create(team=acme, name="Script", created_by=alice)
    url = reverse("apikeys:api-key-revoke", args=["acme", api_key.public_id])
    response = login(alice).post(url)
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert call("/api/v1/accounts", secret).status_code == 401


def test_it_does_not_revoke_another_teams_key(login, alice, globex, charlie) -> None:
    api_key, _ = api_key_create(team=globex, name="Theirs", created_by=charlie)
    url = reverse("apikeys:api-key-revoke", args=["acme", api_key.public_id])
    assert login(alice).post(url).status_code == 404
    api_key.refresh_from_db()
    assert api_key.revoked_at is None


def test_the_nav_links_leads_to_the_page(login, alice, bob) -> None:
    home = reverse("accounts:team-home", args=["acme"])
    assert page_url().encode() in login(alice).get(home).content


def test_the_command_prints_a_key_once(acme, acmecoffee, acme_deals, call) -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_key",
        "--team=acme",
        "--name=CI",
        "--accounts=acmecoffee",
        "--expires=2099-01-01",
        "--hourly-cap=7",
        stdout=out,
        stderr=err,
    )
    secret = out.getvalue().strip()
    api_key = ApiKey.objects.get()
    assert api_key.digest == key_digest(secret)
    assert api_key.hourly_cap == 7
    assert api_key.expires_at.year == 2099
    assert [a["handle"] for a in call("/api/v1/accounts", secret).json()["items"]] == ["acmecoffee"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--team=nope"], "Unknown team"),
        (["--team=acme", "--accounts=ghost"], "No such account in acme: ghost"),
        (["--team=acme", "--expires=soon"], "is not a day"),
        (["--team=acme", "--expires=2001-01-01"], "The expiry must be in the future"),
        (["--team=acme", "--hourly-cap=0"], "--hourly-cap"),
    ],
)
def test_the_command_explains_bad_input(acme, args, message) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("create_api_key", "--name=x", *args, stdout=StringIO(), stderr=StringIO())
    assert not ApiKey.objects.exists()


def test_a_key_names_its_accounts_by_handle_with_commas_or_spaces(
    login, alice, acmecoffee, acme_deals
) -> None:
    text = " @AcmeCoffee,acme.deals\n@acmecoffee "
    response = login(alice).post(page_url(), {"name": "Two", "accounts": text})
    assert response.context["secret"]
    assert sorted(a.handle for a in ApiKey.objects.get().accounts.all()) == [
        "acme.deals",
        "acmecoffee",
    ]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("acmecoffee, ghost, @globex", "@ghost, @globex"),  # globex is another team's
        ("acmecoffee bad<name>", "@bad<name>"),  # no handle: never asked of PostgreSQL
        ("gone", "@gone"),  # archived
    ],
)
def test_a_key_of_accounts_that_are_not_the_teams_is_refused(
    login, alice, acme, acmecoffee, globex_main, text, named
) -> None:
    AccountFactory(team=acme, handle="gone", archived=True)
    response = login(alice).post(page_url(), {"name": "Wrong", "accounts": text})
    assert response.status_code == 200 and not response.context["secret"]
    assert response.context["form"].errors["accounts"] == [f"No such account in Acme: {named}."]
    assert not ApiKey.objects.exists()


def test_a_key_names_at_most_max_key_handles_accounts(login, alice, acmecoffee) -> None:
    text = " ".join(f"h{n}" for n in range(MAX_KEY_HANDLES + 1))
    response = login(alice).post(page_url(), {"name": "Many", "accounts": text})
    assert f"at most {MAX_KEY_HANDLES} accounts" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_the_page_lists_no_account_whatever_the_team_holds(login, alice, acme) -> None:
    Account.objects.bulk_create(AccountFactory.build(team=acme, handle=f"b{i}") for i in range(300))
    html = login(alice).get(page_url()).content.decode()
    assert "<option" not in html and "@b1" not in html
    assert 'name="accounts"' in html

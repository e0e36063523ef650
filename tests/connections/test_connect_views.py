"""Connecting through the OAuth redirect and callback; the panel, the list, disconnecting."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.urls import reverse

from accounts.models import Role
from connections import tokens
from connections.models import Connection
from connections.services.connect import SESSION_KEY
from tests.connections.conftest import connect
from tests.factories import MembershipFactory


def start(client, account, source: str = "display", data: dict | None = None):  # noqa: ANN001, ANN201
    url = reverse("connections:connection-start", args=[account.team.slug, account.handle, source])
    return client.post(url, data or {})


def consent(location: str) -> dict[str, str]:
    """Follows TikTok's authorize page (the fake consents at once): the callback's query."""
    answer = httpx.get(location, follow_redirects=False)
    assert answer.status_code == 302
    return {
        key: values[-1]
        for key, values in parse_qs(urlsplit(answer.headers["Location"]).query).items()
    }


@pytest.mark.django_db
def test_it_tells_a_lead_who_sets_the_keys_up_without_variable_names(
    login, alice, acmecoffee, root, settings
) -> None:
    settings.TIKTOK_CLIENT_KEY = ""
    settings.TIKTOK_CLIENT_SECRET = "set"
    settings.PLAYBOOK_TOKEN_KEYS = []
    root.email = "root@example.com"
    root.save()
    page = login(alice).get(
        reverse("connections:connection-start", args=["acme", "acmecoffee", "display"])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "TIKTOK_CLIENT_KEY" not in text and "PLAYBOOK_TOKEN_KEYS" not in text
    assert "whoever runs Playbook's server registers the app" in text
    assert "(here: root (root@example.com))" in text
    guide = reverse("connections:connection-setup-guide", args=["acme"])
    assert f'href="{guide}"' in text
    assert "# TikTok" in login(alice).get(guide).content.decode()
    assert start(login(alice), acmecoffee).status_code == 200  # no redirect anywhere


@pytest.mark.django_db
def test_it_names_the_variables_to_a_superuser(login, acme, acmecoffee, root, settings) -> None:
    MembershipFactory(team=acme, user=root, role=Role.LEAD)
    settings.TIKTOK_CLIENT_KEY = ""
    settings.TIKTOK_CLIENT_SECRET = "set"
    settings.PLAYBOOK_TOKEN_KEYS = []
    page = login(root).get(
        reverse("connections:connection-start", args=["acme", "acmecoffee", "display"])
    )
    text = page.content.decode()
    assert "TIKTOK_CLIENT_KEY" in text and "PLAYBOOK_TOKEN_KEYS" in text
    assert "TIKTOK_CLIENT_SECRET" not in text


@pytest.mark.django_db
def test_it_connects_through_the_redirect_and_callback(tiktok, login, alice, acmecoffee) -> None:
    client = login(alice)
    response = start(client, acmecoffee)
    assert response.status_code == 302
    assert response.url.startswith(f"{tiktok.url}/v2/auth/authorize/?client_key=fake-client-key")
    query = parse_qs(urlsplit(response.url).query)
    assert query["scope"] == ["user.info.basic,user.info.stats,video.list"]
    assert query["redirect_uri"] == ["http://testserver/connections/tiktok/callback/"]
    back = client.get(reverse("tiktok-callback"), consent(response.url))
    assert back.status_code == 302 and back.url == "/t/acme/a/acmecoffee/"
    connection = Connection.objects.get(account=acmecoffee)
    assert connection.external_id == "open-id-acmecoffee"
    assert tokens.decrypt(connection.access_token) in tiktok.state.access_tokens
    assert connection.access_token not in tiktok.state.access_tokens  # encrypted at rest
    page = client.get(back.url).content.decode()
    assert "Connected" in page and "Sync now" in page
    assert tokens.decrypt(connection.access_token) not in page


@pytest.mark.django_db
def test_it_refuses_a_state_it_did_not_issue_and_uses_each_once(
    tiktok, login, alice, acmecoffee
) -> None:
    client = login(alice)
    params = consent(start(client, acmecoffee).url)
    forged = client.get(reverse("tiktok-callback"), params | {"state": "made-up"})
    assert forged.status_code == 400
    assert "start connecting again" in forged.content.decode()
    assert client.get(reverse("tiktok-callback"), params).status_code == 302
    again = client.get(reverse("tiktok-callback"), params)
    assert again.status_code == 400
    assert Connection.objects.count() == 1
    assert client.session[SESSION_KEY] == {}


@pytest.mark.django_db
def test_it_binds_the_state_to_the_session_that_asked(
    tiktok, client, alice, acmecoffee, django_user_model
) -> None:
    from django.test import Client

    client.force_login(alice)
    params = consent(start(client, acmecoffee).url)
    other = Client()
    other.force_login(alice)  # the same person, another session
    assert other.get(reverse("tiktok-callback"), params).status_code == 400
    assert not Connection.objects.exists()


@pytest.mark.django_db
def test_it_reports_a_denied_authorization_without_a_connection(
    tiktok, login, alice, acmecoffee
) -> None:
    client = login(alice)
    params = consent(start(client, acmecoffee).url)
    denied = {
        "state": params["state"],
        "error": "access_denied",
        "error_description": "User canceled",
    }
    answer = client.get(reverse("tiktok-callback"), denied)
    assert answer.status_code == 400
    assert "User canceled" in answer.content.decode()
    assert not Connection.objects.exists()


@pytest.mark.django_db
def test_it_connects_ads_for_the_advertiser_entered(tiktok, login, alice, acme_deals) -> None:
    tiktok.state.advertiser_ids = ["111", "222"]
    client = login(alice)
    bad = start(client, acme_deals, "ads", {"advertiser_id": "12ab"})
    assert bad.status_code == 200 and "digits only" in bad.content.decode()
    response = start(client, acme_deals, "ads", {"advertiser_id": "222"})
    assert response.url.startswith(f"{tiktok.url}/portal/auth?app_id=")
    assert client.get(reverse("tiktok-callback"), consent(response.url)).status_code == 302
    assert Connection.objects.get(account=acme_deals, source="ads").external_id == "222"


@pytest.mark.django_db
def test_it_offers_ads_only_to_marketing_accounts(tiktok, login, alice, acmecoffee) -> None:
    assert start(login(alice), acmecoffee, "ads").status_code == 404


@pytest.mark.django_db
def test_it_lets_only_leads_connect_and_hides_other_teams(
    tiktok, login, bob, charlie, acmecoffee
) -> None:
    assert start(login(bob), acmecoffee).status_code == 403
    assert start(login(charlie), acmecoffee).status_code == 404


@pytest.mark.django_db
def test_it_disconnects_and_deletes_the_tokens(tiktok, login, alice, acmecoffee) -> None:
    connection = connect(tiktok, acmecoffee)
    url = reverse("connections:connection-disconnect", args=["acme", connection.public_id])
    assert login(alice).post(url).status_code == 302
    assert not Connection.objects.exists()


@pytest.mark.django_db
def test_it_lists_the_teams_connections_and_their_state(
    tiktok, login, alice, bob, acmecoffee, acme_deals
) -> None:
    connection = connect(tiktok, acmecoffee)
    Connection.objects.filter(pk=connection.pk).update(
        status="reconnect", last_error="Refresh refused."
    )
    page = login(alice).get(reverse("connections:connection-list", args=["acme"])).content.decode()
    assert "@acmecoffee" in page and "Needs reconnecting" in page and "Refresh refused." in page
    assert "@acme.deals" in page  # not connected yet
    managed = login(bob).get(reverse("connections:connection-list", args=["acme"])).content.decode()
    assert "@acmecoffee" in managed and "@acme.deals" not in managed


@pytest.mark.django_db
def test_it_shows_an_empty_state_without_connections(login, alice, acme) -> None:
    page = login(alice).get(reverse("connections:connection-list", args=["acme"])).content.decode()
    assert "No account is connected yet" in page


@pytest.mark.django_db
def test_it_rechecks_the_lead_role_at_the_callback(tiktok, login, alice, acmecoffee) -> None:
    client = login(alice)
    params = consent(start(client, acmecoffee).url)
    alice.memberships.update(role="manager")
    answer = client.get(reverse("tiktok-callback"), params)
    assert answer.status_code == 400
    assert "Only a lead" in answer.content.decode()
    assert not Connection.objects.exists()


@pytest.mark.django_db
def test_it_asks_for_a_valid_token_key_before_connecting(
    tiktok, login, alice, acmecoffee, settings
) -> None:
    settings.PLAYBOOK_TOKEN_KEYS = ["not-a-fernet-key"]
    page = start(login(alice), acmecoffee)
    assert page.status_code == 200
    # A lead is told who sets the keys up; the variable's name is for superusers.
    assert "API keys are not set up on this server yet" in page.content.decode()
    assert "PLAYBOOK_TOKEN_KEYS" not in page.content.decode()


@pytest.mark.django_db
def test_it_shows_connections_to_the_admin_without_tokens(tiktok, login, root, acmecoffee) -> None:
    connection = connect(tiktok, acmecoffee)
    client = login(root)
    listing = client.get(reverse("admin:connections_connection_changelist"))
    detail = client.get(reverse("admin:connections_connection_change", args=[connection.pk]))
    assert listing.status_code == detail.status_code == 200
    for page in (listing, detail):
        text = page.content.decode()
        assert connection.access_token not in text
        assert tokens.decrypt(connection.access_token) not in text


@pytest.mark.django_db
def test_it_asks_which_advertiser_when_tiktok_authorizes_several(
    tiktok, login, alice, acme_deals
) -> None:
    tiktok.state.advertiser_ids = ["111", "222"]
    client = login(alice)
    answer = client.get(reverse("tiktok-callback"), consent(start(client, acme_deals, "ads").url))
    assert answer.status_code == 400
    assert "authorized 2 advertisers" in answer.content.decode()
    assert not Connection.objects.exists()

"""Share links: a lead shares one report read-only; /r/<token>/ needs no login, shows that
report only, is not indexed, and stops (410) when revoked or expired."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Role
from lib.dates import today
from reports.models import ShareLink
from tests.analytics.chunked import accounts_with_history

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2025-03-01", "end": "2025-03-28", "compare": "previous"}


def create_url(team: str = "acme") -> str:
    return reverse("reports:share-create", args=[team])


def share(client: Client, *, account: str = "", expires_on=None, team: str = "acme"):
    expires_on = expires_on or today() + timedelta(days=7)
    data = {**PERIOD, "account": account, "expires_on": expires_on.isoformat()}
    return client.post(create_url(team), data)


def shared_url(response) -> str:
    match = re.search(
        r'value="(http://testserver/r/[A-Za-z0-9_-]{43}/)"', response.content.decode()
    )
    assert match, "the new link is shown once"
    return match[1].removeprefix("http://testserver")


@pytest.fixture
def accounts(acme, bob):
    accounts = accounts_with_history(acme, 2, seed=9)
    accounts[0].managers.add(bob)
    return accounts


def test_it_shows_an_account_s_report_without_login(login, alice, accounts) -> None:
    created = share(login(alice), account=accounts[0].handle)
    assert created.status_code == 200
    path = shared_url(created)

    response = Client().get(path)

    assert response.status_code == 200
    body = response.content.decode()
    assert f"@{accounts[0].handle}: report" in body
    assert accounts[1].handle not in body
    assert '<meta name="robots" content="noindex, nofollow">' in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "private, no-store"
    # Read-only: no form, no link into the product.
    assert "<form" not in body and "/t/acme/" not in body
    # The PDF of the same report.
    pdf = Client().get(path, {"format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_it_shows_a_team_report_without_login(login, alice, accounts) -> None:
    path = shared_url(share(login(alice)))
    response = Client().get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Acme: team report" in body
    for account in accounts:
        assert f"@{account.handle}" in body


def test_it_stores_only_a_hash_of_the_token(login, alice, accounts) -> None:
    path = shared_url(share(login(alice)))
    token = path.split("/")[2]
    link = ShareLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ShareLink.objects.values().get())


def test_it_stops_when_revoked(login, alice, accounts) -> None:
    client = login(alice)
    path = shared_url(share(client))
    link = ShareLink.objects.get()
    listing = client.get(reverse("reports:share-list", args=["acme"]))
    assert str(link.public_id) in listing.content.decode()

    revoked = client.post(reverse("reports:share-revoke", args=["acme", link.public_id]))

    assert revoked.status_code == 302
    response = Client().get(path)
    assert response.status_code == 410
    assert "revoked" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    listing = client.get(reverse("reports:share-list", args=["acme"]))
    assert str(link.public_id) not in listing.content.decode()
    assert "No active links" in listing.content.decode()


def test_it_stops_after_its_last_day(login, alice, accounts) -> None:
    last_day = today() + timedelta(days=2)
    path = shared_url(share(login(alice), expires_on=last_day))
    anonymous = Client()
    with time_machine.travel(last_day.isoformat() + "T12:00:00", tick=False):
        assert anonymous.get(path).status_code == 200
    with time_machine.travel((last_day + timedelta(days=1)).isoformat() + "T12:00:00", tick=False):
        response = anonymous.get(path)
        assert response.status_code == 410
        assert "expired" in response.content.decode()


def test_it_stops_when_its_lead_no_longer_leads(login, alice, acme, accounts) -> None:
    path = shared_url(share(login(alice)))
    Membership.objects.filter(user=alice, team=acme).update(role=Role.MANAGER)
    assert Client().get(path).status_code == 410


def test_it_answers_404_to_an_unknown_token(db) -> None:
    assert Client().get("/r/" + "a" * 43 + "/").status_code == 404
    assert Client().get("/r/short/").status_code == 404


def test_it_lets_only_leads_share(login, bob, accounts) -> None:
    response = share(login(bob), account=accounts[0].handle)
    assert response.status_code == 403
    assert not ShareLink.objects.exists()


def test_it_hides_another_team_s_report(login, charlie, globex_main, accounts) -> None:
    # Another team's account under one's own team, and another team altogether: 404.
    assert share(login(charlie), account=accounts[0].handle, team="globex").status_code == 404
    assert share(login(charlie), team="acme").status_code == 404
    assert not ShareLink.objects.exists()


def test_it_refuses_a_past_expiry_or_a_bad_period(login, alice, accounts) -> None:
    client = login(alice)
    response = share(client, expires_on=today() - timedelta(days=1))
    assert response.status_code == 200
    assert "has passed" in response.content.decode()
    bad = {**PERIOD, "start": "2025-04-01", "expires_on": today().isoformat()}
    response = client.post(create_url(), bad)
    assert "after it ends" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_it_hides_the_list_from_managers_and_other_teams(login, bob, charlie, accounts) -> None:
    assert login(bob).get(reverse("reports:share-list", args=["acme"])).status_code == 403
    assert login(charlie).get(reverse("reports:share-list", args=["acme"])).status_code == 404

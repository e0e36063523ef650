from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Account
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = {
    "handle": "@Acme.Promo",
    "display_name": "Acme Promo",
    "kind": "marketing",
    "primary_goal": "",
    "goal_note": "",
    "currency": "eur",
    "target_engagement_rate": "3",
    "target_follower_growth": "2",
    "target_ctr": "1.5",
    "target_conversion_rate": "2",
    "target_roi": "100",
}


def test_it_creates_an_account_with_targets_typed_as_percentages(login, alice, bob) -> None:
    response = login(alice).post(
        reverse("accounts:account-create", args=["acme"]), NEW | {"managers": [bob.pk]}
    )
    assert response.status_code == 302
    account = Account.objects.get(handle="acme.promo")
    assert response.url == reverse("accounts:account-detail", args=["acme", "acme.promo"])
    assert account.target_ctr == Decimal("0.015")
    assert account.target_roi == Decimal("1")
    assert account.primary_goal == "conversions"
    assert account.currency == "EUR"
    assert list(account.managers.all()) == [bob]


def test_it_reports_invalid_input_next_to_the_field(login, alice, acmecoffee) -> None:
    data = NEW | {"handle": "acmecoffee", "target_ctr": "-2", "currency": "eu"}
    response = login(alice).post(reverse("accounts:account-create", args=["acme"]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "@acmecoffee is already an account of this team." in html
    assert "greater than or equal to 0" in html
    assert "three-letter ISO 4217" in html
    assert Account.objects.count() == 1


def test_it_forbids_managers_to_create_or_edit(login, bob, acmecoffee) -> None:
    client = login(bob)
    assert client.post(reverse("accounts:account-create", args=["acme"]), NEW).status_code == 403
    edit = reverse("accounts:account-edit", args=["acme", "acmecoffee"])
    assert client.post(edit, NEW | {"handle": "acmecoffee"}).status_code == 403
    assert not Account.objects.filter(handle="acme.promo").exists()


def test_it_hides_accounts_a_manager_does_not_manage(login, bob, acme_deals) -> None:
    assert (
        login(bob).get(reverse("accounts:account-detail", args=["acme", "acme.deals"])).status_code
        == 404
    )


def test_it_hides_other_teams_accounts(login, charlie, acmecoffee) -> None:
    client = login(charlie)
    assert (
        client.get(reverse("accounts:account-detail", args=["acme", "acmecoffee"])).status_code
        == 404
    )
    assert (
        client.post(reverse("accounts:account-archive", args=["acme", "acmecoffee"])).status_code
        == 404
    )


def test_it_shows_targets_as_percentages_and_the_goal_warning(login, alice, acmecoffee) -> None:
    acmecoffee.primary_goal = "campaign_roi"
    acmecoffee.save()
    html = (
        login(alice)
        .get(reverse("accounts:account-detail", args=["acme", "acmecoffee"]))
        .content.decode()
    )
    assert "5.0%" in html and "100.0%" in html
    assert "Goal and kind do not match" in html
    assert "<title>@acmecoffee · Playbook</title>" in html


def test_it_edits_an_account(login, alice, acmecoffee) -> None:
    edit = reverse("accounts:account-edit", args=["acme", "acmecoffee"])
    client = login(alice)
    form = client.get(edit).content.decode()
    assert 'value="5"' in form  # engagement target shown as a percentage
    data = NEW | {"handle": "acmecoffee", "kind": "official", "target_engagement_rate": "6.5"}
    assert client.post(edit, data).status_code == 302
    acmecoffee.refresh_from_db()
    assert acmecoffee.target_engagement_rate == Decimal("0.065")
    assert list(acmecoffee.managers.all()) == []


def test_it_archives_and_restores(login, alice, acmecoffee) -> None:
    client = login(alice)
    url = reverse("accounts:account-archive", args=["acme", "acmecoffee"])
    client.post(url, {"archived": "1"})
    acmecoffee.refresh_from_db()
    assert acmecoffee.archived
    assert (
        "/a/acmecoffee/"
        not in client.get(reverse("accounts:account-list", args=["acme"])).content.decode()
    )
    client.post(url, {"archived": "0"})
    acmecoffee.refresh_from_db()
    assert not acmecoffee.archived


def test_it_refreshes_default_targets_for_the_chosen_kind(login, alice) -> None:
    response = login(alice).get(
        reverse("accounts:account-form-defaults", args=["acme"]),
        {"kind": "marketing", "primary_goal": "brand_image"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<fieldset id="targets"')
    assert 'name="target_engagement_rate" value="3"' in html
    assert 'name="target_follower_growth" value="2"' in html
    assert 'hx-swap-oob="true"' in html and "brand image is usually" in html


def test_it_refreshes_only_the_goal_warning(login, alice) -> None:
    html = (
        login(alice)
        .get(
            reverse("accounts:account-form-defaults", args=["acme"]),
            {"kind": "official", "primary_goal": "conversions", "part": "goal"},
            headers={"HX-Request": "true"},
        )
        .content.decode()
    )
    assert html.lstrip().startswith('<div id="goal-warning"')
    assert "authentic voice" in html and "target_" not in html


def test_it_shows_members_to_leads(login, alice, bob, acmecoffee) -> None:
    html = login(alice).get(reverse("accounts:member-list", args=["acme"])).content.decode()
    assert "bob" in html and "@acmecoffee" in html and "Manager" in html


def test_it_names_every_manager_of_the_account_for_a_manager_too(login, bob, acmecoffee) -> None:
    dave = UserFactory(username="dave", first_name="Dave", last_name="<Lister>")
    erin = UserFactory(username="erin", first_name="", last_name="")
    for user in (dave, erin):
        MembershipFactory(team=acmecoffee.team, user=user, role="manager")
    acmecoffee.managers.add(erin, dave)
    html = (
        login(bob)
        .get(reverse("accounts:account-detail", args=["acme", "acmecoffee"]))
        .content.decode()
    )
    # By username, the full name where there is one, escaped; bob, who asks, is one of three.
    assert re.search(r"Managers</dt><dd[^>]*>bob, Dave &lt;Lister&gt;, erin</dd>", html)

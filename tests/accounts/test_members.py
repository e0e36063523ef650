from __future__ import annotations

import re
import time

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account, Invitation, Membership, Role
from accounts.services import member_add
from tests.factories import AccountFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MEMBERS = reverse("accounts:member-list", args=["acme"])
INVITE = reverse("accounts:member-invite", args=["acme"])


def role_url(username: str) -> str:
    return reverse("accounts:member-role", args=["acme", username])


def remove_url(username: str) -> str:
    return reverse("accounts:member-remove", args=["acme", username])


def invited_link(login, alice, email: str = "erin@example.com", role: str = "manager") -> str:
    response = login(alice).post(INVITE, {"email": email, "role": role})
    assert response.status_code == 302
    body = mail.outbox[-1].body
    link = re.search(r"http://\S+/invitations/\S+/", body).group(0)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_it_requires_login(client) -> None:
    response = client.get(MEMBERS)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_mails_a_signed_link_and_lists_the_open_invitation(login, alice, settings) -> None:
    settings.PLAYBOOK_BASE_URL = "https://playbook.example"
    response = login(alice).post(INVITE, {"email": "Erin@Example.com", "role": "manager"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Erin@example.com"]
    assert message.subject == "Join Acme on Playbook"
    assert "https://playbook.example/invitations/" in message.body
    assert "alice invites you to join Acme" in message.body
    page = login(alice).get(MEMBERS).content.decode()
    assert "Erin@example.com as manager" in page


def test_it_shows_invalid_invitations_next_to_the_field(login, alice) -> None:
    response = login(alice).post(INVITE, {"email": "not an address", "role": "manager"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_it_undoes_the_invitation_when_the_mail_fails(login, alice, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("accounts.services.send_mail", refuse)
    response = login(alice).post(INVITE, {"email": "erin@example.com", "role": "manager"})
    assert response.status_code == 200
    assert "could not be mailed" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_new_user_joins_through_the_link_once(client, login, alice) -> None:
    path = invited_link(login, alice)
    client.logout()
    page = client.get(path)
    assert page.status_code == 200 and "Join Acme" in page.content.decode()
    data = {
        "username": "erin",
        "password1": "a long pass phrase 1",
        "password2": "a long pass phrase 1",
    }
    response = client.post(path, data)
    assert response.status_code == 302
    assert response.url == reverse("accounts:team-home", args=["acme"])
    membership = Membership.objects.get(user__username="erin")
    assert membership.role == Role.MANAGER and membership.user.email == "erin@example.com"
    # Used once: the link now says it does not work.
    client.logout()
    again = client.get(path)
    assert "does not work" in again.content.decode()
    assert client.post(path, data | {"username": "erin2"}).status_code == 200
    assert not Membership.objects.filter(user__username="erin2").exists()


def test_a_signed_in_user_joins_with_their_login(client, login, alice, charlie) -> None:
    path = invited_link(login, alice, email="charlie@example.com", role="lead")
    response = login(charlie).post(path)
    assert response.status_code == 302
    assert Membership.objects.get(user=charlie, team__slug="acme").role == Role.LEAD


def test_an_expired_or_forged_link_does_not_work(client, login, alice, monkeypatch) -> None:
    path = invited_link(login, alice)
    client.logout()
    assert "does not work" in client.get(path[:-3] + "xx/").content.decode()
    monkeypatch.setattr("accounts.selectors.INVITATION_DAYS", 0)
    # A second and more later (the link's timestamp is in whole seconds), without waiting.
    with time_machine.travel(time.time() + 1.1):
        assert "does not work" in client.get(path).content.decode()


def test_a_withdrawn_invitation_stops_working(client, login, alice) -> None:
    path = invited_link(login, alice)
    invitation = Invitation.objects.get()
    url = reverse("accounts:invitation-revoke", args=["acme", invitation.public_id])
    assert login(alice).post(url).status_code == 302
    client.logout()
    assert "does not work" in client.get(path).content.decode()


def test_it_changes_roles_and_drops_links_that_no_longer_apply(
    login, alice, bob, acmecoffee
) -> None:
    response = login(alice).post(role_url("bob"), {"role": "lead"})
    assert response.status_code == 302
    assert Membership.objects.get(user=bob).role == Role.LEAD
    assert list(acmecoffee.managers.all()) == []
    # Made a manager again, bob starts with no accounts rather than the old ones.
    login(alice).post(role_url("bob"), {"role": "manager"})
    assert Membership.objects.get(user=bob).role == Role.MANAGER
    assert list(acmecoffee.managers.all()) == []


def test_the_last_lead_cannot_be_demoted_or_removed(login, alice) -> None:
    client = login(alice)
    response = client.post(role_url("alice"), {"role": "manager"}, follow=True)
    assert "only lead" in response.content.decode()
    response = client.post(remove_url("alice"), follow=True)
    assert "only lead" in response.content.decode()
    assert Membership.objects.get(user=alice).role == Role.LEAD


def test_a_lead_may_step_down_when_another_lead_remains(login, alice, acme) -> None:
    other = UserFactory(username="olive")
    MembershipFactory(team=acme, user=other, role=Role.LEAD)
    assert login(alice).post(role_url("alice"), {"role": "manager"}).status_code == 302
    assert Membership.objects.get(user=alice).role == Role.MANAGER


def test_removing_a_member_removes_their_links_and_re_adding_starts_clean(
    login, alice, bob, acme, acmecoffee
) -> None:
    response = login(alice).post(remove_url("bob"))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=bob).exists()
    assert list(acmecoffee.managers.all()) == []
    page = login(alice).get(reverse("accounts:account-detail", args=["acme", "acmecoffee"]))
    assert re.search(r"Managers</dt><dd[^>]*>none</dd>", page.content.decode())
    member_add(team=acme, username="bob", role="manager")
    assert not Account.objects.visible_to(bob).exists()


def test_re_adding_drops_links_left_from_before(acme, bob, acmecoffee) -> None:
    # A link left behind by a removal outside the services (the admin, old data).
    Membership.objects.filter(user=bob).delete()
    member_add(team=acme, username="bob", role="manager")
    assert list(acmecoffee.managers.all()) == []


def test_managers_cannot_manage_members(login, bob, alice) -> None:
    client = login(bob)
    assert client.get(MEMBERS).status_code == 403
    assert client.post(INVITE, {"email": "x@example.com", "role": "lead"}).status_code == 403
    assert client.post(role_url("bob"), {"role": "lead"}).status_code == 403
    assert client.post(remove_url("alice")).status_code == 403
    assert Membership.objects.get(user=bob).role == Role.MANAGER


def test_it_hides_other_teams_members(login, charlie, alice) -> None:
    client = login(charlie)
    assert client.post(remove_url("alice")).status_code == 404
    globex_remove = reverse("accounts:member-remove", args=["globex", "alice"])
    assert client.post(globex_remove).status_code == 404
    assert Membership.objects.filter(user=alice).exists()


def managed_by(user, team, n: int, prefix: str = "m") -> list[Account]:  # noqa: ANN001
    accounts = Account.objects.bulk_create(
        AccountFactory.build(team=team, handle=f"{prefix}_{i:04}") for i in range(n)
    )
    Account.managers.through.objects.bulk_create(
        Account.managers.through(account=account, user=user) for account in accounts
    )
    return accounts


def test_a_manager_of_many_accounts_shows_ten_and_links_the_rest(
    login, alice, bob, acme, acmecoffee
) -> None:
    client = login(alice)
    managed_by(bob, acme, 4)
    with CaptureQueriesContext(connection) as few:
        html = client.get(MEMBERS).content.decode()
    assert "@m_0003" in html and " more<" not in html  # bob's 5 accounts, all named
    managed_by(bob, acme, 995, prefix="z")
    with CaptureQueriesContext(connection) as many:
        html = client.get(MEMBERS).content.decode()
    assert len(many) == len(few)
    assert "@acmecoffee" in html and "@m_0003" in html and "@z_0000" in html
    assert "@z_0005" not in html  # the first ten by handle: acmecoffee, m_0000-0003, z_0000-4
    link = reverse("accounts:account-list", args=["acme"]) + "?manager=bob"
    assert (
        f'and <a href="{link}">990 more<span class="visually-hidden"> accounts bob manages' in html
    )


def test_the_account_list_shows_one_managers_accounts(login, alice, bob, acme, acme_deals) -> None:
    managed_by(bob, acme, 3)
    client = login(alice)
    html = client.get(reverse("accounts:account-list", args=["acme"]), {"manager": "bob"}).content
    html = html.decode()
    assert "The accounts bob manages." in html and "Show every account" in html
    assert "@m_0002" in html and "@acme.deals" not in html
    assert '<input type="hidden" name="manager" value="bob"' in html  # kept by the filters
    nobody = client.get(reverse("accounts:account-list", args=["acme"]), {"manager": "charlie"})
    assert "No account matches these filters." in nobody.content.decode()

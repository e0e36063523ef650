from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Membership
from notifications.models import DigestDelivery, DigestFrequency, DigestPreference

pytestmark = pytest.mark.django_db

URL = reverse("notifications:profile")
PREVIEW = reverse("notifications:digest-preview")


def test_it_requires_login(client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response.url


def test_it_shows_the_email_and_the_digest_choice(login, alice) -> None:
    alice.email = "alice@example.com"
    alice.save()
    html = login(alice).get(URL).content.decode()
    assert "<title>Your profile · Playbook</title>" in html
    assert 'value="alice@example.com"' in html
    assert 'value="weekly"' in html and "checked" in html
    assert "Send me a preview now" in html


def test_it_saves_the_email_and_the_choice(login, alice) -> None:
    response = login(alice).post(URL, {"email": "a@example.com", "digest": "never"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "a@example.com"
    assert DigestPreference.objects.get(user=alice).frequency == DigestFrequency.NEVER


def test_it_refuses_a_bad_address_and_writes_nothing(login, alice) -> None:
    response = login(alice).post(URL, {"email": "not an address", "digest": "sometimes"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in html and "Select a valid choice." in html
    alice.refresh_from_db()
    assert alice.email == "" and not DigestPreference.objects.exists()


def test_it_sends_a_preview_now(login, inbox, alice, acmecoffee) -> None:
    alice.email = "alice@example.com"
    alice.save()
    response = login(alice).post(PREVIEW, follow=True)
    assert "A preview of your digest was sent to alice@example.com." in response.content.decode()
    [mail] = inbox.to("alice@example.com")
    assert "@acmecoffee" in mail.part("text/plain")
    assert DigestDelivery.objects.get().preview


def test_it_asks_for_an_address_before_a_preview(login, inbox, alice) -> None:
    response = login(alice).post(PREVIEW, follow=True)
    assert "Add your e-mail address first" in response.content.decode()
    assert not inbox.received


def test_add_member_takes_an_email(acme) -> None:
    call_command(
        "add_member",
        "--team",
        "acme",
        "--username",
        "erin",
        "--role",
        "manager",
        "--email",
        "erin@example.com",
    )
    assert Membership.objects.get(user__username="erin").user.email == "erin@example.com"
    with pytest.raises(CommandError, match="email: 'nope' is not an e-mail address"):
        call_command(
            "add_member", "--team", "acme", "--username", "fay", "--role", "lead", "--email", "nope"
        )
    assert not Membership.objects.filter(user__username="fay").exists()


def test_it_shows_this_weeks_digest_in_the_browser(login, bob, acmecoffee, acme_deals) -> None:
    response = login(bob).get(reverse("notifications:digest-view"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "@acmecoffee" in html and "acme.deals" not in html
    assert "'unsafe-inline'" in response["Content-Security-Policy"]

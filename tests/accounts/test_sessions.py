"""Sessions in the database (Django's engine): login, expiry, logout, password change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-password-1"  # noqa: S105 - a test user's


@pytest.fixture
def member(alice):
    alice.set_password(PASSWORD)
    alice.save()
    return alice


def logged_in(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def home_status(client: Client) -> int:
    """200 for a logged-in member on a team page; 302 to the login page for anyone else."""
    response = client.get(reverse("strategy:my-week", args=["acme"]))
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))
    return response.status_code


def test_the_settings_use_djangos_database_sessions(settings) -> None:
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert isinstance(Client().session, SessionStore)


def test_a_login_keeps_the_session_in_the_database(member) -> None:
    client = logged_in(member)
    key = client.cookies["sessionid"].value
    stored = Session.objects.get(session_key=key)
    assert stored.get_decoded()["_auth_user_id"] == str(member.pk)
    assert home_status(client) == 200
    assert SessionStore(key).load()["_auth_user_id"] == str(member.pk)


def test_an_unknown_key_is_a_new_empty_session() -> None:
    store = SessionStore("nosuchkey0123456789abcdefghijklm")
    assert store.load() == {}
    assert store.session_key is None


def test_an_expired_session_is_not_read(member) -> None:
    client = logged_in(member)
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert SessionStore(key).load() == {}
    assert home_status(client) == 302


def test_a_logout_ends_the_session_on_the_server(member) -> None:
    client = logged_in(member)
    key = client.cookies["sessionid"].value
    copy = Client()
    copy.cookies["sessionid"] = key
    assert home_status(copy) == 200
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    # The old cookie, kept by someone else, no longer logs anybody in.
    assert home_status(copy) == 302


def test_a_password_change_ends_the_other_sessions(member) -> None:
    changing, other = logged_in(member), logged_in(member)
    response = changing.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-password-2",
            "new_password2": "another-long-password-2",
        },
    )
    assert response.status_code == 302
    assert home_status(changing) == 200
    assert home_status(other) == 302


def test_a_session_naming_the_removed_backend_signs_out_without_an_error(member):
    """The one-time sign-out after upgrading (CHANGELOG.md): no 500, the login page."""
    client = logged_in(member)
    key = client.cookies["sessionid"].value
    store = SessionStore(key)
    data = Session.objects.get(session_key=key).get_decoded()
    assert data["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"
    # As a session written while accounts.backends existed.
    data["_auth_user_backend"] = "accounts.backends.ModelBackend"
    Session.objects.filter(session_key=key).update(session_data=store.encode(data))

    assert home_status(client) == 302
    assert home_status(logged_in(member)) == 200

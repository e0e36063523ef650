"""accounts.backends.ModelBackend: the user of every request, read with a prepared statement."""

from __future__ import annotations

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.backends import ModelBackend

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-password-1"  # noqa: S105 - a test user's


def test_it_reads_the_user_as_the_orm_does(alice) -> None:
    user = ModelBackend().get_user(alice.pk)
    stored = User.objects.get(pk=alice.pk)
    assert user is not None and user._state.adding is False and user._state.db == "default"
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(stored, field.attname), field.name
    assert user.get_session_auth_hash() == stored.get_session_auth_hash()


def test_it_knows_no_missing_or_inactive_user(alice) -> None:
    assert ModelBackend().get_user(alice.pk + 1000) is None
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert ModelBackend().get_user(alice.pk) is None


def test_a_login_goes_through_it_and_pages_know_the_user(alice) -> None:
    alice.set_password(PASSWORD)
    alice.save()
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert client.session[BACKEND_SESSION_KEY] == "accounts.backends.ModelBackend"
    response = client.get(reverse("strategy:my-week", args=["acme"]))
    assert response.status_code == 200
    assert response.wsgi_request.user == alice
    User.objects.filter(pk=alice.pk).update(is_active=False)
    response = client.get(reverse("strategy:my-week", args=["acme"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))

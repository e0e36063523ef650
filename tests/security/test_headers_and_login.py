"""What a browser is told on every page, and the throttle on repeated failed logins."""

from __future__ import annotations

from django.urls import reverse

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's


def test_a_page_carries_the_security_headers(login, alice, acme) -> None:
    response = login(alice).get(reverse("accounts:team-home", args=["acme"]))
    assert response.status_code == 200
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_login_page_carries_them_too(client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_right_password_logs_in(client, alice, acme) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(alice.pk)


def test_the_sixth_attempt_after_five_failures_is_refused_even_with_the_right_password(
    client, alice, acme
) -> None:
    for _attempt in range(5):
        response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
        assert "_auth_user_id" not in client.session
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:team-home", args=["acme"])).status_code == 302


def test_another_user_from_the_same_address_may_still_log_in(client, alice, bob, acme) -> None:
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(bob.pk)

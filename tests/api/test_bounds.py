"""What a caller picks stays bounded and refused cleanly: keys per team, text no handle or
team slug could be (a NUL reaches PostgreSQL as an error, so it must not get there)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import ApiKey
from api.services import MAX_KEYS, api_key_create

pytestmark = pytest.mark.django_db


def test_a_team_holds_at_most_max_keys(login, alice, acme) -> None:
    for n in range(MAX_KEYS):
        api_key_create(team=acme, name=f"Key {n}", created_by=alice)

    response = login(alice).post(reverse("apikeys:api-key-list", args=["acme"]), {"name": "More"})

    assert response.status_code == 200
    assert f"at most {MAX_KEYS} usable keys" in response.content.decode()
    assert not response.context["secret"]
    assert ApiKey.objects.count() == MAX_KEYS


def test_a_revoked_key_leaves_room_for_another(login, alice, acme) -> None:
    keys = [
        api_key_create(team=acme, name=f"Key {n}", created_by=alice)[0] for n in range(MAX_KEYS)
    ]
    revoke = reverse("apikeys:api-key-revoke", args=["acme", keys[0].public_id])
    client = login(alice)
    client.post(revoke)

    response = client.post(reverse("apikeys:api-key-list", args=["acme"]), {"name": "More"})

    assert response.context["secret"].startswith("pb_")


@pytest.mark.parametrize("tail", ["days", "scorecards", "videos"])
def test_a_handle_with_a_nul_is_a_404_problem(call, key, tail) -> None:
    response = call(f"/api/v1/accounts/acme%00coffee/{tail}", key)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_session_naming_a_team_with_a_nul_is_a_404_problem(login, alice) -> None:
    response = login(alice).get("/api/v1/accounts?team=ac%00me")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"

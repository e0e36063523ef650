"""Every endpoint of /api/v1/ for a lead's key, a limited key, a manager's session, outsiders."""

from __future__ import annotations

import pytest

from analytics.scorecards.export import EXPORT_COLUMNS
from tests.api.conftest import END

pytestmark = pytest.mark.django_db

ENDPOINTS = (
    "/api/v1/accounts",
    "/api/v1/accounts/acmecoffee/days?start=2025-03-01&end=2025-03-28",
    "/api/v1/scorecards?window=28&end=2025-03-28",
    "/api/v1/accounts/acmecoffee/scorecards",
    "/api/v1/accounts/acmecoffee/videos",
    "/api/v1/checklists?week=2025-W13",
)


def handles(response) -> list[str]:
    return [item.get("handle") for item in response.json()["items"]]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_it_answers_every_endpoint_for_a_leads_key(call, key, filled, url) -> None:
    response = call(url, key)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["items"]
    assert response.json()["next_cursor"] is None


def test_it_lists_the_teams_accounts_with_their_settings(call, key, filled) -> None:
    body = call("/api/v1/accounts", key).json()
    assert handles(call("/api/v1/accounts", key)) == ["acme.deals", "acmecoffee"]
    coffee = body["items"][1]
    assert coffee["kind"] == "official"
    assert coffee["verified"] is True
    assert coffee["managers"] == ["bob"]
    assert coffee["targets"]["engagement_rate"] == "0.05"


def test_it_gives_the_daily_figures_as_stored(call, key, filled) -> None:
    items = call("/api/v1/accounts/acmecoffee/days?start=2025-03-27&end=2025-03-28", key).json()[
        "items"
    ]
    assert [item["date"] for item in items] == ["2025-03-27", "2025-03-28"]
    assert items[1]["video_views"] == 100
    assert items[1]["spend"] == "12.50"
    assert items[1]["followers"] == 1000


def test_it_writes_scorecards_as_the_csv_cells(call, key, filled) -> None:
    items = call("/api/v1/scorecards?window=28&end=2025-03-28", key).json()["items"]
    assert list(items[0]) == list(EXPORT_COLUMNS)
    coffee = items[1]
    assert coffee["handle"] == "acmecoffee"
    assert coffee["engagement_rate"] == "0.047123"
    assert coffee["spend"] == "37.50"
    assert coffee["views"] == "300"
    assert coffee["overall_score"] == "74.0"
    assert coffee["cpa"] == ""
    assert coffee["flags"] == "data_gap"


def test_it_defaults_the_scorecards_to_the_latest_end(call, key, filled) -> None:
    items = call("/api/v1/scorecards", key).json()["items"]
    assert {item["period_end"] for item in items} == {END.isoformat()}


def test_it_lists_videos_with_their_snapshots(call, key, filled) -> None:
    items = call("/api/v1/accounts/acmecoffee/videos", key).json()["items"]
    assert len(items) == 2
    assert items[0]["snapshots"] == [
        {"date": "2025-03-28", "views": 50, "likes": 5, "comments": 0, "shares": 0}
    ]


def test_it_lists_each_accounts_checklist_of_the_week(call, key, filled) -> None:
    items = call("/api/v1/checklists?week=2025-W13", key).json()["items"]
    assert handles_of(items) == ["acme.deals", "acmecoffee"]
    assert items[0]["week"] == "2025-03-24"


def handles_of(items: list[dict]) -> list[str]:
    return [item["handle"] for item in items]


def test_a_limited_key_reads_only_its_accounts(call, coffee_key, filled) -> None:
    assert handles(call("/api/v1/accounts", coffee_key)) == ["acmecoffee"]
    assert handles(call("/api/v1/scorecards?end=2025-03-28", coffee_key)) == ["acmecoffee"]
    assert handles(call("/api/v1/checklists", coffee_key)) == ["acmecoffee"]
    for url in (
        "/api/v1/accounts/acme.deals/days",
        "/api/v1/accounts/acme.deals/scorecards",
        "/api/v1/accounts/acme.deals/videos",
    ):
        assert call(url, coffee_key).status_code == 404


def test_a_limited_key_stays_limited_when_its_accounts_are_gone(
    call, coffee_key, acmecoffee, filled
) -> None:
    acmecoffee.delete()
    assert handles(call("/api/v1/accounts", coffee_key)) == []


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_managers_session_sees_the_accounts_they_manage(call, login, bob, filled, url) -> None:
    response = call(url, client=login(bob))
    assert response.status_code == 200, response.content
    assert set(handles(response)) <= {"acmecoffee", None}


def test_a_managers_session_gets_404_for_an_account_not_managed(call, login, bob, filled) -> None:
    response = call("/api/v1/accounts/acme.deals/days", client=login(bob))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_leads_session_sees_the_team(call, login, alice, filled) -> None:
    assert handles(call("/api/v1/accounts", client=login(alice))) == ["acme.deals", "acmecoffee"]


@pytest.mark.parametrize("handle", ["acmecoffee", "nosuchaccount"])
def test_another_teams_key_gets_the_same_404(call, globex_key, filled, handle) -> None:
    response = call(f"/api/v1/accounts/{handle}/days", globex_key)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404
    assert body["detail"] == "Not found, or not readable with these credentials."
    assert handles(call("/api/v1/accounts", globex_key)) == ["globex"]


def test_another_teams_slug_is_404_for_a_key(call, key, globex) -> None:
    assert call("/api/v1/accounts?team=globex", key).status_code == 404
    assert call("/api/v1/accounts?team=nosuchteam", key).json() == call(
        "/api/v1/accounts?team=globex", key
    ).json() | {"instance": "/api/v1/accounts"}


@pytest.mark.parametrize("which", ["revoked_key", "expired_key"])
def test_a_revoked_or_expired_key_is_401(call, request, which) -> None:
    response = call("/api/v1/accounts", request.getfixturevalue(which))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert ("revoked" if which == "revoked_key" else "expired") in response.json()["detail"]


@pytest.mark.parametrize(
    "header", ["", "Bearer pb_unknown", "Bearer nonsense", "Basic abc", f"Bearer pb_{'x' * 100}"]
)
def test_it_refuses_missing_and_unknown_credentials(call, db, header) -> None:
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    response = call("/api/v1/accounts", **headers)
    assert response.status_code == 401
    assert response.json()["title"] == "Unauthorized"


def test_it_answers_other_methods_with_a_405_problem(key) -> None:
    from django.test import Client

    response = Client().post("/api/v1/accounts", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/scorecards?window=30",
        "/api/v1/scorecards?end=1999-01-01",
        "/api/v1/scorecards?end=notaday",
        "/api/v1/accounts?limit=0",
        "/api/v1/accounts?cursor=!!!",
        "/api/v1/accounts?cursor=WyJcdTAwMDAiXQ",
        "/api/v1/checklists?week=2025-W99",
        "/api/v1/accounts/acmecoffee/days?start=2025-03-28&end=2025-03-01",
    ],
)
def test_it_explains_bad_parameters_with_a_400_problem(call, key, url) -> None:
    response = call(url, key)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]


def test_it_answers_304_to_a_matching_etag(call, key, filled) -> None:
    first = call("/api/v1/accounts", key)
    again = call("/api/v1/accounts", key, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert "Authorization" in first["Vary"]


def test_it_answers_200_when_the_data_changed(call, key, filled, acmecoffee) -> None:
    first = call("/api/v1/accounts", key)
    acmecoffee.verified = False
    acmecoffee.save()
    assert call("/api/v1/accounts", key, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_it_notes_when_a_key_was_last_used(call, key, acme) -> None:
    call("/api/v1/accounts", key)
    assert acme.api_keys.get().last_used_at is not None


def test_it_serves_the_schema_and_its_docs_without_a_cdn(client, db) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content

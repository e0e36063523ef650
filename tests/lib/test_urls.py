"""lib.urls: links reversed once, the same as reverse() writes them."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from django.test import override_settings
from django.urls import clear_script_prefix, path, reverse, set_script_prefix

from lib.urls import page_url, url_filler, url_of_handle


@pytest.mark.parametrize("handle", ["acmecoffee", "acme.deals", "a_1", "x", "9.9_z", "handle"])
@pytest.mark.parametrize(
    "name", ["analytics:account-scorecard", "strategy:checklist", "accounts:account-detail"]
)
def test_it_gives_what_reverse_gives(name: str, handle: str) -> None:
    assert url_of_handle(name, "acme-team")(handle) == reverse(name, args=["acme-team", handle])


TEAM_PAGES = [
    "accounts:team-home",
    "accounts:account-list",
    "accounts:member-list",
    "notifications:alerts",
    "apikeys:api-key-list",
    "analytics:scorecard-review",
    "strategy:my-week",
    "imports:import-upload",
    "connections:connection-list",
    "reports:team-report",
]
OTHER_PAGES = ["home", "notifications:profile", "password_change", "logout", "admin:index"]


@pytest.mark.parametrize("name", TEAM_PAGES)
@pytest.mark.parametrize("slug", ["acme", "globex-2", "a_b", "x", "Big-TEAM", "handle"])
def test_a_team_page_is_reverse_with_the_slug(name: str, slug: str) -> None:
    assert page_url(name, slug) == reverse(name, args=[slug])


@pytest.mark.parametrize("name", OTHER_PAGES)
def test_a_page_outside_teams_is_reverse(name: str) -> None:
    assert page_url(name) == reverse(name)


def test_two_teams_get_their_own_addresses() -> None:
    assert page_url("accounts:account-list", "acme") == "/t/acme/accounts/"
    assert page_url("accounts:account-list", "globex") == "/t/globex/accounts/"


def test_it_follows_the_script_prefix() -> None:
    set_script_prefix("/playbook/")
    try:
        assert page_url("accounts:account-list", "acme") == "/playbook/t/acme/accounts/"
        assert page_url("home") == "/playbook/" == reverse("home")
    finally:
        clear_script_prefix()
    assert page_url("home") == "/"


def _view(request):  # pragma: no cover - never called
    raise AssertionError


urlpatterns = [
    path("elsewhere/", _view, name="home"),
    path("teams/<slug:team_slug>/", _view, name="team"),
]


def test_it_follows_an_overridden_urlconf() -> None:
    assert page_url("home") == "/"
    with override_settings(ROOT_URLCONF=__name__):
        assert page_url("home") == "/elsewhere/"
        assert page_url("team", "acme") == "/teams/acme/"
    assert page_url("home") == "/"


def test_a_filler_with_a_stand_in_the_route_accepts_gives_what_reverse_gives() -> None:
    item = uuid4()
    tick = url_filler("strategy:checklist-tick", "acme", "acmecoffee", stand_in=UUID(int=0))
    assert tick(str(item)) == reverse("strategy:checklist-tick", args=["acme", "acmecoffee", item])
    detail = url_filler("analytics:video-detail", "acme", "acmecoffee", stand_in="~")
    assert detail("7301234567890123456") == reverse(
        "analytics:video-detail", args=["acme", "acmecoffee", "7301234567890123456"]
    )

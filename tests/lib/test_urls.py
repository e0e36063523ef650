"""lib.urls: links reversed once, the same as reverse() writes them."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import clear_script_prefix, path, reverse, set_script_prefix

from accounts.models import Account
from lib.urls import account_page_url, import_upload_url, page_url, url_filler, url_of_handle


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
    path("teams/<slug:team_slug>/accounts/<str:handle>/", _view, name="account"),
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


ACCOUNT_PAGES = [
    "analytics:account-scorecard",
    "accounts:account-detail",
    "analytics:video-list",
    "strategy:checklist",
    "strategy:checklist-history",
]


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
@pytest.mark.parametrize(
    ("slug", "handle"),
    [("acme", "acmecoffee"), ("Big-TEAM", "team"), ("handle", "acme.deals"), ("x", "9.9_z")],
)
def test_an_account_page_is_reverse_with_the_slug_and_the_handle(
    name: str, slug: str, handle: str
) -> None:
    assert account_page_url(name, slug, handle) == reverse(name, args=[slug, handle])


def test_an_account_page_follows_the_script_prefix_and_the_urlconf() -> None:
    set_script_prefix("/TEAM/HANDLE/")
    try:
        assert account_page_url("strategy:checklist", "acme", "a.b") == reverse(
            "strategy:checklist", args=["acme", "a.b"]
        )
        assert account_page_url("strategy:checklist", "acme", "a.b").startswith("/TEAM/HANDLE/")
    finally:
        clear_script_prefix()
    with override_settings(ROOT_URLCONF=__name__):
        assert account_page_url("account", "acme", "a.b") == "/teams/acme/accounts/a.b/"
    assert account_page_url("accounts:account-detail", "acme", "x") == "/t/acme/a/x/"


@pytest.mark.parametrize("handle", ["acmecoffee", "acme.deals", "a_1", "9.9_z"])
def test_the_import_page_of_an_account_names_it_in_the_query(handle: str) -> None:
    page = reverse("imports:import-upload", args=["acme"])
    assert import_upload_url("acme", handle) == f"{page}?account={handle}"
    assert import_upload_url("acme") == import_upload_url("acme", None) == page


def test_the_import_page_tag_writes_the_accounts_link_or_the_page() -> None:
    template = Template("{% import_upload_url slug account %}|{% import_upload_url slug None %}")
    html = template.render(Context({"slug": "acme", "account": Account(handle="acme.deals")}))
    assert html == "/t/acme/imports/new/?account=acme.deals|/t/acme/imports/new/"

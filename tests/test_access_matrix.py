"""Every URL of the project against every role: a new URL missing from the table fails.

Each app lists its URLs in tests/access/<app>.py: the expected status per role (for GET
unless the entry names POST) and a url_kwargs(cast) that builds URL arguments naming
objects the manager may see. 302 for anonymous users is the redirect to the login page;
other teams' objects are 404, never 403.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import accounts, analytics, connections, strategy
from tests.access.roles import ROLES, Cast

APPS = (accounts, analytics, connections, strategy)
EXPECTED: dict[str, tuple[str, dict[str, int]]] = {}
for app in APPS:
    EXPECTED.update(app.EXPECTED)


def project_url_names() -> set[str]:
    """Every named URL outside Django's admin."""
    names: set[str] = set()

    def walk(patterns: list, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


@pytest.fixture
def url_kwargs(acme, globex, alice, bob, charlie, root, acmecoffee, acme_deals) -> dict[str, str]:
    cast = Cast(acme, globex, alice, bob, charlie, root, acmecoffee, acme_deals)
    values: dict[str, str] = {}
    for app in APPS:
        values.update(app.url_kwargs(cast))
    return values


@pytest.fixture
def users(alice, bob, charlie, root) -> dict:
    return {
        "anonymous": None,
        "manager": bob,
        "lead": alice,
        "other_lead": charlie,
        "superuser": root,
    }


def url_for(name: str, url_kwargs: dict[str, str]) -> str:
    from django.urls import get_resolver

    possibilities = get_resolver().reverse_dict.getlist(name.split(":")[-1])
    params = set()
    for _, _, _, converters in possibilities:
        params |= set(converters)
    return reverse(name, kwargs={k: url_kwargs[k] for k in params if k in url_kwargs})


def test_it_lists_every_url_of_the_project() -> None:
    names = project_url_names()
    assert names - set(EXPECTED) == set(), "add the new URLs to the access matrix"
    assert set(EXPECTED) - names == set(), "remove URLs that no longer exist"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_it_gives_each_role_its_status(name: str, users: dict, url_kwargs: dict) -> None:
    method, statuses = EXPECTED[name]
    url = url_for(name, url_kwargs)
    seen = {}
    for role in ROLES:
        client = Client()
        if users[role] is not None:
            client.force_login(users[role])
        response = client.post(url) if method == "POST" else client.get(url)
        seen[role] = response.status_code
    assert seen == statuses


def test_it_sends_anonymous_users_to_login(client: Client, acme, acmecoffee) -> None:
    response = client.get(reverse("team_home", args=[acme.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_serves_the_admin_only_to_staff(client: Client, alice, root) -> None:
    client.force_login(alice)
    assert client.get(reverse("admin:index")).status_code == 302
    client.force_login(root)
    assert client.get(reverse("admin:index")).status_code == 200

"""Every URL of the project, with every method, against every role: a new URL missing from
the tables fails.

Each app lists its URLs in tests/access/<app>.py: {method: {role: status}} per URL name,
a url_kwargs(cast) that builds URL arguments naming objects the manager may see, and a
foreign_kwargs(cast) naming another team's objects of the same kinds. Methods a URL does
not list answer 405 (anonymous users are sent to log in first). Other teams' objects are
404, never 403, whoever asks.

The cast is built once per class; every request runs in a savepoint that is rolled back,
so each starts from the same rows. After every refused request (anything but a 2xx or a
3xx to somewhere other than the login page) a checksum of every product table shows that
nothing changed.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any, ClassVar

from django.db import transaction
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Kind, Role
from tests.access import (
    accounts,
    analytics,
    api,
    connections,
    imports,
    notifications,
    reports,
    strategy,
)
from tests.access.roles import FOREIGN, METHODS, ROLES, Cast
from tests.factories import AccountFactory, MembershipFactory, TeamFactory, UserFactory
from tests.security.checksum import checksum

APPS = (accounts, analytics, imports, connections, strategy, notifications, reports, api)
EXPECTED: dict[str, Any] = {}
# URLs outside a team's slug may answer the foreign object otherwise ({role: status} per name).
FOREIGN_EXPECTED: dict[str, dict[str, int]] = {}
for app in APPS:
    EXPECTED.update(app.EXPECTED)
    FOREIGN_EXPECTED.update(getattr(app, "FOREIGN_EXPECTED", {}))
# Views anonymous users may reach: a method they do not allow answers 405, not 302.
LOGIN_EXEMPT = {"login", "invitation-accept", "notifications:unsubscribe", "shared-report"}


def project_urls() -> dict[str, set[str]]:
    """Every named URL outside Django's admin ("imports:import-upload" inside a
    namespace), with the parameters of its whole route, the include's prefix too."""
    urls: dict[str, set[str]] = {}

    def walk(patterns: list, namespace: str | None, params: frozenset[str]) -> None:
        for pattern in patterns:
            here = params | set(getattr(pattern.pattern, "converters", {}))
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = pattern.namespace or namespace
                if namespace and pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                walk(pattern.url_patterns, inner, here)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                urls.setdefault(name, set()).update(here)

    walk(get_resolver().url_patterns, None, frozenset())
    return urls


def project_url_names() -> set[str]:
    return set(project_urls())


def url_params(name: str) -> set[str]:
    return project_urls().get(name, set())


def url_for(name: str, kwargs: dict[str, str]) -> str:
    return reverse(name, kwargs={k: kwargs[k] for k in url_params(name) if k in kwargs})


def expected_statuses(name: str) -> dict[str, dict[str, int]]:
    """{method: {role: status}} for every method asked, from the app's table."""
    entry = EXPECTED[name]
    if isinstance(entry, tuple):
        # The older form, (method, statuses of five roles): dave is not checked there.
        method, statuses = entry
        entry = {method: statuses}
    refused = dict.fromkeys(ROLES, 405)
    if name not in LOGIN_EXEMPT:
        refused["anonymous"] = 302
    return {method: entry.get(method, refused) for method in METHODS}


def build_cast() -> Cast:
    acme = TeamFactory(slug="acme", name="Acme")
    globex = TeamFactory(slug="globex", name="Globex")
    alice, bob, dave = (UserFactory(username=name) for name in ("alice", "bob", "dave"))
    charlie = UserFactory(username="charlie")
    MembershipFactory(team=acme, user=alice, role=Role.LEAD)
    MembershipFactory(team=acme, user=bob, role=Role.MANAGER)
    MembershipFactory(team=acme, user=dave, role=Role.MANAGER)
    MembershipFactory(team=globex, user=charlie, role=Role.LEAD)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    acmecoffee = AccountFactory(
        team=acme, handle="acmecoffee", kind=Kind.OFFICIAL, verified=True, managers=[bob]
    )
    acme_deals = AccountFactory(
        team=acme, handle="acme.deals", kind=Kind.MARKETING, verified=False, managers=[dave]
    )
    globex_main = AccountFactory(team=globex, handle="globex", kind=Kind.OFFICIAL)
    return Cast(acme, globex, alice, bob, charlie, root, acmecoffee, acme_deals, dave, globex_main)


class AccessMatrixTests(TestCase):
    cast: ClassVar[Cast]
    kwargs: ClassVar[dict[str, str]]
    foreign: ClassVar[dict[str, str]]
    baseline: ClassVar[dict[str, str]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_cast()
        cls.kwargs, cls.foreign = {}, {}
        for app in APPS:
            cls.kwargs.update(app.url_kwargs(cls.cast))
            if hasattr(app, "foreign_kwargs"):
                cls.foreign.update(app.foreign_kwargs(cls.cast))
        cls.baseline = checksum()

    def clients(self) -> dict[str, Client]:
        """A client per role, logged in once: each request is rolled back, its session kept."""
        cast = self.cast
        users = {
            "anonymous": None,
            "manager": cast.bob,
            "other_manager": cast.dave,
            "lead": cast.alice,
            "other_lead": cast.charlie,
            "superuser": cast.root,
        }
        clients = {}
        for role, user in users.items():
            clients[role] = Client()
            if user is not None:
                clients[role].force_login(user)
        return clients

    def ask(self, client: Client, method: str, url: str) -> tuple[int, bool]:
        """(status, whether the rows are as before), with everything rolled back after."""
        savepoint = transaction.savepoint()
        cookies = {name: morsel.value for name, morsel in client.cookies.items()}
        try:
            response = client.generic(method, url)
            # Logging out drops the session cookie (the rollback keeps the session row),
            # and a page may leave messages: the next request starts as this one did.
            client.cookies = SimpleCookie(cookies)
            refused = response.status_code >= 400 or (
                response.status_code == 302 and response.url.startswith(reverse("login") + "?")
            )
            unchanged = not refused or checksum() == self.baseline
            return response.status_code, unchanged
        finally:
            transaction.savepoint_rollback(savepoint)

    def walk(self, names: list[str], kwargs: dict[str, str], foreign: bool) -> list[str]:
        """Every mismatch, as 'name METHOD role: expected X, got Y'."""
        problems = []
        clients = self.clients()
        for name in names:
            url = url_for(name, kwargs)
            for method, statuses in expected_statuses(name).items():
                for role in ROLES:
                    # An older entry names five roles; the one it lacks is not checked.
                    want = statuses.get(role)
                    # A role refused on the URL is refused (403) before any lookup.
                    if foreign and want not in (None, 403, 405) and role != "anonymous":
                        want = FOREIGN_EXPECTED.get(name, FOREIGN)[role]
                    status, unchanged = self.ask(clients[role], method, url)
                    if want is not None and status != want:
                        problems.append(f"{name} {method} {role}: expected {want}, got {status}")
                    if not unchanged:
                        problems.append(f"{name} {method} {role}: refused but wrote")
        return problems

    def test_it_lists_every_url_of_the_project(self) -> None:
        names = project_url_names()
        assert names - set(EXPECTED) == set(), "add the new URLs to the access matrix"
        assert set(EXPECTED) - names == set(), "remove URLs that no longer exist"

    def test_it_gives_each_role_its_status_for_each_method(self) -> None:
        problems = self.walk(sorted(EXPECTED), self.kwargs, foreign=False)
        assert problems == [], "\n".join(problems)

    def test_it_hides_other_teams_objects_from_everyone(self) -> None:
        names = [
            name
            for name in sorted(EXPECTED)
            if url_params(name) & set(self.foreign) - {"team_slug"}
        ]
        assert len(names) > 10
        problems = self.walk(names, {**self.kwargs, **self.foreign}, foreign=True)
        assert problems == [], "\n".join(problems)

    def test_it_sends_anonymous_users_to_login(self) -> None:
        response = Client().get(reverse("accounts:team-home", args=["acme"]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_it_serves_the_admin_only_to_staff(self) -> None:
        client = Client()
        client.force_login(self.cast.alice)
        assert client.get(reverse("admin:index")).status_code == 302
        client.force_login(self.cast.root)
        assert client.get(reverse("admin:index")).status_code == 200

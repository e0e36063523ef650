"""The cast every test shares.

`alice` leads Acme. `bob` manages Acme's official account @acmecoffee, not its marketing
account @acme.deals. `charlie` leads Globex and sees nothing of Acme. `root` is a
superuser in no team.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from accounts.models import Account, Kind, Role, Team
from tests.factories import AccountFactory, MembershipFactory, TeamFactory, UserFactory


@pytest.fixture
def acme(db: None) -> Team:
    return TeamFactory(slug="acme", name="Acme")


@pytest.fixture
def globex(db: None) -> Team:
    return TeamFactory(slug="globex", name="Globex")


@pytest.fixture
def alice(acme: Team):
    user = UserFactory(username="alice")
    MembershipFactory(team=acme, user=user, role=Role.LEAD)
    return user


@pytest.fixture
def bob(acme: Team):
    user = UserFactory(username="bob")
    MembershipFactory(team=acme, user=user, role=Role.MANAGER)
    return user


@pytest.fixture
def charlie(globex: Team):
    user = UserFactory(username="charlie")
    MembershipFactory(team=globex, user=user, role=Role.LEAD)
    return user


@pytest.fixture
def root(db: None):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def acmecoffee(acme: Team, bob) -> Account:
    return AccountFactory(
        team=acme, handle="acmecoffee", kind=Kind.OFFICIAL, verified=True, managers=[bob]
    )


@pytest.fixture
def acme_deals(acme: Team) -> Account:
    return AccountFactory(team=acme, handle="acme.deals", kind=Kind.MARKETING, verified=False)


@pytest.fixture
def globex_main(globex: Team) -> Account:
    return AccountFactory(team=globex, handle="globex", kind=Kind.OFFICIAL)


@pytest.fixture
def login(client: Client) -> Callable[..., Client]:
    """login(user) gives the test client logged in as that user."""

    def as_user(user) -> Client:
        client.force_login(user)
        return client

    return as_user

"""The demo team that `make run` shows: who logs in, which accounts exist."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Account, Membership, Role, Team
from accounts.services import account_create, member_add, team_create

DEMO_PASSWORD = "playbook-demo"  # noqa: S105 - printed for the demo; never used in production.


@dataclass(frozen=True)
class DemoAccount:
    handle: str
    display_name: str
    kind: str
    verified: bool
    story: str  # what its seeded metrics look like


DEMO_ACCOUNTS = (
    DemoAccount("acmecoffee", "Acme Coffee", "official", True, "steady"),
    DemoAccount("acme.baristas", "Acme Baristas", "official", False, "gaps"),
    DemoAccount("acme_roastery", "Acme Roastery", "official", True, "declining"),
    DemoAccount("acme.deals", "Acme Deals", "marketing", False, "profitable"),
    DemoAccount("acme.coldbrew", "Cold Brew Summer", "marketing", True, "losing"),
)


@dataclass(frozen=True)
class Login:
    username: str
    role: str


DEMO_LOGINS = (Login("lena", Role.LEAD), Login("max", Role.MANAGER))


@transaction.atomic
def seed_team() -> tuple[Team, list[Account], bool]:
    """Creates the demo team, its members and accounts once; returns (team, accounts, created)."""
    team = Team.objects.filter(slug="acme").first()
    created = team is None
    if created:
        team = team_create(slug="acme", name="Acme Coffee")
    for login in DEMO_LOGINS:
        if not Membership.objects.filter(team=team, user__username=login.username).exists():
            member_add(team=team, username=login.username, role=login.role, password=DEMO_PASSWORD)
    manager = Membership.objects.get(team=team, user__username="max").user
    accounts = []
    for demo in DEMO_ACCOUNTS:
        account = Account.objects.filter(team=team, handle=demo.handle).first()
        if account is None:
            managed = demo.handle in ("acmecoffee", "acme.deals", "acme.baristas")
            account = account_create(
                team=team,
                handle=demo.handle,
                display_name=demo.display_name,
                kind=demo.kind,
                verified=demo.verified,
                managers=[manager] if managed else [],
            )
        accounts.append(account)
    return team, accounts, created

"""Access of the reports app's URLs, for tests/test_access_matrix.py."""

from __future__ import annotations

from datetime import date, timedelta

from lib.dates import today
from reports.periods import ReportPeriod
from reports.services import share_link_create
from tests.access.roles import ROLES, Cast, seen

MEMBERS_SEE = seen(manager=200, lead=200)
ACCOUNT_SEE = seen(manager=200, other_manager=404, lead=200)
PERIOD = ReportPeriod(date(2025, 3, 1), date(2025, 3, 28))

# name: {method: {role: status}}; methods not listed answer 405 (302 for anonymous users).
EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    "reports:team-report": {"GET": MEMBERS_SEE},
    "reports:account-report": {"GET": ACCOUNT_SEE},
    # Only leads share; an empty POST shows the form again with its errors.
    "reports:share-create": {"POST": seen(manager=403, lead=200)},
    "reports:share-list": {"GET": seen(manager=403, lead=200)},
    "reports:share-revoke": {"POST": seen(manager=403, lead=302)},
    # A shared report needs no login: the token opens it for anyone, read-only.
    "shared-report": {"GET": dict.fromkeys(ROLES, 200)},
}


def url_kwargs(cast: Cast) -> dict[str, str]:
    link, token = share_link_create(
        user=cast.alice,
        team=cast.acme,
        account=cast.acmecoffee,
        period=PERIOD,
        expires_on=today() + timedelta(days=7),
    )
    return {"share_id": str(link.public_id), "token": token}


def foreign_kwargs(cast: Cast) -> dict[str, str]:
    """Globex's share link, asked for under Acme's slug."""
    link, _ = share_link_create(
        user=cast.charlie,
        team=cast.globex,
        account=None,
        period=PERIOD,
        expires_on=today() + timedelta(days=7),
    )
    return {"share_id": str(link.public_id)}

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Who asks: nobody logged in; bob, who manages @acmecoffee; dave, who manages only
# @acme.deals in the same team; alice, Acme's lead; charlie, Globex's lead; root, a
# superuser in no team.
ROLES = ("anonymous", "manager", "other_manager", "lead", "other_lead", "superuser")
# Methods every URL is asked with; a method a view does not list answers 405.
METHODS = ("GET", "POST", "PUT", "DELETE")


def seen(
    *,
    manager: int,
    lead: int,
    other_manager: int | None = None,
    anonymous: int = 302,
    outsiders: int = 404,
) -> dict[str, int]:
    """Statuses per role: anonymous users go to the login page, other teams get 404."""
    return {
        "anonymous": anonymous,
        "manager": manager,
        "other_manager": manager if other_manager is None else other_manager,
        "lead": lead,
        "other_lead": outsiders,
        "superuser": outsiders,
    }


# Any logged-in user asking another team's object under Acme's slug.
FOREIGN = seen(manager=404, lead=404)


@dataclass
class Cast:
    """The conftest cast, handed to each app's url_kwargs to build URL arguments."""

    acme: Any
    globex: Any
    alice: Any
    bob: Any
    charlie: Any
    root: Any
    acmecoffee: Any
    acme_deals: Any
    dave: Any = None
    globex_main: Any = None

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ROLES = ("anonymous", "manager", "lead", "other_lead", "superuser")


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

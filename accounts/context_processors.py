from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def teams(request: HttpRequest) -> dict[str, Any]:
    """The teams for the header's switcher, queried only when a template uses them."""
    from accounts.selectors import membership_list

    def memberships() -> list:
        if not request.user.is_authenticated:
            return []
        read = getattr(request, "memberships", None)  # by accounts.access.team_view
        return read if read is not None else membership_list(user=request.user)

    return {
        "my_memberships": SimpleLazyObject(memberships),
        "current_membership": getattr(request, "membership", None),
    }

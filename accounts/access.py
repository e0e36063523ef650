"""The one scoping primitive for team URLs: /t/<team_slug>/… resolves to a membership."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.selectors import membership_get


def team_view(
    view: Callable[..., HttpResponse] | None = None, *, lead_only: bool = False
) -> Callable[..., Any]:
    """Passes the user's membership of the URL's team to the view.

    Someone outside the team gets 404, so a team's existence never leaks; a member
    without the lead role gets 403 on lead-only views.
    """

    def decorate(func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(func)
        def wrapper(request: HttpRequest, team_slug: str, *args: Any, **kwargs: Any):
            membership = membership_get(user=request.user, team_slug=team_slug)
            if lead_only and not membership.is_lead:
                raise PermissionDenied("Only the team's leads may do this.")
            request.membership = membership
            return func(request, membership, *args, **kwargs)

        return wrapper

    return decorate(view) if view else decorate

"""The one scoping primitive for team URLs: /t/<team_slug>/… resolves to a membership."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse

from accounts.models import Account, Membership, Team
from accounts.selectors import membership_list


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
            # All the user's memberships in one query: the header's team switcher
            # (accounts.context_processors.teams) shows them without asking again.
            memberships = membership_list(user=request.user)
            membership = next((m for m in memberships if m.team.slug == team_slug), None)
            if membership is None:
                raise Http404("No such team.")
            request.memberships = memberships
            if lead_only and not membership.is_lead:
                raise PermissionDenied("Only the team's leads may do this.")
            request.membership = membership
            return func(request, membership, *args, **kwargs)

        return wrapper

    return decorate(view) if view else decorate


@contextmanager
def rights_held(
    *, user: Any, team: Team, lead_only: bool = False, account: Account | None = None
) -> Iterator[Membership]:
    """A transaction in which the user's right to write is read again and held.

    The membership (and, for an account, the user's manager link to it) is locked until
    the write commits, so a lead's revocation either waits for the write or the write
    sees it and is refused with PermissionDenied: a right is checked at the moment of the
    write, not only when the page was shown.
    """
    with transaction.atomic():
        membership = Membership.objects.of(user).select_for_update().filter(team=team).first()
        if membership is None:
            raise PermissionDenied("You are no longer a member of this team.")
        if lead_only and not membership.is_lead:
            raise PermissionDenied("Only the team's leads may do this.")
        if account is not None and not membership.is_lead:
            links = Account.managers.through.objects.select_for_update()
            if not links.filter(user=user, account_id=account.pk, account__team=team).exists():
                raise PermissionDenied("You no longer manage this account.")
        yield membership

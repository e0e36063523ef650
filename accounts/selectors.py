"""Reads of teams and accounts, scoped to the asking user."""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import HANDLE_RE, Account, Membership

HANDLE_PATTERN = re.compile(HANDLE_RE)


def handle_is_valid(handle: str) -> bool:
    """Whether the text could be a handle at all: others (NUL bytes too) name no account."""
    return HANDLE_PATTERN.fullmatch(handle.lower()) is not None


def membership_get(*, user: AbstractBaseUser, team_slug: str) -> Membership:
    """The user's membership of the team in the URL; 404 when they are not in it."""
    return get_object_or_404(
        Membership.objects.of(user).select_related("team"), team__slug=team_slug
    )


def membership_list(*, user: AbstractBaseUser) -> QuerySet[Membership]:
    return Membership.objects.of(user).select_related("team").order_by("team__name")


def account_list(
    *,
    user: AbstractBaseUser,
    membership: Membership,
    kind: str = "",
    search: str = "",
    include_archived: bool = False,
) -> QuerySet[Account]:
    accounts = Account.objects.visible_to(user).filter(team=membership.team)
    if not include_archived:
        accounts = accounts.active()
    if kind:
        accounts = accounts.filter(kind=kind)
    if search:
        accounts = accounts.filter(handle__icontains=search.strip().removeprefix("@"))
    managers = Prefetch("managers", queryset=_users().order_by("username"))
    return accounts.prefetch_related(managers).order_by("handle")


def account_get(
    *, user: AbstractBaseUser, membership: Membership, handle: str, with_managers: bool = False
) -> Account:
    """The account of the membership's team by handle, if the user may see it; else 404.

    `with_managers` loads its managers too (one more query), for the pages that list them.
    """
    if not handle_is_valid(handle):
        # No account has such a handle; text the database refuses (NUL) never reaches it.
        raise Http404("No such account in this team.")
    accounts = Account.objects.visible_to(user).filter(team=membership.team)
    if with_managers:
        accounts = accounts.prefetch_related("managers")
    try:
        account = accounts.get(handle=handle.lower())
    except Account.DoesNotExist as exc:
        raise Http404("No such account in this team.") from exc
    account.team = membership.team
    return account


def member_list(*, membership: Membership) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(team=membership.team)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__managed_accounts",
                queryset=Account.objects.filter(team=membership.team).order_by("handle"),
            )
        )
        .order_by("role", "user__username")
    )


def team_users(*, membership: Membership) -> QuerySet:
    return _users().filter(memberships__team=membership.team).order_by("username")


def _users() -> QuerySet:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.all()

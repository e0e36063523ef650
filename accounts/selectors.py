"""Reads of teams and accounts, scoped to the asking user."""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import (
    HANDLE_RE,
    INVITATION_DAYS,
    INVITATION_SALT,
    Account,
    Invitation,
    Membership,
    Team,
)
from lib.rows import OrmRows

HANDLE_PATTERN = re.compile(HANDLE_RE)


def handle_is_valid(handle: str) -> bool:
    """Whether the text could be a handle at all: others (NUL bytes too) name no account."""
    return HANDLE_PATTERN.fullmatch(handle.lower()) is not None


# The user's memberships with their teams, in the order of the teams' names: what every
# team page (accounts.access.team_view) and the header's team switcher start from. Written
# by hand: the ORM built and compiled the same query
# (Membership.objects.of(user).select_related("team").order_by("team__name"), kept as the
# reference of tests/accounts/test_selectors.py) in some 1,500 function calls a page; this
# read costs about 200. Table and column names come from the models' metadata; the user's
# id is the one parameter.
_MEMBERSHIP_TEAM = Membership._meta.get_field("team")
_MEMBERSHIP_COLUMNS = OrmRows(
    [
        *((field, "m") for field in Membership._meta.concrete_fields),
        *((field, "t") for field in Team._meta.concrete_fields),
    ]
)
_TEAM_START = len(Membership._meta.concrete_fields)
_MEMBERSHIPS_SQL = f"""
SELECT {", ".join(f'{alias}."{field.column}"' for field, alias in _MEMBERSHIP_COLUMNS.columns)}
FROM {Membership._meta.db_table} m
INNER JOIN {Team._meta.db_table} t ON t."{Team._meta.pk.column}" = m."{_MEMBERSHIP_TEAM.column}"
WHERE m."{Membership._meta.get_field("user").column}" = %s
ORDER BY t."{Team._meta.get_field("name").column}"
"""  # noqa: S608


def membership_list(*, user: AbstractBaseUser) -> list[Membership]:
    """The user's memberships, each with its team, by team name; none for a visitor (as
    Membership.objects.of)."""
    if not getattr(user, "is_authenticated", False):
        return []
    with connection.cursor() as cursor:
        cursor.execute(_MEMBERSHIPS_SQL, [user.pk])
        rows = _MEMBERSHIP_COLUMNS.values(cursor.fetchall())
    memberships = []
    for row in rows:
        membership = Membership.from_db(connection.alias, None, row[:_TEAM_START])
        team = Team.from_db(connection.alias, None, row[_TEAM_START:])
        _MEMBERSHIP_TEAM.set_cached_value(membership, team)
        memberships.append(membership)
    return memberships


def account_list(
    *,
    user: AbstractBaseUser,
    membership: Membership,
    kind: str = "",
    search: str = "",
    manager: str = "",
    include_archived: bool = False,
) -> QuerySet[Account]:
    """`manager`: only the accounts that this username manages."""
    accounts = Account.objects.visible_to(user, membership)
    if not include_archived:
        accounts = accounts.active()
    if kind:
        accounts = accounts.filter(kind=kind)
    if manager:
        accounts = accounts.filter(managers__username=manager)
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
    accounts = _visible_by_handle(user, membership, handle)
    if with_managers:
        accounts = accounts.prefetch_related("managers")
    try:
        account = accounts.get()
    except Account.DoesNotExist as exc:
        raise Http404(_NO_SUCH_ACCOUNT) from exc
    account.team = membership.team
    return account


def account_with_managers_get(
    *, user: AbstractBaseUser, membership: Membership, handle: str
) -> tuple[Account, list[AbstractBaseUser]]:
    """`account_get` and the account's managers, by username, in one query: for the account
    page, which names them. The managers are users with only their names loaded."""
    user_model = _users().model
    names = ("username", "first_name", "last_name")
    # One row per manager (one row for an account without any), the account's columns on each.
    rows = list(
        _visible_by_handle(user, membership, handle)
        .annotate(**{f"manager_{name}": F(f"managers__{name}") for name in names})
        .order_by("manager_username")
    )
    if not rows:
        raise Http404(_NO_SUCH_ACCOUNT)
    account = rows[0]
    account.team = membership.team
    managers = [
        user_model(**{name: getattr(row, f"manager_{name}") for name in names})
        for row in rows
        if row.manager_username is not None
    ]
    return account, managers


_NO_SUCH_ACCOUNT = "No such account in this team."


def _visible_by_handle(
    user: AbstractBaseUser, membership: Membership, handle: str
) -> QuerySet[Account]:
    """The account of the membership's team with this handle, if the user may see it (at
    most one row); 404 for a handle no account can have."""
    if not handle_is_valid(handle):
        # No account has such a handle; text the database refuses (NUL) never reaches it.
        raise Http404(_NO_SUCH_ACCOUNT)
    return Account.objects.visible_to(user, membership).filter(handle=handle.lower())


# The handles the members page names per manager; the rest are counted and linked.
MEMBER_HANDLES_SHOWN = 10


def member_list(*, membership: Membership) -> list[Membership]:
    """The team's members, each with `managed` (the first MEMBER_HANDLES_SHOWN accounts of
    the team they manage, by handle) and `managed_more` (how many more they manage)."""
    team = membership.team
    first_accounts = Account.objects.filter(team=team).order_by("handle")[:MEMBER_HANDLES_SHOWN]
    members = list(
        Membership.objects.filter(team=team)
        .select_related("user")
        .annotate(
            managed_count=Count(
                "user__managed_accounts", filter=Q(user__managed_accounts__team=team)
            )
        )
        .prefetch_related(
            Prefetch("user__managed_accounts", queryset=first_accounts, to_attr="managed_first")
        )
        .order_by("role", "user__username")
    )
    for member in members:
        member.managed = member.user.managed_first
        member.managed_more = member.managed_count - len(member.managed)
    return members


def team_users(*, membership: Membership) -> QuerySet:
    return _users().filter(memberships__team=membership.team).order_by("username")


def _users() -> QuerySet:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.all()


def member_get(*, membership: Membership, username: str) -> Membership:
    """A member of the asking member's team by username; 404 for anyone else."""
    return get_object_or_404(
        Membership.objects.filter(team=membership.team).select_related("user", "team"),
        user__username=username,
    )


def invitation_list(*, membership: Membership) -> QuerySet[Invitation]:
    return (
        Invitation.objects.pending()
        .filter(team=membership.team)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def invitation_get(*, membership: Membership, public_id: object) -> Invitation:
    return get_object_or_404(
        Invitation.objects.pending().filter(team=membership.team), public_id=public_id
    )


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation a signed link names, or None when it is forged, expired or used."""
    try:
        public_id = signing.TimestampSigner(salt=INVITATION_SALT).unsign(
            token, max_age=INVITATION_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return None
    return Invitation.objects.pending().select_related("team").filter(public_id=public_id).first()

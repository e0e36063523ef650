"""Writes to teams, memberships and accounts. Views and commands call these, nothing else."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from accounts.models import (
    DEFAULT_GOAL,
    DEFAULT_TARGETS,
    Account,
    Kind,
    Membership,
    Role,
    Team,
    normalize_handle,
)

User = get_user_model()


@transaction.atomic
def team_create(*, slug: str, name: str) -> Team:
    team = Team(slug=slugify(slug) or slug, name=name.strip())
    team.full_clean()
    team.save()
    # Other apps give a new team its starting content (checklist templates) through this hook.
    from django.apps import apps

    for config in apps.get_app_configs():
        on_team_created = getattr(config, "on_team_created", None)
        if on_team_created:
            on_team_created(team)
    return team


@transaction.atomic
def member_add(
    *, team: Team, username: str, role: str, password: str | None = None, email: str = ""
) -> Membership:
    """Adds a user to a team with a role, creating the user when missing; a given e-mail
    address replaces the user's."""
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role '{role}': use lead or manager."})
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError({"email": f"'{email}' is not an e-mail address."}) from exc
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=email)
        user.full_clean(exclude=["password"])
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    else:
        if password:
            user.set_password(password)
        if email:
            user.email = email
        if password or email:
            user.save(update_fields=["password", "email"])
    membership, _ = Membership.objects.update_or_create(
        team=team, user=user, defaults={"role": role}
    )
    return membership


def _check_managers(team: Team, managers: Iterable[AbstractBaseUser]) -> list[AbstractBaseUser]:
    managers = list(managers)
    members = set(
        Membership.objects.filter(team=team, user__in=managers).values_list("user_id", flat=True)
    )
    outsiders = [m for m in managers if m.pk not in members]
    if outsiders:
        names = ", ".join(sorted(str(m) for m in outsiders))
        raise ValidationError({"managers": f"Not a member of {team.name}: {names}."})
    return managers


@transaction.atomic
def account_create(
    *,
    team: Team,
    handle: str,
    kind: str,
    display_name: str = "",
    verified: bool = False,
    primary_goal: str | None = None,
    goal_note: str = "",
    currency: str = "USD",
    managers: Iterable[AbstractBaseUser] = (),
    targets: dict[str, Any] | None = None,
) -> Account:
    """Creates an account; goal and targets default from its kind."""
    if kind not in Kind.values:
        raise ValidationError({"kind": f"Unknown kind '{kind}': use official or marketing."})
    values = dict(DEFAULT_TARGETS[kind])
    values.update({k: v for k, v in (targets or {}).items() if v is not None})
    account = Account(
        team=team,
        handle=normalize_handle(handle),
        kind=kind,
        display_name=display_name.strip(),
        verified=verified,
        primary_goal=primary_goal or DEFAULT_GOAL[kind],
        goal_note=goal_note,
        currency=currency.upper(),
        **values,
    )
    account.full_clean()
    account.save()
    account.managers.set(_check_managers(team, managers))
    return account


@transaction.atomic
def account_update(
    *, account: Account, managers: Iterable[AbstractBaseUser] | None = None, **fields: Any
) -> Account:
    """Changes an account's settings; a target left as None takes the kind's default."""
    kind = fields.get("kind", account.kind)
    for name, value in fields.items():
        if name.startswith("target_") and value is None:
            value = DEFAULT_TARGETS[kind][name]
        setattr(account, name, value)
    if "handle" in fields:
        account.handle = normalize_handle(account.handle)
    account.full_clean()
    account.save()
    if managers is not None:
        account.managers.set(_check_managers(account.team, managers))
    return account


def account_set_archived(*, account: Account, archived: bool) -> Account:
    account.archived = archived
    account.save(update_fields=["archived", "updated_at"])
    return account

"""Writes to teams, memberships and accounts. Views and commands call these, nothing else."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import (
    DEFAULT_GOAL,
    DEFAULT_TARGETS,
    INVITATION_DAYS,
    INVITATION_SALT,
    Account,
    Invitation,
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
    membership = Membership.objects.filter(team=team, user=user).first()
    if membership is None:
        # Someone added again starts clean: no manager link survives from before.
        _manager_links(team=team, user=user).delete()
        membership = Membership.objects.create(team=team, user=user, role=role)
    elif membership.role != role:
        membership = member_set_role(membership=membership, role=role)
    return membership


def _manager_links(*, team: Team, user: AbstractBaseUser):
    return Account.managers.through.objects.filter(user=user, account__team=team)


def _check_not_last_lead(membership: Membership, doing: str) -> None:
    """Locks the team's leads and refuses to leave the team without one."""
    leads = list(
        Membership.objects.select_for_update()
        .filter(team_id=membership.team_id, role=Role.LEAD)
        .values_list("pk", flat=True)
    )
    if leads == [membership.pk]:
        raise ValidationError(
            f"{membership.user} is the team's only lead and cannot be {doing}: "
            "make another member a lead first."
        )


@transaction.atomic
def member_set_role(*, membership: Membership, role: str) -> Membership:
    """Changes a member's role; links that no longer apply go in the same transaction.

    A lead sees every account of the team, so a member made lead loses their manager
    links (otherwise they would silently return were the lead made manager again).
    """
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role '{role}': use lead or manager."})
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == Role.LEAD:
        _check_not_last_lead(membership, "made a manager")
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    if role == Role.LEAD:
        _manager_links(team=membership.team, user=membership.user).delete()
    return membership


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    """Removes a member from the team with their manager links; the last lead stays."""
    membership = (
        Membership.objects.select_for_update().select_related("user", "team").get(pk=membership.pk)
    )
    if membership.role == Role.LEAD:
        _check_not_last_lead(membership, "removed")
    _manager_links(team=membership.team, user=membership.user).delete()
    membership.delete()


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(str(invitation.public_id))


@transaction.atomic
def invitation_create(
    *, team: Team, email: str, role: str, invited_by: AbstractBaseUser
) -> Invitation:
    """Records an invitation and mails its link; a mail that cannot be sent undoes it."""
    email = User.objects.normalize_email(email.strip())
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role '{role}': use lead or manager."})
    if Membership.objects.filter(team=team, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {team.name}."})
    # A new invitation to the same address replaces the open one (one link works).
    Invitation.objects.pending().filter(team=team, email__iexact=email).delete()
    invitation = Invitation(team=team, email=email, role=role, invited_by=invited_by)
    invitation.full_clean()
    invitation.save()
    link = settings.PLAYBOOK_BASE_URL + reverse(
        "invitation-accept", args=[invitation_token(invitation)]
    )
    context = {
        "invitation": invitation,
        "link": link,
        "days": INVITATION_DAYS,
        "inviter": invited_by.get_full_name() or invited_by.get_username(),
    }
    send_mail(
        subject=f"Join {team.name} on Playbook",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )
    return invitation


def invitation_revoke(*, invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).delete()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: AbstractBaseUser) -> Membership:
    """Joins the user to the invitation's team; the link works once."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation was already used.")
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    membership = Membership.objects.filter(team=invitation.team, user=user).first()
    if membership is not None:
        # Already a member: the invitation does not change their role.
        return membership
    _manager_links(team=invitation.team, user=user).delete()
    return Membership.objects.create(team=invitation.team, user=user, role=invitation.role)


@transaction.atomic
def user_create_for_invitation(
    *, invitation: Invitation, username: str, password: str
) -> AbstractBaseUser:
    user = User(username=username, email=invitation.email)
    user.full_clean(exclude=["password"])
    user.set_password(password)
    user.save()
    invitation_accept(invitation=invitation, user=user)
    return user


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
    # Other apps keep figures that read the account's settings (the checklists' practice
    # figures) current through this hook, in this transaction.
    from django.apps import apps

    for config in apps.get_app_configs():
        on_account_changed = getattr(config, "on_account_changed", None)
        if on_account_changed:
            on_account_changed(account)
    return account


def account_set_archived(*, account: Account, archived: bool) -> Account:
    account.archived = archived
    account.save(update_fields=["archived", "updated_at"])
    return account

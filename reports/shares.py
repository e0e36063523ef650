"""Reads of share links: a team's active links, one link by id, and a link by its token."""

from __future__ import annotations

import re
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Role
from lib.dates import today
from reports.models import ShareLink
from reports.services import token_hash

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")

ACTIVE = "active"
REVOKED = "revoked"
EXPIRED = "expired"
# The lead who shared it no longer leads the team: what they shared stops with their role.
ORPHANED = "orphaned"


def share_link_list(*, user: AbstractBaseUser, membership: Membership) -> QuerySet[ShareLink]:
    """The team's links that still work, newest first."""
    return (
        ShareLink.objects.visible_to(user)
        .filter(team=membership.team, revoked_at__isnull=True, expires_on__gte=today())
        .select_related("account", "created_by")
        .order_by("-created_at", "-pk")
    )


def share_link_get(*, user: AbstractBaseUser, membership: Membership, public_id: UUID) -> ShareLink:
    links = ShareLink.objects.visible_to(user).filter(team=membership.team)
    return get_object_or_404(links.select_related("team"), public_id=public_id)


def share_link_find(*, token: str) -> ShareLink | None:
    """The link of a token, or None; text that cannot be a token is never looked up."""
    if not TOKEN_RE.match(token):
        return None
    return (
        ShareLink.objects.filter(token_hash=token_hash(token))
        .select_related("team", "account", "account__team")
        .first()
    )


def share_link_state(link: ShareLink) -> str:
    if link.revoked_at is not None:
        return REVOKED
    if link.expires_on < today():
        return EXPIRED
    still_lead = Membership.objects.filter(
        team_id=link.team_id, user_id=link.created_by_id, role=Role.LEAD
    ).exists()
    return ACTIVE if still_lead else ORPHANED

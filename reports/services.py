"""Writes of reports: share links, created and revoked by a team's leads."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from accounts.access import rights_held
from accounts.models import Account, Team
from reports.models import ShareLink
from reports.periods import ReportPeriod

# 32 random bytes, URL-safe base64 without padding: 43 characters.
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256 (a random token needs no slow hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


def share_link_create(
    *,
    user: AbstractBaseUser,
    team: Team,
    account: Account | None,
    period: ReportPeriod,
    expires_on: date,
    token: str = "",
) -> tuple[ShareLink, str]:
    """A new share link and its token; the token is never stored, so show it now.

    `token` is for the demo only, whose link is the same on every run; otherwise a new
    random one is made.
    """
    with rights_held(user=user, team=team, lead_only=True):
        token = token or secrets.token_urlsafe(TOKEN_BYTES)
        link = ShareLink(
            team=team,
            account=account,
            start=period.start,
            end=period.end,
            compare=period.compare,
            token_hash=token_hash(token),
            expires_on=expires_on,
            created_by=user,
        )
        link.full_clean()
        link.save()
    return link, token


def share_link_revoke(*, user: AbstractBaseUser, link: ShareLink) -> bool:
    """Stops the link at once; False when it was already revoked."""
    with rights_held(user=user, team=link.team, lead_only=True):
        revoked = ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=user
        )
    return bool(revoked)

"""Writes of API keys: making one (its secret returned once), revoking, noting its use."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Team
from api.models import ApiKey

KEY_START = "pb_"
# Characters of the key kept readable: "pb_" and 8 of the secret, enough to tell keys apart.
PREFIX_LENGTH = len(KEY_START) + 8
# The longest a key can be (KEY_START + 43 base64url characters); longer text is no key.
KEY_MAX_LENGTH = 64
# last_used_at is written at most this often per key: a script's every call is no write.
LAST_USED_EVERY = timedelta(minutes=1)
# Usable keys a team may hold at once (the keys page lists them all).
MAX_KEYS = 50


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *,
    team: Team,
    name: str,
    created_by: AbstractBaseUser | None,
    accounts: Iterable[Account] = (),
    expires_at: datetime | None = None,
    hourly_cap: int | None = None,
) -> tuple[ApiKey, str]:
    """A new key of the team and its secret, which nothing stores: show it once."""
    accounts = list(accounts)
    foreign = [account.handle for account in accounts if account.team_id != team.pk]
    if foreign:
        raise ValidationError({"accounts": f"Not accounts of {team.name}: {', '.join(foreign)}."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    if ApiKey.objects.of_team(team).usable().count() >= MAX_KEYS:
        raise ValidationError(
            f"A team has at most {MAX_KEYS} usable keys: revoke one before making another."
        )
    secret = KEY_START + secrets.token_urlsafe(32)
    api_key = ApiKey(
        team=team,
        name=name.strip(),
        prefix=secret[:PREFIX_LENGTH],
        digest=key_digest(secret),
        created_by=created_by,
        expires_at=expires_at,
        hourly_cap=hourly_cap,
        limited=bool(accounts),
    )
    api_key.full_clean()
    api_key.save()
    if accounts:
        api_key.accounts.set(accounts)
    return api_key, secret


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revoked at once and for good; revoking twice keeps the first time."""
    if api_key.revoked_at is None:
        now = timezone.now()
        ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=now)
        api_key.revoked_at = now
    return api_key


def api_key_used(*, api_key: ApiKey) -> None:
    """Notes that the key was used now (at most one write a minute per key)."""
    now = timezone.now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < LAST_USED_EVERY:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now

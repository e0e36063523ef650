"""Per-team keys of the read API (docs/api.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account, Team


class ApiKeyQuerySet(models.QuerySet):
    def of_team(self, team: Team) -> ApiKeyQuerySet:
        return self.filter(team=team)

    def usable(self) -> ApiKeyQuerySet:
        """Neither revoked nor expired, now."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiKey(models.Model):
    """A key reads its own team's data, or only the accounts it is limited to.

    The key itself is shown once, when it is made; only its SHA-256 digest is stored
    (the key is 32 random bytes, so a plain digest cannot be guessed back) and its first
    characters, which say which key a script uses without revealing it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    # A limited key reads only `accounts`; the flag keeps it limited (to nothing) when
    # all of them are deleted, instead of falling back to the whole team.
    limited = models.BooleanField(default=False)
    accounts = models.ManyToManyField(Account, blank=True, related_name="+")
    hourly_cap = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["team", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired

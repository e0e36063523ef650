"""Read-only links that show one report to anyone who has them, until they expire."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from accounts.models import Account, Membership, Role, Team
from reports.periods import COMPARE_CHOICES, PREVIOUS


class ShareLinkQuerySet(models.QuerySet):
    def visible_to(self, user: object) -> ShareLinkQuerySet:
        """The links of the teams the user leads: only leads share and revoke. Fails closed."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        lead_of = Membership.objects.filter(user=user, role=Role.LEAD).values("team")
        return self.filter(team__in=lead_of)


class ShareLink(models.Model):
    """One report (a team's, or one account's when `account` is set) over one period.

    Only a hash of the token is stored: the token is shown once, in the link, and a copy
    of the database gives nobody a working link.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="share_links")
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="share_links"
    )
    start = models.DateField()
    end = models.DateField()
    compare = models.CharField(max_length=10, choices=COMPARE_CHOICES, default=PREVIOUS)
    # SHA-256 of the token, hex.
    token_hash = models.CharField(max_length=64, unique=True)
    expires_on = models.DateField(help_text="The last day the link works.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lte=models.F("end")), name="sharelink_period"
            ),
        ]

    def __str__(self) -> str:
        what = f"@{self.account.handle}" if self.account_id else str(self.team)
        return f"Share link of {what} {self.start}..{self.end}"

"""What a user asked to receive, and what was sent: digests now, alerts below."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Team


class DigestFrequency(models.TextChoices):
    WEEKLY = "weekly", "Every Monday morning"
    NEVER = "never", "Never"


class DigestPreference(models.Model):
    """How often a user wants the digest; a user without a row gets it weekly."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    frequency = models.CharField(
        max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=DigestFrequency.values),
                name="digestpreference_frequency_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} digest {self.frequency}"


class DigestDelivery(models.Model):
    """A digest sent to one user for one team and week.

    The weekly row is unique per user, team and week, so however many workers or beats
    send the week's digests, each user gets one; previews are never unique.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="digest_deliveries")
    week_start = models.DateField()
    preview = models.BooleanField(default=False)
    subject = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "team", "week_start"],
                condition=Q(preview=False),
                name="digestdelivery_once_a_week",
            )
        ]
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"digest to {self.user} for {self.team} week of {self.week_start}"

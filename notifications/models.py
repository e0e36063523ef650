"""What a user asked to receive, and what was sent: digests now, alerts below."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Account, Team


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


# -- alerts --


class Condition(models.TextChoices):
    GRADE_DROP = "grade_drop", "Overall score dropped 10 points or more"
    NO_DATA = "no_data", "No data for 3 days"
    SYNC_FAILED = "sync_failed", "A sync failed or needs reconnecting"
    BELOW_TARGET = "below_target", "Below a KPI target two weeks running"


class AlertRule(models.Model):
    """A condition a team's lead wants to be alerted about (a row per condition turned on)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="alert_rules")
    condition = models.CharField(max_length=20, choices=Condition.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "condition"], name="alertrule_unique"),
            models.CheckConstraint(
                condition=Q(condition__in=Condition.values), name="alertrule_condition_valid"
            ),
        ]
        ordering = ["team", "condition"]

    def __str__(self) -> str:
        return f"{self.team}: {self.condition}"


class AlertRecipient(models.Model):
    """A member who gets the team's alerts by e-mail."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="alert_recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_recipients"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="alertrecipient_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} gets {self.team}'s alerts"


class Webhook(models.Model):
    """A URL the team's alerts are posted to: Slack's format, or JSON signed with `secret`."""

    class Format(models.TextChoices):
        SLACK = "slack", "Slack incoming webhook"
        JSON = "json", "JSON, signed (X-Playbook-Signature)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    format = models.CharField(max_length=10, choices=Format.choices)
    # Kept to sign each body (HMAC-SHA256); shown once, when made or rotated.
    secret = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=["slack", "json"]), name="webhook_format_valid"
            )
        ]
        ordering = ["team", "created_at"]

    def __str__(self) -> str:
        return self.url


class AlertState(models.Model):
    """Whether a condition holds for one account (and subject: a KPI, a connection).

    One row per account, condition and subject (the unique constraint), locked when it
    changes, so an alert fires once when its condition starts and once when it clears,
    however many workers evaluate at once or retry.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="alert_states")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="alert_states")
    condition = models.CharField(max_length=20, choices=Condition.choices)
    subject = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=False)
    text = models.CharField(max_length=300, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "condition", "subject"], name="alertstate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.condition} {self.subject} {'on' if self.active else 'off'}"


class AlertEvent(models.Model):
    """An alert that fired (its condition started) or cleared."""

    class Change(models.TextChoices):
        FIRED = "fired", "Started"
        CLEARED = "cleared", "Cleared"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="alert_events")
    state = models.ForeignKey(AlertState, on_delete=models.CASCADE, related_name="events")
    change = models.CharField(max_length=10, choices=Change.choices)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.change}: {self.text}"


class WebhookDelivery(models.Model):
    """One alert posted to one webhook, retried with backoff until it is delivered."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        DELIVERED = "delivered", "Delivered"
        RETRYING = "retrying", "Retrying"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(AlertEvent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event"], name="webhookdelivery_unique")
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook} ({self.status})"

"""An import: its files, what it found, and what it wrote.

The tables keep the names they had when these models were analytics' (issue 20 moved
them here without touching a row).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Account, Membership, Role, Team


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, user: object, membership: Membership | None = None) -> ImportRunQuerySet:
        """Leads see their teams' imports; managers the imports they made.

        With `membership`, the user's membership of one team as this request read it
        (accounts.access.team_view), only that team's imports, by the same rule: the role
        is already known, so the database is not asked for the user's memberships again
        (as Account.objects.visible_to).
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if membership is not None:
            if membership.user_id != user.pk:
                return self.none()
            runs = self.filter(team_id=membership.team_id)
            return runs if membership.is_lead else runs.filter(user=user)
        lead_of = Membership.objects.filter(user=user, role=Role.LEAD).values("team")
        member_of = Membership.objects.filter(user=user).values("team")
        return self.filter(Q(team__in=lead_of) | Q(team__in=member_of, user=user))


class ImportRun(models.Model):
    """One import: its files, what it found, and what it wrote."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        APPLIED = "applied", "Imported"
        FAILED = "failed", "Rejected"
        DISCARDED = "discarded", "Discarded"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="import_runs")
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_runs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    source = models.CharField(max_length=10, default="web")  # web | command
    file_names = models.JSONField(default=list, blank=True)
    format = models.CharField(max_length=40, blank=True)
    as_of = models.DateField(null=True, blank=True)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    account_handles = models.JSONField(default=list, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    # What the person should know besides errors: per-video content not imported, ...
    notes = models.JSONField(default=list, blank=True)
    # The format asked for and, per file, the format found, its tab and its row count.
    details = models.JSONField(default=dict, blank=True)
    # The outcome in a sentence once applied (whether scorecards are being recomputed).
    message = models.TextField(blank=True)
    scorecard_run = models.ForeignKey(
        "analytics.ScorecardRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        db_table = "analytics_importrun"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.public_id} ({self.status})"


class ImportFile(models.Model):
    """An uploaded file kept between the preview and the confirmation, then deleted."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    content = models.BinaryField()

    class Meta:
        db_table = "analytics_importfile"

    def __str__(self) -> str:
        return self.name

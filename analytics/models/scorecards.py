"""Scorecards and the runs that compute them."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.db import models

from accounts.models import Account, Team
from accounts.querysets import AccountScopedQuerySet
from analytics.fields import money_field, rate_field, score_field


def flags_of(stored: str) -> list[str]:
    """The flags of a scorecard's stored `flags`."""
    return [flag for flag in stored.split(";") if flag]


def flag_raised(flag: str) -> models.Q:
    """The scorecards that raised `flag`: a whole name of their `flags` (what flags_of
    reads), never part of another name, in its case (so not LIKE, which ignores case on
    SQLite)."""
    return models.Q(flags__regex=rf"(^|;){re.escape(flag)}(;|$)")


class ScorecardQuerySet(AccountScopedQuerySet):
    pass


class Scorecard(models.Model):
    """One account's scorecard of one period: every figure, score and flag of docs/scoring.md."""

    # No index of its own: scorecard_unique_period starts with the account, and every
    # recompute rewrites each row, so one index less is one write less per scorecard.
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="scorecards", db_index=False
    )
    period_start = models.DateField()
    period_end = models.DateField()
    days = models.PositiveSmallIntegerField()
    days_with_rows = models.PositiveSmallIntegerField(default=0)
    days_with_spend = models.PositiveSmallIntegerField(default=0)
    views = models.BigIntegerField(default=0)
    interactions = models.BigIntegerField(default=0)
    impressions = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    conversions = models.BigIntegerField(default=0)
    spend = money_field()
    revenue = money_field()
    followers_base = models.BigIntegerField(null=True, blank=True)
    followers_end = models.BigIntegerField(null=True, blank=True)
    engagement_rate = rate_field()
    follower_growth = rate_field()
    ctr = rate_field()
    conversion_rate = rate_field()
    cpa = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    roas = rate_field()
    roi = rate_field()
    engagement_score = score_field()
    roi_score = score_field()
    overall_score = score_field()
    previous_overall_score = score_field()
    grade = models.CharField(max_length=1, blank=True)
    quadrant = models.CharField(max_length=12, blank=True)
    # Flags in the order of docs/scoring.md, joined with ';' (the export's own form).
    flags = models.CharField(max_length=200, blank=True)
    computed_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "period_start", "period_end"], name="scorecard_unique_period"
            )
        ]
        indexes = [models.Index(fields=["period_end", "days"])]
        ordering = ["account", "-period_end"]

    def __str__(self) -> str:
        return f"{self.account} {self.period_start}..{self.period_end}"

    @property
    def flag_list(self) -> list[str]:
        return flags_of(self.flags)


class ScorecardRun(models.Model):
    """A recompute asked for by the nightly schedule, an import, a lead or a command."""

    class Status(models.TextChoices):
        PENDING = "pending", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Scope(models.TextChoices):
        TEAM = "team", "Team"
        ACCOUNTS = "accounts", "Accounts"
        ALL = "all", "All teams"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="scorecard_runs"
    )
    account_ids = models.JSONField(default=list, blank=True)
    end = models.DateField()
    days = models.JSONField(default=list)  # window lengths, e.g. [7, 28]
    # Set by an import or a sync: also score every Sunday from this day to `end`, for 7,
    # 28 and 90 days (the weekly history of the days it brought).
    history_from = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    task_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # Accounts whose scorecard could not be computed, with the reason; the rest still are.
    account_errors = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"scorecard run {self.public_id} ({self.status})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def waiting_for_queue(self) -> bool:
        """Recorded while the task queue was down; the sweep queues it when it is back."""
        return self.status == self.Status.PENDING and not self.task_id


class ScorecardRunChunk(models.Model):
    """A slice of a big run's accounts, computed by one Celery task on any worker.

    A run over more accounts than SCORECARD_RUN_CHUNK is split into chunks when it
    starts; each chunk is claimed, computed and finished on its own (so a killed worker
    costs only its chunk, which is then claimed again), and the run's progress is the
    sum of its chunks'.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    run = models.ForeignKey(ScorecardRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    account_ids = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Account-windows, as in ScorecardRun.done and total.
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    account_errors = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="scorecard_run_chunk_number")
        ]
        ordering = ["run", "number"]

    def __str__(self) -> str:
        return f"chunk {self.number} of {self.run} ({self.status})"

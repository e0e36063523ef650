"""Connections to TikTok's APIs, their syncs, and the account's daily snapshot."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Account
from accounts.querysets import AccountScopedQuerySet


class Source(models.TextChoices):
    # Organic figures through the Display API (user info with stats, the video list).
    DISPLAY = "display", "TikTok account (Display API)"
    # A marketing account's ads through the Marketing (Business) API.
    ADS = "ads", "TikTok Ads (Marketing API)"


class Connection(models.Model):
    """One account's link to one TikTok API; its tokens are encrypted (connections.tokens)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Connected"
        NEEDS_RECONNECT = "reconnect", "Needs reconnecting"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="connections")
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # TikTok's id of the user (Display API) or the advertiser id (Marketing API).
    external_id = models.CharField(max_length=100)
    scopes = models.CharField(max_length=500, blank=True)
    access_token = models.TextField()
    refresh_token = models.TextField(blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_sync_ok = models.BooleanField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "source"], name="connection_unique_source")
        ]
        ordering = ["account", "source"]

    def __str__(self) -> str:
        return f"{self.account} {self.source}"

    @property
    def needs_reconnect(self) -> bool:
        return self.status == self.Status.NEEDS_RECONNECT


class SyncRunQuerySet(AccountScopedQuerySet):
    account_path = "connection__account"


class SyncRun(models.Model):
    """One sync of one connection for one day, with its progress and what failed."""

    class Status(models.TextChoices):
        PENDING = "pending", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.PENDING, Status.RUNNING)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="runs")
    date = models.DateField()
    source = models.CharField(max_length=10, default="nightly")  # nightly | web | command
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    step = models.CharField(max_length=100, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    summary = models.TextField(blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = SyncRunQuerySet.as_manager()

    class Meta:
        constraints = [
            # Two syncs of the same connection never run at once.
            models.UniqueConstraint(
                fields=["connection"],
                condition=Q(status__in=["pending", "running"]),
                name="syncrun_one_active",
            )
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"sync {self.public_id} ({self.status})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status not in self.ACTIVE


class AccountSnapshot(models.Model):
    """The account as a sync saw it on one day: follower count and verified flag.

    `written` keeps the daily figures the sync derived for that day (None: it wrote none),
    so the page can say where a day's figures came from and a re-sync can compare.
    """

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="snapshots", db_index=False
    )
    date = models.DateField()
    followers = models.BigIntegerField()
    verified = models.BooleanField()
    written = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "date"], name="accountsnapshot_unique_day"),
            models.CheckConstraint(
                condition=Q(followers__gte=0), name="accountsnapshot_non_negative"
            ),
        ]
        ordering = ["account", "date"]

    def __str__(self) -> str:
        return f"{self.account} {self.date} snapshot"

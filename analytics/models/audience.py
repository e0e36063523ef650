"""TikTok Studio's audience tabs: viewers, follower activity, gender and territories."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Account
from accounts.querysets import AccountScopedQuerySet


class ViewerDay(models.Model):
    """TikTok Studio's Viewers tab: one account's viewers on one day (docs/imports.md)."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="viewer_days", db_index=False
    )
    date = models.DateField()
    # None where the file said `undefined` (no data yet).
    total_viewers = models.BigIntegerField(null=True, blank=True)
    new_viewers = models.BigIntegerField(null=True, blank=True)
    returning_viewers = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "date"], name="viewerday_unique_day"),
            models.CheckConstraint(
                condition=(Q(total_viewers__isnull=True) | Q(total_viewers__gte=0))
                & (Q(new_viewers__isnull=True) | Q(new_viewers__gte=0))
                & (Q(returning_viewers__isnull=True) | Q(returning_viewers__gte=0)),
                name="viewerday_non_negative",
            ),
        ]
        ordering = ["account", "date"]

    def __str__(self) -> str:
        return f"{self.account} {self.date} viewers"


class FollowerActivity(models.Model):
    """TikTok Studio's FollowerActivity tab: active followers by date and hour (0-23).

    The hour is as TikTok Studio gives it; Playbook does not shift it to any time zone.
    """

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="follower_activity", db_index=False
    )
    date = models.DateField()
    hour = models.PositiveSmallIntegerField()
    active_followers = models.BigIntegerField()

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "date", "hour"], name="followeractivity_unique_hour"
            ),
            models.CheckConstraint(
                condition=Q(hour__gte=0) & Q(hour__lte=23) & Q(active_followers__gte=0),
                name="followeractivity_valid",
            ),
        ]
        ordering = ["account", "date", "hour"]
        verbose_name_plural = "follower activity"

    def __str__(self) -> str:
        return f"{self.account} {self.date} {self.hour:02d}:00"


class FollowerActivityImport(models.Model):
    """Who imported an account's latest FollowerActivity file, and as of which day.

    The hours are in that person's clock (the account page says so). Written by the write
    API (analytics.writes) with the rows; None for `imported_by` is a command's import.
    """

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, related_name="follower_activity_import"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    as_of = models.DateField(null=True, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.account} follower activity import"


class AudienceShare(models.Model):
    """One line of FollowerGender or FollowerTopTerritories on the download day.

    `key` is the gender as TikTok writes it (`Female`, `Male`, `Other`) or a two-letter
    country code upper-cased (or `Others`); `share` is the fraction (0.59 for 59%).
    """

    class Dimension(models.TextChoices):
        GENDER = "gender", "Gender"
        TERRITORY = "territory", "Territory"

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="audience_shares", db_index=False
    )
    date = models.DateField()  # the download day (the import's reference date)
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    key = models.CharField(max_length=40)
    share = models.DecimalField(max_digits=9, decimal_places=6)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "dimension", "date", "key"], name="audienceshare_unique"
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=1), name="audienceshare_fraction"
            ),
        ]
        ordering = ["account", "dimension", "-date", "-share"]

    def __str__(self) -> str:
        return f"{self.account} {self.date} {self.dimension} {self.key}"

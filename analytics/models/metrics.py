"""Daily figures of an account, and the campaigns an Ads Manager report names."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import Account
from accounts.querysets import AccountScopedQuerySet
from analytics.fields import money_field


class Source(models.TextChoices):
    """Where a day's figures came from, as analytics.writes records it for its merge rule."""

    # Days written before sources were recorded, and days nothing has written yet.
    UNKNOWN = "", "Not recorded"
    STUDIO = "studio", "TikTok Studio"
    EXPORT = "export", "A CSV file"
    API = "api", "The TikTok API"


class DailyMetric(models.Model):
    """One account's figures for one day (docs/scoring.md, "What goes in").

    `organic_source` and `followers_source` say who wrote the day's organic figures
    (views, profile views, likes, comments, shares) and its followers last: the write API
    (analytics.writes) lets TikTok Studio's figures win over those the API sync derives.
    """

    # No index of its own: the unique (account, date) index serves every lookup by account,
    # and a second index on the same column made bulk imports a fifth slower.
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="daily_metrics", db_index=False
    )
    date = models.DateField()
    video_views = models.BigIntegerField(default=0)
    profile_views = models.BigIntegerField(default=0)
    likes = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)
    followers = models.BigIntegerField(null=True, blank=True)
    spend = money_field()
    impressions = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    conversions = models.BigIntegerField(default=0)
    revenue = money_field()
    # Database defaults too: the imports write days by raw SQL (analytics.writes.days).
    organic_source = models.CharField(
        max_length=10, choices=Source.choices, blank=True, default="", db_default=""
    )
    followers_source = models.CharField(
        max_length=10, choices=Source.choices, blank=True, default="", db_default=""
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "date"], name="dailymetric_unique_day"),
            models.CheckConstraint(
                # Likes, comments and shares are TikTok's net change of the day: a day on
                # which comments were deleted is negative (docs/imports.md, "Net daily counts").
                condition=Q(video_views__gte=0)
                & Q(profile_views__gte=0)
                & (Q(followers__isnull=True) | Q(followers__gte=0))
                & Q(spend__gte=0)
                & Q(impressions__gte=0)
                & Q(clicks__gte=0)
                & Q(conversions__gte=0)
                & Q(revenue__gte=0),
                name="dailymetric_non_negative",
            ),
        ]
        ordering = ["account", "date"]

    def __str__(self) -> str:
        return f"{self.account} {self.date}"


# The name a campaign row without one is stored under, by the imports and the API sync.
UNNAMED_CAMPAIGN = "(no campaign name)"


class Campaign(models.Model):
    """A paid campaign named by an Ads Manager report."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="campaign_unique_name")
        ]
        ordering = ["account", "name"]

    def __str__(self) -> str:
        return self.name


class CampaignDay(models.Model):
    """A campaign's paid figures for one day; the account's paid fields are their sum."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    spend = money_field()
    impressions = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    conversions = models.BigIntegerField(default=0)
    revenue = money_field()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "date"], name="campaignday_unique_day")
        ]
        ordering = ["campaign", "date"]

    def __str__(self) -> str:
        return f"{self.campaign} {self.date}"

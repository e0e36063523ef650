from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Account, Membership, Role, Team
from accounts.querysets import AccountScopedQuerySet

# The writers and older callers take the field names from here too; analytics.fields
# holds them.
from analytics.fields import METRIC_FIELDS as METRIC_FIELDS
from analytics.fields import PAID_FIELDS as PAID_FIELDS


def _money(**kwargs: object) -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=2, default=0, **kwargs)


def _rate() -> models.DecimalField:
    return models.DecimalField(max_digits=24, decimal_places=12, null=True, blank=True)


def _score() -> models.DecimalField:
    return models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)


class DailyMetric(models.Model):
    """One account's figures for one day (docs/scoring.md, "What goes in")."""

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
    spend = _money()
    impressions = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    conversions = models.BigIntegerField(default=0)
    revenue = _money()
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
    spend = _money()
    impressions = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    conversions = models.BigIntegerField(default=0)
    revenue = _money()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "date"], name="campaignday_unique_day")
        ]
        ordering = ["campaign", "date"]

    def __str__(self) -> str:
        return f"{self.campaign} {self.date}"


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, user: object) -> ImportRunQuerySet:
        """Leads see their teams' imports; managers the imports they made."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
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
        "ScorecardRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.public_id} ({self.status})"


class ImportFile(models.Model):
    """An uploaded file kept between the preview and the confirmation, then deleted."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.name


class ScorecardQuerySet(AccountScopedQuerySet):
    pass


class Scorecard(models.Model):
    """One account's scorecard of one period: every figure, score and flag of docs/scoring.md."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="scorecards")
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
    spend = _money()
    revenue = _money()
    followers_base = models.BigIntegerField(null=True, blank=True)
    followers_end = models.BigIntegerField(null=True, blank=True)
    engagement_rate = _rate()
    follower_growth = _rate()
    ctr = _rate()
    conversion_rate = _rate()
    cpa = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    roas = _rate()
    roi = _rate()
    engagement_score = _score()
    roi_score = _score()
    overall_score = _score()
    previous_overall_score = _score()
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
        return [flag for flag in self.flags.split(";") if flag]


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


class Video(models.Model):
    """One of an account's videos, known from TikTok Studio's Content tab (or the API).

    A video is its TikTok id (the number at the end of its link). `promotional_mark` is a
    person's word on it (None: nobody said, the title's markers decide); imports never
    touch it.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="videos")
    video_id = models.CharField(max_length=32)
    title = models.TextField(blank=True)
    link = models.URLField(max_length=500, blank=True)
    posted_on = models.DateField(null=True, blank=True)
    promotional_mark = models.BooleanField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "video_id"], name="video_unique_id")
        ]
        indexes = [models.Index(fields=["account", "posted_on"])]
        ordering = ["account", "-posted_on", "video_id"]

    def __str__(self) -> str:
        return f"{self.account} video {self.video_id}"


class VideoSnapshotQuerySet(AccountScopedQuerySet):
    account_path = "video__account"


class VideoSnapshot(models.Model):
    """A video's lifetime totals as of one day (Content's `Time`, or a sync day)."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="snapshots")
    date = models.DateField()
    views = models.BigIntegerField(default=0)
    likes = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VideoSnapshotQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["video", "date"], name="videosnapshot_unique_day"),
            models.CheckConstraint(
                condition=Q(views__gte=0) & Q(likes__gte=0) & Q(comments__gte=0) & Q(shares__gte=0),
                name="videosnapshot_non_negative",
            ),
        ]
        ordering = ["video", "date"]

    def __str__(self) -> str:
        return f"{self.video} {self.date}"


class PromotionalMarkers(models.Model):
    """A team's own list of promotional markers; a team without one uses the defaults."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="promotional_markers")
    markers = models.JSONField(default=list)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "promotional markers"

    def __str__(self) -> str:
        return f"{self.team} promotional markers"

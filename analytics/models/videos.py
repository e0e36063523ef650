"""Videos, their snapshots, and the team's promotional markers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Account, Team
from accounts.querysets import AccountScopedQuerySet


def promotional_of(mark: bool | None, by_title: bool) -> bool:
    """Whether a video is promotional: a person's mark (Video.promotional_mark) wins;
    without one, the title's markers as stored (Video.title_promotional) decide. For rows
    read as values; a Video has it as is_promotional."""
    return mark if mark is not None else by_title


class Video(models.Model):
    """One of an account's videos, known from TikTok Studio's Content tab (or the API).

    A video is its TikTok id (the number at the end of its link). `promotional_mark` is a
    person's word on it (None: nobody said, the title's markers decide); imports never
    touch it. `title_promotional` is whether the title holds one of the team's markers,
    decided when the video is written or the team's markers change
    (analytics.writes.videos_classify), never per page view.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="videos")
    video_id = models.CharField(max_length=32)
    title = models.TextField(blank=True)
    link = models.URLField(max_length=500, blank=True)
    posted_on = models.DateField(null=True, blank=True)
    promotional_mark = models.BooleanField(null=True, blank=True)
    # A database default too: the write API inserts videos by raw SQL (analytics.writes.rows).
    title_promotional = models.BooleanField(default=False, db_default=False)
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

    @property
    def is_promotional(self) -> bool:
        return promotional_of(self.promotional_mark, self.title_promotional)


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

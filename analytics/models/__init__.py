"""The analytics models, by topic: metrics, scorecards, audience, videos."""

from __future__ import annotations

# The writers and older callers take the field names from here too; analytics.fields
# holds them.
from analytics.fields import METRIC_FIELDS, PAID_FIELDS
from analytics.models.audience import AudienceShare, FollowerActivity, ViewerDay
from analytics.models.metrics import Campaign, CampaignDay, DailyMetric
from analytics.models.scorecards import (
    Scorecard,
    ScorecardQuerySet,
    ScorecardRun,
    ScorecardRunChunk,
)
from analytics.models.videos import (
    PromotionalMarkers,
    Video,
    VideoSnapshot,
    VideoSnapshotQuerySet,
)

__all__ = [
    "METRIC_FIELDS",
    "PAID_FIELDS",
    "AudienceShare",
    "Campaign",
    "CampaignDay",
    "DailyMetric",
    "FollowerActivity",
    "PromotionalMarkers",
    "Scorecard",
    "ScorecardQuerySet",
    "ScorecardRun",
    "ScorecardRunChunk",
    "Video",
    "VideoSnapshot",
    "VideoSnapshotQuerySet",
    "ViewerDay",
]

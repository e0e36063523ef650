"""The analytics models, by topic: metrics, scorecards, audience, videos."""

from __future__ import annotations

# The writers and older callers take the field names from here too; analytics.fields
# holds them.
from analytics.fields import METRIC_FIELDS, PAID_FIELDS
from analytics.models.audience import (
    AudienceShare,
    FollowerActivity,
    FollowerActivityImport,
    ViewerDay,
)
from analytics.models.metrics import Campaign, CampaignDay, DailyMetric, Source
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
    "FollowerActivityImport",
    "PromotionalMarkers",
    "Scorecard",
    "ScorecardQuerySet",
    "ScorecardRun",
    "ScorecardRunChunk",
    "Source",
    "Video",
    "VideoSnapshot",
    "VideoSnapshotQuerySet",
    "ViewerDay",
]

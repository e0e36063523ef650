from __future__ import annotations

from django.urls import path, register_converter

from analytics.content import views as videos
from analytics.review import scorecard_views as scorecard
from analytics.review import views as review
from lib import converters  # noqa: F401 (registers <text:>)
from lib.dates import IsoDateConverter

# Each feature adds its routes in its own block below.
app_name = "analytics"

urlpatterns: list = []

# -- scorecards and review --


register_converter(IsoDateConverter, "scorecard_date")

urlpatterns += [
    path("scorecards/", review.scorecard_review, name="scorecard-review"),
    path(
        "scorecards/export.csv",
        review.scorecard_export,
        name="scorecard-export",
    ),
    path(
        "scorecards/mark-reviewed/",
        review.scorecard_bulk_mark_reviewed,
        name="scorecard-bulk-mark-reviewed",
    ),
    path(
        "scorecards/recompute/",
        review.scorecard_recompute,
        name="scorecard-recompute",
    ),
    path(
        "scorecards/runs/<uuid:scorecard_run_id>/",
        review.scorecard_run,
        name="scorecard-run",
    ),
    path(
        "a/<text:handle>/scorecard/",
        scorecard.account_scorecard,
        name="account-scorecard",
    ),
    path(
        "a/<text:handle>/scorecards/<int:period_days>/<scorecard_date:period_end>/review/",
        review.scorecard_mark_reviewed,
        name="scorecard-mark-reviewed",
    ),
]

# -- videos (the Content page) and promotional markers --
urlpatterns += [
    path("a/<text:handle>/videos/", videos.video_list, name="video-list"),
    path(
        "a/<text:handle>/videos/export.csv",
        videos.video_export,
        name="video-export",
    ),
    path(
        "a/<text:handle>/videos/<text:video_id>/",
        videos.video_detail,
        name="video-detail",
    ),
    path(
        "a/<text:handle>/videos/<text:video_id>/mark/",
        videos.video_mark,
        name="video-mark",
    ),
    path(
        "promotional-markers/",
        videos.promotional_markers,
        name="promotional-markers",
    ),
    path(
        "promotional-markers/reset/",
        videos.promotional_markers_reset,
        name="promotional-markers-reset",
    ),
]

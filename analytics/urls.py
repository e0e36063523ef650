from __future__ import annotations

from django.urls import path, register_converter

from analytics.views import imports, review, scorecard, videos
from lib.dates import IsoDateConverter

# Each feature adds its routes in its own block below.
urlpatterns: list = []

# -- imports --
urlpatterns += [
    path("t/<slug:team_slug>/imports/", imports.import_list, name="import_list"),
    path("t/<slug:team_slug>/imports/new/", imports.import_upload, name="import_upload"),
    path(
        "t/<slug:team_slug>/imports/<uuid:import_run_id>/",
        imports.import_detail,
        name="import_detail",
    ),
    path(
        "t/<slug:team_slug>/imports/<uuid:import_run_id>/confirm/",
        imports.import_confirm,
        name="import_confirm",
    ),
    path(
        "t/<slug:team_slug>/imports/<uuid:import_run_id>/discard/",
        imports.import_discard,
        name="import_discard",
    ),
]

# -- scorecards and review --


register_converter(IsoDateConverter, "scorecard_date")

urlpatterns += [
    path("t/<slug:team_slug>/scorecards/", review.scorecard_review, name="scorecard_review"),
    path(
        "t/<slug:team_slug>/scorecards/export.csv",
        review.scorecard_export,
        name="scorecard_export",
    ),
    path(
        "t/<slug:team_slug>/scorecards/recompute/",
        review.scorecard_recompute,
        name="scorecard_recompute",
    ),
    path(
        "t/<slug:team_slug>/scorecards/runs/<uuid:scorecard_run_id>/",
        review.scorecard_run,
        name="scorecard_run",
    ),
    path(
        "t/<slug:team_slug>/a/<str:handle>/scorecard/",
        scorecard.account_scorecard,
        name="account_scorecard",
    ),
    path(
        "t/<slug:team_slug>/a/<str:handle>/scorecards/<int:period_days>/"
        "<scorecard_date:period_end>/review/",
        review.scorecard_mark_reviewed,
        name="scorecard_mark_reviewed",
    ),
]

# -- videos (the Content page) and promotional markers --
urlpatterns += [
    path("t/<slug:team_slug>/a/<str:handle>/videos/", videos.video_list, name="video_list"),
    path(
        "t/<slug:team_slug>/a/<str:handle>/videos/export.csv",
        videos.video_export,
        name="video_export",
    ),
    path(
        "t/<slug:team_slug>/a/<str:handle>/videos/<str:video_id>/",
        videos.video_detail,
        name="video_detail",
    ),
    path(
        "t/<slug:team_slug>/a/<str:handle>/videos/<str:video_id>/mark/",
        videos.video_mark,
        name="video_mark",
    ),
    path(
        "t/<slug:team_slug>/promotional-markers/",
        videos.promotional_markers,
        name="promotional_markers",
    ),
    path(
        "t/<slug:team_slug>/promotional-markers/reset/",
        videos.promotional_markers_reset,
        name="promotional_markers_reset",
    ),
]

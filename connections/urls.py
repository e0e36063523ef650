from __future__ import annotations

from django.urls import path

from connections import views

urlpatterns = [
    path("connections/tiktok/callback/", views.connection_callback, name="connection_callback"),
    path("t/<slug:team_slug>/connections/", views.connection_list, name="connection_list"),
    path(
        "t/<slug:team_slug>/a/<str:handle>/connect/<str:source>/",
        views.connection_start,
        name="connection_start",
    ),
    path(
        "t/<slug:team_slug>/connections/<uuid:connection_id>/sync/",
        views.connection_sync,
        name="connection_sync",
    ),
    path(
        "t/<slug:team_slug>/connections/<uuid:connection_id>/disconnect/",
        views.connection_disconnect_view,
        name="connection_disconnect",
    ),
    path("t/<slug:team_slug>/syncs/<uuid:sync_run_id>/", views.sync_run, name="sync_run"),
]

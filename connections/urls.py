from __future__ import annotations

from django.urls import path

from connections import views
from lib import converters  # noqa: F401 (registers <text:>)

app_name = "connections"

urlpatterns = [
    path("connections/", views.connection_list, name="connection-list"),
    path(
        "connections/not-connected/",
        views.connection_not_connected,
        name="connection-not-connected",
    ),
    path("connections/setup/", views.connection_setup_guide, name="connection-setup-guide"),
    path(
        "a/<text:handle>/connect/<text:source>/",
        views.connection_start,
        name="connection-start",
    ),
    path(
        "connections/<uuid:connection_id>/sync/",
        views.connection_sync,
        name="connection-sync",
    ),
    path(
        "connections/<uuid:connection_id>/disconnect/",
        views.connection_disconnect_view,
        name="connection-disconnect",
    ),
    path("syncs/<uuid:sync_run_id>/", views.sync_run, name="sync-run"),
]

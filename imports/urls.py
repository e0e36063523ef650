from __future__ import annotations

from django.urls import path

from imports import views

# The same paths as when imports were analytics' pages; the names are in `imports:`.
app_name = "imports"

urlpatterns = [
    path("imports/", views.import_list, name="import-list"),
    path("imports/new/", views.import_upload, name="import-upload"),
    path(
        "imports/<uuid:import_run_id>/",
        views.import_detail,
        name="import-detail",
    ),
    path(
        "imports/<uuid:import_run_id>/recompute/",
        views.import_recompute_status,
        name="import-recompute-status",
    ),
    path(
        "imports/<uuid:import_run_id>/confirm/",
        views.import_confirm,
        name="import-confirm",
    ),
    path(
        "imports/<uuid:import_run_id>/discard/",
        views.import_discard,
        name="import-discard",
    ),
]

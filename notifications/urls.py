from __future__ import annotations

from django.urls import path

from lib import converters  # noqa: F401 (registers <text:>)
from notifications import views

app_name = "notifications"

# The team's Needs attention page is accounts:team-home (see accounts.home).
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/preview/", views.digest_preview, name="digest-preview"),
    path("profile/digest/", views.digest_view, name="digest-view"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("t/<slug:team_slug>/alerts/", views.alert_settings, name="alerts"),
    path("t/<slug:team_slug>/alerts/webhooks/", views.webhook_create, name="webhook-create"),
    path(
        "t/<slug:team_slug>/alerts/webhooks/<uuid:webhook_id>/rotate/",
        views.webhook_rotate,
        name="webhook-rotate",
    ),
    path(
        "t/<slug:team_slug>/alerts/webhooks/<uuid:webhook_id>/delete/",
        views.webhook_delete,
        name="webhook-delete",
    ),
]

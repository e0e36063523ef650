from __future__ import annotations

from django.urls import path

from lib import converters  # noqa: F401 (registers <text:>)
from reports import views

app_name = "reports"

urlpatterns = [
    path("report/", views.team_report, name="team-report"),
    path("a/<text:handle>/report/", views.account_report, name="account-report"),
    path("reports/shares/", views.share_list, name="share-list"),
    path("reports/shares/new/", views.share_create, name="share-create"),
    path("reports/shares/<uuid:share_id>/revoke/", views.share_revoke, name="share-revoke"),
]

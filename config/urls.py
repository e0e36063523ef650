from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from accounts.views import home, invitation_accept
from api.v1 import urlpatterns_of_api
from connections.views import connection_callback
from lib import converters  # noqa: F401 (registers <text:>)
from reports.views import shared_report

# Pages outside any team: the landing redirect, sign-in and the TikTok OAuth callback
# (one fixed address registered with TikTok).
urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path(
        "login/",
        login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("invitations/<text:token>/", invitation_accept, name="invitation-accept"),
    path("connections/tiktok/callback/", connection_callback, name="tiktok-callback"),
    # The profile (e-mail, digest), digest unsubscribe links and the team's alerts.
    path("", include("notifications.urls")),
    # A report shared by a lead: no login, the token alone opens it.
    path("r/<text:token>/", shared_report, name="shared-report"),
    # The read API (docs/api.md): keys or sessions, its own 401s and problem details.
    path("api/v1/", urlpatterns_of_api()),
]

# Everything a team owns lives under its slug, one namespaced include per app:
# reverse("imports:import-upload", args=[team_slug]).
urlpatterns += [
    path("t/<slug:team_slug>/", include("accounts.urls")),
    path("t/<slug:team_slug>/", include("analytics.urls")),
    path("t/<slug:team_slug>/", include("imports.urls")),
    path("t/<slug:team_slug>/", include("strategy.urls")),
    path("t/<slug:team_slug>/", include("connections.urls")),
    path("t/<slug:team_slug>/", include("reports.urls")),
    path("t/<slug:team_slug>/", include("api.urls")),
]

handler400 = "accounts.errors.bad_request"
handler404 = "accounts.errors.not_found"
handler403 = "accounts.errors.forbidden"
handler500 = "accounts.errors.server_error"

from __future__ import annotations

from django.urls import path

from accounts import views
from lib import converters  # noqa: F401 (registers <text:>)

app_name = "accounts"

urlpatterns = [
    path("", views.team_home, name="team-home"),
    path("accounts/", views.account_list, name="account-list"),
    path("members/", views.member_list, name="member-list"),
    path("members/invite/", views.member_invite, name="member-invite"),
    path("members/<text:username>/role/", views.member_role, name="member-role"),
    path("members/<text:username>/remove/", views.member_remove, name="member-remove"),
    path(
        "members/invitations/<uuid:invitation_id>/withdraw/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("accounts/new/", views.account_create, name="account-create"),
    path(
        "accounts/form-defaults/",
        views.account_form_defaults,
        name="account-form-defaults",
    ),
    path("a/<text:handle>/", views.account_detail, name="account-detail"),
    path("a/<text:handle>/edit/", views.account_edit, name="account-edit"),
    path(
        "a/<text:handle>/archive/",
        views.account_archive,
        name="account-archive",
    ),
]

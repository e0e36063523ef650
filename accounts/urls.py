from __future__ import annotations

from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("t/<slug:team_slug>/", views.team_home, name="team_home"),
    path("t/<slug:team_slug>/members/", views.member_list, name="member_list"),
    path("t/<slug:team_slug>/accounts/new/", views.account_create, name="account_create"),
    path(
        "t/<slug:team_slug>/accounts/form-defaults/",
        views.account_form_defaults,
        name="account_form_defaults",
    ),
    path("t/<slug:team_slug>/a/<str:handle>/", views.account_detail, name="account_detail"),
    path("t/<slug:team_slug>/a/<str:handle>/edit/", views.account_edit, name="account_edit"),
    path(
        "t/<slug:team_slug>/a/<str:handle>/archive/",
        views.account_archive,
        name="account_archive",
    ),
]

from __future__ import annotations

from django.urls import path

from api import views

app_name = "apikeys"

urlpatterns = [
    path("api-keys/", views.api_key_list, name="api-key-list"),
    path("api-keys/<uuid:api_key_id>/revoke/", views.api_key_revoke, name="api-key-revoke"),
]

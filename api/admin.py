from __future__ import annotations

from django.contrib import admin

from api.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "team",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("team",)
    readonly_fields = ("prefix", "digest", "created_by", "created_at", "last_used_at")
    search_fields = ("name", "prefix")

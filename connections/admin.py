from __future__ import annotations

from django.contrib import admin

from connections.models import Connection, SyncRun


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    """Read-only, and never the tokens: they are changed by connecting again."""

    list_display = ("account", "source", "status", "last_sync_at", "last_sync_ok")
    list_filter = ("source", "status")
    search_fields = ("account__handle", "external_id")
    fields = (
        "account",
        "source",
        "status",
        "external_id",
        "scopes",
        "access_expires_at",
        "refresh_expires_at",
        "last_sync_at",
        "last_sync_ok",
        "last_error",
    )
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ("connection", "date", "source", "status", "created_at", "finished_at")
    list_filter = ("status", "source")
    readonly_fields = ("connection", "date", "source", "status", "step", "summary", "error")

    def has_add_permission(self, request: object) -> bool:
        return False

from __future__ import annotations

from django.contrib import admin

from accounts.models import Account, Membership, Team
from accounts.services import member_remove


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "created_at"]
    list_filter = ["role", "team"]
    search_fields = ["user__username", "team__name"]
    list_select_related = ["user", "team"]

    # Deleting here goes through the service, so the manager links go with the
    # membership (and the last lead stays).
    def delete_model(self, request, obj: Membership) -> None:
        member_remove(membership=obj)

    def delete_queryset(self, request, queryset) -> None:
        for membership in queryset:
            member_remove(membership=membership)


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["handle", "team", "kind", "verified", "primary_goal", "currency", "archived"]
    list_filter = ["kind", "verified", "primary_goal", "archived", "team"]
    search_fields = ["handle", "display_name"]
    list_select_related = ["team"]
    filter_horizontal = ["managers"]
    readonly_fields = ["public_id", "created_at", "updated_at"]

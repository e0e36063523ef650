from __future__ import annotations

from django.contrib import admin

from strategy.models import Check, Checklist, ChecklistItem, ChecklistTemplate, Practice


class PracticeInline(admin.TabularInline):
    model = Practice
    extra = 0


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("team", "kind", "created_at")
    list_filter = ("kind",)
    inlines = [PracticeInline]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ("title", "practice", "cadence", "evidence_rule", "active_from", "retired_from")
    list_filter = ("cadence", "practice__template__kind")
    list_select_related = ("practice",)
    search_fields = ("title",)


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ("account", "week_start", "template", "created_at")
    list_select_related = ("account", "template__team")
    date_hierarchy = "week_start"


@admin.register(Check)
class CheckAdmin(admin.ModelAdmin):
    list_display = ("item", "account", "period_start", "ticked", "ticked_by", "ticked_at")
    list_filter = ("ticked",)
    list_select_related = ("item", "account", "ticked_by")
    raw_id_fields = ("checklist", "item", "account", "ticked_by", "corrected_by")

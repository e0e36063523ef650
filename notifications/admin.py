from __future__ import annotations

from django.contrib import admin

from notifications.models import (
    AlertEvent,
    AlertRule,
    DigestDelivery,
    DigestPreference,
    Webhook,
    WebhookDelivery,
)


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency", "updated_at"]
    list_filter = ["frequency"]
    search_fields = ["user__username", "user__email"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "week_start", "preview", "sent_at"]
    list_filter = ["preview"]


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ["team", "condition", "created_at"]


@admin.register(AlertEvent)
class AlertEventAdmin(admin.ModelAdmin):
    list_display = ["team", "change", "text", "created_at", "emailed_at"]
    list_filter = ["change"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["team", "url", "format", "created_at", "rotated_at"]
    # The secret is shown once to the lead who made it; the admin never shows it.
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["webhook", "event", "status", "attempts", "response_status", "created_at"]
    list_filter = ["status"]

"""The alerts page's reads: the team's conditions, recipients, webhooks and their history."""

from __future__ import annotations

from uuid import UUID

from django.shortcuts import get_object_or_404

from accounts.models import Membership
from notifications.models import AlertEvent, AlertRecipient, AlertRule, Webhook, WebhookDelivery


def alert_settings_get(*, membership: Membership) -> dict:
    """The team's alert conditions, recipients, webhooks, and recent events and deliveries."""
    team = membership.team
    return {
        "conditions": list(AlertRule.objects.filter(team=team).values_list("condition", flat=True)),
        "recipients": list(
            AlertRecipient.objects.filter(team=team).values_list("user_id", flat=True)
        ),
        "webhooks": list(Webhook.objects.filter(team=team).order_by("created_at")),
        "events": list(AlertEvent.objects.filter(team=team).select_related("state__account")[:20]),
        "deliveries": WebhookDelivery.objects.filter(webhook__team=team)
        .select_related("webhook", "event")
        .order_by("-created_at"),
    }


def webhook_get(*, membership: Membership, public_id: UUID) -> Webhook:
    """One of the team's webhooks; another team's is 404."""
    return get_object_or_404(Webhook.objects.filter(team=membership.team), public_id=public_id)

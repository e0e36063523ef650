"""The TikTok connection section of the account page."""

from __future__ import annotations

from django import template

from accounts.models import Account, Membership
from connections.models import Source
from connections.selectors import account_slots, latest_snapshot
from connections.services.sync import next_nightly_sync

register = template.Library()


@register.inclusion_tag("connections/partials/connection_panel.html")
def connection_panel(account: Account, membership: Membership) -> dict:
    slots = account_slots(account=account)
    # The followers are shown beside the Display API connection only: read them when there
    # is one.
    display = any(slot.connection and slot.source == Source.DISPLAY for slot in slots)
    return {
        "account": account,
        "membership": membership,
        "slots": slots,
        "snapshot": latest_snapshot(account=account) if display else None,
        "next_sync": next_nightly_sync(),
    }

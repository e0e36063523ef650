"""The TikTok connection section of the account page."""

from __future__ import annotations

from django import template

from accounts.models import Account, Membership
from connections.selectors import account_slots, latest_snapshot
from connections.services.sync import next_nightly_sync

register = template.Library()


@register.inclusion_tag("connections/partials/connection_panel.html")
def connection_panel(account: Account, membership: Membership) -> dict:
    return {
        "account": account,
        "membership": membership,
        "slots": account_slots(account=account),
        "snapshot": latest_snapshot(account=account),
        "next_sync": next_nightly_sync(),
    }

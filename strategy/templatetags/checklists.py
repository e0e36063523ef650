"""Checklist words for templates: week names and the account page's checklist section."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from accounts.models import Account, Membership
from strategy.periods import week_label
from strategy.selectors import account_week_progress

register = template.Library()


@register.filter
def iso_week(value: date | None) -> str:
    """A Monday -> '2026-W47'."""
    return week_label(value) if value else ""


@register.inclusion_tag("strategy/checklist_summary.html")
def checklist_summary(account: Account, membership: Membership) -> dict[str, Any]:
    """This week's checklist progress of the account, for its page (reads only)."""
    return {
        "account": account,
        "membership": membership,
        "progress": account_week_progress(account=account),
    }

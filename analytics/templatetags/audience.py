"""The audience panel of the account page: gender, territories, follower activity."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language, get_language_from_request

from accounts.models import Account, Membership
from analytics.content.audience import BEST_HOUR_COUNT, WEEKDAYS, audience_get
from lib.locales import note_language_read

register = template.Library()


@register.inclusion_tag("analytics/partials/audience.html", takes_context=True)
def audience_panel(context: template.Context, account: Account, membership: Membership) -> dict:
    """Country names follow the language the request asks for (Accept-Language or the
    language cookie), the rest of the page's words stay as they are."""
    request = context.get("request")
    note_language_read(request)
    language = get_language_from_request(request) if request is not None else get_language()
    audience = audience_get(account=account, language=language)
    return {
        "account": account,
        "membership": membership,
        "audience": audience,
        "weekdays": WEEKDAYS,
        "best_hour_count": BEST_HOUR_COUNT,
    }


@register.filter
def heat_title(cell: Any) -> str:
    """What a heatmap cell says to a pointer or a screen reader, in one sentence."""
    day = WEEKDAYS[cell.weekday - 1][2]
    hour = f"{cell.hour:02d}:00"
    if cell.rounded is None:
        return f"{day} {hour}: no data"
    days = "day" if cell.rows == 1 else "days"
    return f"{day} {hour}: {cell.rounded:,} active followers on average over {cell.rows} {days}"

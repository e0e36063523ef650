"""The account page's content mix: promotional against authentic videos of the scorecard window."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import Account, Membership
from analytics.content.videos import content_mix as content_mix_of
from analytics.models import Scorecard
from analytics.scorecards.windows import DEFAULT_DAYS, default_end_after, window_of

register = template.Library()


@register.inclusion_tag("analytics/partials/content_mix.html")
def content_mix(account: Account, membership: Membership, card: Scorecard | None) -> dict[str, Any]:
    """Videos posted in the window the account's scorecard page shows first (28 days): that
    of its latest 28-day scorecard (`card`, from analytics' `latest_scorecard`), else the
    28 days to yesterday."""
    end = default_end_after(card.period_end if card else None)
    window = window_of(end=end, days=DEFAULT_DAYS)
    return {
        "account": account,
        "membership": membership,
        "mix": content_mix_of(account=account, window=window),
        "window": window,
    }

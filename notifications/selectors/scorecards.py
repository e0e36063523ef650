"""Needs attention: the accounts' latest scorecards that are declining or not reviewed."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Account
from analytics.models import Scorecard
from analytics.models.scorecards import flag_raised, flags_of
from analytics.scorecards.rules import DECLINING
from analytics.scorecards.windows import DEFAULT_DAYS
from lib.urls import url_of_handle
from notifications.selectors.lines import AttentionLine, Topic, day_text, first_lines


def latest_cards(accounts: QuerySet[Account]) -> QuerySet[Scorecard]:
    """The latest scorecard of DEFAULT_DAYS days of each of `accounts`, if it has one: the
    one without a later one (an anti-join, which the database runs once for all accounts)."""
    later = Scorecard.objects.filter(
        account=OuterRef("account"), days=DEFAULT_DAYS, period_end__gt=OuterRef("period_end")
    )
    return (
        Scorecard.objects.filter(account__in=accounts.values("pk"), days=DEFAULT_DAYS)
        .exclude(Exists(later))
        .order_by()
    )


def scorecard_lines(scope: QuerySet[Account], slug: str) -> tuple[list[AttentionLine], int]:
    """The accounts' latest scorecards that are declining or not reviewed yet."""
    cards = (
        latest_cards(scope)
        .filter(Q(reviewed_at__isnull=True) | flag_raised(DECLINING))
        .order_by("account__handle")
    )
    first, count = first_lines(
        cards,
        "account__handle",
        "period_start",
        "period_end",
        "overall_score",
        "previous_overall_score",
        "grade",
        "flags",
    )
    scorecard_url = url_of_handle("analytics:account-scorecard", slug)
    lines = []
    for handle, start, end, score, previous, grade, flags in first:
        url = scorecard_url(handle)
        period = f"{day_text(start)} – {day_text(end)}"
        if DECLINING in flags_of(flags):
            change = ""
            if score is not None and previous is not None:
                change = f", {score - previous:+.1f} points"
            text = f"@{handle} is declining (grade {grade or '—'}{change}, {period})."
            lines.append(AttentionLine(Topic.SCORECARD, text, url, "Open the scorecard", handle))
        else:
            text = f"@{handle}'s scorecard for {period} is not reviewed."
            lines.append(AttentionLine(Topic.SCORECARD, text, url, "Review it", handle))
    return lines, count

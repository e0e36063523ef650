"""What a weekly digest says to one member of one team (reads only).

A lead reads the team's grades and their changes, what needs attention and the week's
reviews; a manager reads only their accounts' grades and their open checklist items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from accounts.models import Account, Membership
from analytics.models import Scorecard
from notifications.selectors import (
    Attention,
    attention_accounts,
    attention_get,
    attention_scope,
    latest_cards,
)
from strategy.selectors import week_overview
from strategy.selectors.states import ItemState


@dataclass(frozen=True)
class GradeLine:
    account: Account
    card: Scorecard | None

    @property
    def change(self) -> float | None:
        card = self.card
        if card is None or card.overall_score is None or card.previous_overall_score is None:
            return None
        return float(card.overall_score - card.previous_overall_score)

    @property
    def change_text(self) -> str:
        """The change in points with its sign ("+5.0", "-12.0"), or "" without one."""
        return "" if self.change is None else f"{self.change:+.1f}"


@dataclass(frozen=True)
class OpenItems:
    account: Account
    done: int
    total: int
    left: list[ItemState]


@dataclass
class Digest:
    membership: Membership
    week_start: date
    grades: list[GradeLine] = field(default_factory=list)
    attention: Attention | None = None
    reviews: list[Scorecard] = field(default_factory=list)
    open_items: list[OpenItems] = field(default_factory=list)

    @property
    def is_lead(self) -> bool:
        return self.membership.is_lead

    @property
    def subject(self) -> str:
        team = self.membership.team.name
        return f"Your week at {team}: week of {self.week_start.strftime('%-d %b %Y')}"


def digest_build(*, user: AbstractBaseUser, membership: Membership, week_start: date) -> Digest:
    """The digest of the week starting on Monday `week_start`, for the user in the team."""
    accounts = attention_accounts(user=user, membership=membership)
    cards = {
        card.account_id: card
        for card in latest_cards(attention_scope(user=user, membership=membership))
    }
    digest = Digest(
        membership=membership,
        week_start=week_start,
        grades=[GradeLine(account, cards.get(account.pk)) for account in accounts],
    )
    if membership.is_lead:
        digest.attention = attention_get(user=user, membership=membership, today=week_start)
        since = timezone.make_aware(datetime.combine(week_start - timedelta(days=7), time.min))
        digest.reviews = list(
            Scorecard.objects.visible_to(user)
            .filter(account__team=membership.team, reviewed_at__gte=since)
            .select_related("account", "reviewed_by")
            .order_by("-reviewed_at")[:50]
        )
    else:
        digest.open_items = [
            OpenItems(row.account, row.progress.done, row.progress.total, row.left)
            for row in week_overview(accounts=accounts, week_start=week_start)
            if row.left
        ]
    return digest

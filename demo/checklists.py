"""Checklists for the demo team: some ticks in the last weeks, the same every run."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Membership, Role, Team
from lib.dates import this_week
from strategy.models import ChecklistItem
from strategy.services import check_set, checklist_open

# Seven weeks: on a Monday the new week has no metrics yet, and six full weeks remain
# (the scorecard needs six weeks with both a checklist and metrics to compare them).
DEMO_WEEKS = 7

NOTES = {
    "Reviewed this period's scorecard and changed one thing because of it": (
        "Moved the daily post to 18:00: the scorecard showed most views in the evening."
    ),
    "Hosted or joined a live session": "Live tasting with the roastery team, 40 minutes.",
}


def _ticks(account_index: int, item_index: int, weeks_ago: int) -> bool:
    """A fixed pattern: most items in past weeks, a few so far this week, varying by account."""
    if weeks_ago == 0:
        return (account_index + item_index) % 3 == 0
    return (account_index * 7 + item_index * 3 + weeks_ago * 5) % 10 < 5 + account_index % 3


@transaction.atomic
def seed_checklists(team: Team, accounts: list[Account]) -> int:
    """Opens the last weeks' checklists of the demo accounts and ticks some items.

    Deterministic and idempotent: ticks are written with fixed times, so running it again
    changes nothing. Returns the number of ticks.
    """
    lead = Membership.objects.filter(team=team, role=Role.LEAD).select_related("user").first()
    now = timezone.now()
    current = this_week()
    ticks = 0
    for account_index, account in enumerate(accounts):
        user = account.managers.order_by("username").first() or (lead.user if lead else None)
        if user is None:
            continue
        for weeks_ago in range(DEMO_WEEKS - 1, -1, -1):
            week = current - timedelta(weeks=weeks_ago)
            checklist = checklist_open(account=account, week_start=week)
            items = ChecklistItem.objects.filter(
                practice__template=checklist.template, evidence_rule=""
            ).active_in(week)
            for item_index, item in enumerate(items):
                if not _ticks(account_index, item_index, weeks_ago):
                    continue
                day = week + timedelta(days=1 + item_index % 4)
                at = timezone.make_aware(datetime.combine(day, time(9 + account_index, 30)))
                if at > now:
                    continue
                check_set(
                    checklist=checklist,
                    item=item,
                    user=user,
                    ticked=True,
                    at=at,
                    note=NOTES.get(item.title, "") if weeks_ago == 1 else None,
                )
                ticks += 1
    return ticks

"""Reads of Needs attention: what in a team's week wants someone to act, and where.

Every line names an account (or an import) and links to the page that fixes it. The
reads are bounded: the database finds, counts and orders each topic's lines and returns
the first SHOWN_LINES of them, so a team of a thousand accounts costs the same queries and
the same Python work as a team of ten (the accounts are read as a subquery of the user's
scope, never as a list of ids). Two reads are bounded otherwise: an account's last import
is searched among the team's RECENT_IMPORTS latest, and a checklist without stored figures
(written around the write services) is read whole, its progress computed from its items.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account, Membership
from notifications.selectors.checklists import checklist_lines
from notifications.selectors.connections import connection_lines
from notifications.selectors.failed_imports import failed_import_lines
from notifications.selectors.lines import Attention, Topic
from notifications.selectors.scorecards import scorecard_lines
from notifications.selectors.stopped import stopped_lines
from strategy.selectors import WeekProgress


def attention_scope(*, user: AbstractBaseUser, membership: Membership) -> QuerySet[Account]:
    """The active accounts the user looks after (a lead: the team's; a manager: theirs), as
    a query not yet read: the lines' reads take it as a subquery, not as a list of ids (a
    lead's thousand parameters cost more to send than the subquery to run)."""
    return Account.objects.visible_to(user, membership).active()


def attention_accounts(*, user: AbstractBaseUser, membership: Membership) -> list[Account]:
    """attention_scope()'s accounts by handle (a manager's week, a digest's grades)."""
    accounts = list(attention_scope(user=user, membership=membership).order_by("handle"))
    # All of the membership's team: one Team for them all rather than one joined per row.
    for account in accounts:
        account.team = membership.team
    return accounts


def attention_get(
    *,
    user: AbstractBaseUser,
    membership: Membership,
    today: date | None = None,
    week: list[WeekProgress] | None = None,
) -> Attention:
    """Needs attention for the user in the team: a manager's lines are their accounts'.

    `week`: the accounts' rows of today's week (strategy's week_progress) when the caller
    has read them already (a manager's home page shows them too); the checklists behind
    are then taken from them. Otherwise the database finds them.
    """
    today = today or timezone.localdate()
    scope = attention_scope(user=user, membership=membership)
    slug = membership.team.slug
    attention = Attention(today=today)
    attention.add(Topic.STOPPED, *stopped_lines(scope, membership.team, today))
    attention.add(Topic.SCORECARD, *scorecard_lines(scope, slug))
    attention.add(Topic.CHECKLIST, *checklist_lines(scope, membership.team, today, week))
    for topic, lines, count in connection_lines(scope, slug):
        attention.add(topic, lines, count)
    failed = failed_import_lines(user, membership)
    attention.add(Topic.FAILED, failed, len(failed))
    return attention

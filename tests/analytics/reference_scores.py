"""The reference rules (tests/analytics/rules_reference.py) over one account's period, fed
with sums added up in Python from the daily rows: the oracle of the exactness tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from accounts.models import Account
from analytics.scorecards import rules
from analytics.scorecards.compute import account_targets
from tests.analytics import rules_reference
from tests.analytics.test_window_totals import added_up


def reference_score(
    account: Account, start: date, end: date, *, with_previous: bool = True
) -> tuple[rules.Score, Decimal | None]:
    """The account's score from `start` to `end` (inclusive) with its current targets, and
    the previous period's overall it was given: that of the period of the same length just
    before, scored the same way (None when `with_previous` is False)."""
    days = (end - start).days + 1
    targets = account_targets(account)
    previous_overall = None
    if with_previous:
        previous_start, previous_end = rules.previous_period(end, days)
        previous = rules_reference.score(
            kind=account.kind,
            verified=account.verified,
            days=days,
            totals=added_up(account, previous_start, previous_end) or rules.EMPTY_TOTALS,
            targets=targets,
            previous_overall=None,
        )
        previous_overall = previous.overall_score
    score = rules_reference.score(
        kind=account.kind,
        verified=account.verified,
        days=days,
        totals=added_up(account, start, end) or rules.EMPTY_TOTALS,
        targets=targets,
        previous_overall=previous_overall,
    )
    return score, previous_overall

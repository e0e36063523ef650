"""Evidence for strategy's checklists that only the metrics can give.

Registered with strategy.evidence from AnalyticsConfig.ready(): analytics may import
strategy, never the other way round.
"""

from __future__ import annotations

from datetime import date

from django.db.models.functions import TruncWeek

from accounts.models import Account
from analytics.models import DailyMetric


def paid_promotion_ran(accounts: list[Account], start: date, end: date) -> dict[int, bool]:
    """Whether any day in [start, end] had spend above zero, per account: one query."""
    spent = set(
        DailyMetric.objects.filter(
            account__in=[a.pk for a in accounts], date__range=(start, end), spend__gt=0
        )
        # No ordering: DailyMetric's default one would join accounts into the DISTINCT.
        .order_by()
        .values_list("account_id", flat=True)
        .distinct()
    )
    return {account.pk: account.pk in spent for account in accounts}


def paid_promotion_weeks(accounts: list[Account], start: date, end: date) -> dict[int, set[date]]:
    """The Mondays of the weeks in [start, end] with spend above zero, per account: one query."""
    rows = (
        DailyMetric.objects.filter(
            account__in=[a.pk for a in accounts], date__range=(start, end), spend__gt=0
        )
        .annotate(week=TruncWeek("date"))
        .order_by()
        .values_list("account_id", "week")
        .distinct()
    )
    weeks: dict[int, set[date]] = {account.pk: set() for account in accounts}
    for account_id, week in rows:
        weeks[account_id].add(week)
    return weeks


def register_evidence() -> None:
    from strategy import evidence

    evidence.register("paid_promotion_ran", paid_promotion_ran, by_week=paid_promotion_weeks)

"""Accounts with varied daily rows, and the stored scorecards of a run, for the chunk tests."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import Account, Kind, Team
from analytics.models import DailyMetric, Scorecard
from analytics.scorecards.compute import COMPUTED_FIELDS, scorecards_compute
from tests.factories import AccountFactory

END = date(2025, 3, 28)


def accounts_with_history(team: Team, count: int, seed: int = 7) -> list[Account]:
    """`count` accounts of both kinds with 70 days of uneven rows ending on END.

    Some days are missing, some lack a follower total, some are paid: every figure, flag
    and the previous window's score have something to show.
    """
    rng = random.Random(seed)
    accounts = [
        AccountFactory(
            team=team,
            handle=f"chunked{number}",
            kind=Kind.OFFICIAL if number % 2 else Kind.MARKETING,
            verified=number % 3 != 0,
        )
        for number in range(count)
    ]
    rows = []
    for account in accounts:
        followers = rng.randint(100, 5000)
        for offset in range(70):
            if rng.random() < 0.15:
                continue
            followers += rng.randint(-20, 60)
            views = rng.randint(0, 5000)
            paid = rng.random() < 0.4
            impressions = rng.randint(0, 20_000) if paid else 0
            clicks = impressions // rng.randint(30, 200)
            rows.append(
                DailyMetric(
                    account=account,
                    date=END - timedelta(days=offset),
                    video_views=views,
                    likes=rng.randint(0, views // 10 + 1),
                    comments=rng.randint(0, 30),
                    shares=rng.randint(0, 10),
                    followers=followers if rng.random() > 0.2 else None,
                    spend=Decimal(rng.randint(100, 9000)) / 100 if paid else Decimal(0),
                    impressions=impressions,
                    clicks=clicks,
                    conversions=clicks // rng.randint(5, 40),
                    revenue=Decimal(rng.randint(0, 30_000)) / 100 if paid else Decimal(0),
                )
            )
    DailyMetric.objects.bulk_create(rows)
    return accounts


def stored_cards() -> dict[tuple[str, int], tuple]:
    """Every stored scorecard's computed values but the time, by (handle, days)."""
    names = [name for name in COMPUTED_FIELDS if name != "computed_at"]
    return {
        (card["account__handle"], card["days"]): tuple(card[name] for name in names)
        for card in Scorecard.objects.values("account__handle", *names)
    }


def clean_run(accounts: list[Account], windows: tuple[int, ...]) -> dict[tuple[str, int], tuple]:
    """What one plain scorecards_compute per window stores, from no scorecards at all."""
    Scorecard.objects.all().delete()
    for days in windows:
        scorecards_compute(accounts=accounts, end=END, days=days)
    return stored_cards()

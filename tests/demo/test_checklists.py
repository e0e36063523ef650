"""The demo's checklists: some ticks in recent weeks, the same on every run."""

from __future__ import annotations

import pytest
import time_machine

from demo.checklists import DEMO_WEEKS, seed_checklists
from demo.team import seed_metrics, seed_team
from lib.dates import yesterday
from strategy.models import Check, Checklist

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return list(
        Check.objects.order_by("account__handle", "item__title", "period_start").values_list(
            "account__handle",
            "item__title",
            "period_start",
            "ticked",
            "ticked_by__username",
            "ticked_at",
            "note",
        )
    )


def test_it_ticks_recent_weeks_the_same_way_every_time() -> None:
    team, accounts, _ = seed_team()
    seed_checklists(team, accounts)
    first = snapshot()
    assert Checklist.objects.count() == len(accounts) * DEMO_WEEKS
    assert len(first) > 20
    assert all(row[3] for row in first)
    # Max manages some accounts and ticks theirs; the lead ticks the others'.
    assert {row[4] for row in first} == {"max", "lena"}
    assert any(row[6] for row in first)  # a few notes
    seed_checklists(team, accounts)
    assert snapshot() == first
    assert Checklist.objects.count() == len(accounts) * DEMO_WEEKS


@pytest.mark.parametrize("today", ["2026-12-07", "2026-12-13"])  # a Monday and a Sunday
def test_every_demo_account_has_enough_weeks_to_compare_on_any_weekday(today: str) -> None:
    from analytics.review.practice import MIN_WEEKS_WITH_BOTH, practice_of_account
    from analytics.scorecards.windows import DEFAULT_DAYS, window_of

    with time_machine.travel(f"{today}T12:00:00", tick=False):
        team, accounts, _ = seed_team()
        seed_metrics(accounts, yesterday())
        seed_checklists(team, accounts)
        window = window_of(end=yesterday(), days=DEFAULT_DAYS)
        for account in accounts:
            _score, outcome = practice_of_account(account=account, window=window)
            assert outcome.weeks_with_both >= MIN_WEEKS_WITH_BOTH, account.handle
            assert outcome.enough

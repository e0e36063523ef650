"""The demo's checklists: some ticks in recent weeks, the same on every run."""

from __future__ import annotations

import pytest

from demo.checklists import DEMO_WEEKS, seed_checklists
from demo.team import seed_team
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

"""A worker killed with SIGKILL in the middle of a recompute of a 2,000-account team."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Account, Kind, Team
from analytics.models import DailyMetric, Scorecard, ScorecardRun
from analytics.scorecards.compute import COMPUTED_FIELDS
from analytics.scorecards.runs import (
    scorecard_run_create,
    scorecard_run_execute,
    scorecard_run_start,
)
from tests.factories import AccountFactory
from tests.faults.services import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.worker]

END = date(2025, 3, 28)
TEAM_SIZE = 2000
# Days of metrics per account, spread over both windows and the previous 28 days.
METRIC_DAYS = 14
Status = ScorecardRun.Status


def seed_team(team: Team) -> None:
    """TEAM_SIZE accounts, half official, half marketing with spend, with varied metrics."""
    randomness = random.Random(2025)
    accounts = Account.objects.bulk_create(
        AccountFactory.build(
            team=team,
            handle=f"member_{n:04d}",
            kind=Kind.OFFICIAL if n % 2 else Kind.MARKETING,
            verified=n % 3 == 0,
        )
        for n in range(TEAM_SIZE)
    )
    rows = []
    for account in accounts:
        followers = randomness.randint(1_000, 500_000)
        for day in randomness.sample(range(56), METRIC_DAYS):
            views = randomness.randint(0, 50_000)
            followers += randomness.randint(-50, 400)
            paid = account.kind == Kind.MARKETING
            rows.append(
                DailyMetric(
                    account=account,
                    date=END - timedelta(days=day),
                    video_views=views,
                    profile_views=views // 20,
                    likes=randomness.randint(0, views // 10 + 1),
                    comments=randomness.randint(0, views // 100 + 1),
                    shares=randomness.randint(0, views // 200 + 1),
                    followers=followers,
                    spend=Decimal(randomness.randint(0, 20_000)) / 100 if paid else Decimal(0),
                    revenue=Decimal(randomness.randint(0, 90_000)) / 100 if paid else Decimal(0),
                    impressions=views * 3 if paid else 0,
                    clicks=views // 30 if paid else 0,
                    conversions=views // 900 if paid else 0,
                )
            )
    DailyMetric.objects.bulk_create(rows, batch_size=5000)


def stored_scorecards() -> list[tuple]:
    """Every stored scorecard's figures, without when they were computed."""
    fields = [name for name in COMPUTED_FIELDS if name != "computed_at"]
    return list(
        Scorecard.objects.order_by("account_id", "period_start", "period_end").values_list(
            "account_id", "period_start", "period_end", *fields
        )
    )


@pytest.mark.django_db(transaction=True)
def test_it_finishes_a_killed_workers_recompute_exactly_as_a_clean_run(
    celery_process, acme: Team, tmp_path
) -> None:
    seed_team(acme)
    marker = tmp_path / "paused"
    fast_return = {"PLAYBOOK_VISIBILITY_TIMEOUT": "2"}
    first = celery_process(
        app="tests.faults.pausing_worker",
        args=("--pool=solo",),
        env={
            **fast_return,
            "PLAYBOOK_PAUSE_MARKER": str(marker),
            # All the 7-day scorecards, then half of the 28-day ones.
            "PLAYBOOK_PAUSE_AFTER": str(TEAM_SIZE + TEAM_SIZE // 2),
        },
    )

    run = scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme, end=END, days=(7, 28))
    wait_until(marker.exists, 120, "the worker to reach the middle of the run")

    # In the middle: the 7-day scorecards are stored, the 28-day ones half streamed into
    # a transaction that is still open.
    midway = ScorecardRun.objects.get(pk=run.pk)
    assert (midway.status, midway.done, midway.total) == (Status.RUNNING, TEAM_SIZE, 2 * TEAM_SIZE)
    assert Scorecard.objects.filter(days=7).count() == TEAM_SIZE
    assert not Scorecard.objects.filter(days=28).exists()
    first.kill()
    killed_at = timezone.now()
    # Redis hands an unacknowledged message to another worker once its visibility
    # timeout has passed; the new worker takes it back when it starts.
    time.sleep(2.5)
    second = celery_process(
        app="tests.faults.pausing_worker", args=("--pool=solo",), env=fast_return
    )

    finished = second.wait_for_run(run.pk)

    assert finished.status == Status.DONE, finished.error
    assert finished.started_at > killed_at
    assert (finished.done, finished.total, finished.account_errors) == (
        2 * TEAM_SIZE,
        2 * TEAM_SIZE,
        [],
    )
    recovered = stored_scorecards()
    # Every scorecard once: one per account and window.
    assert len(recovered) == 2 * TEAM_SIZE
    assert len({card[:3] for card in recovered}) == 2 * TEAM_SIZE
    assert {card[3] for card in recovered} == {7, 28}

    # A clean run, in this process, from nothing.
    Scorecard.objects.all().delete()
    clean = scorecard_run_create(scope=ScorecardRun.Scope.TEAM, team=acme, end=END, days=(7, 28))
    assert scorecard_run_execute(run_id=clean.pk).status == Status.DONE
    assert stored_scorecards() == recovered

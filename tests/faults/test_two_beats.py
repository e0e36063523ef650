"""Two beat schedulers at once: each periodic job runs once per period."""

from __future__ import annotations

import re
import time
from collections import defaultdict

import pytest

from analytics.models import ScorecardRun
from config.celery import app as celery_app
from strategy.models import Checklist
from tests.faults.services import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.worker]

FINISHED = re.compile(r"Task (\S+)\[[0-9a-f-]+\] succeeded in [0-9.e-]+s: (.*)$", re.MULTILINE)
JOBS = {
    "nightly-scorecards": "analytics.tasks.recompute_nightly",
    "monday-checklists": "strategy.tasks.open_weekly_checklists",
    "pending-scorecard-runs": "analytics.tasks.dispatch_pending_runs",
    "nightly-tiktok-sync": "connections.tasks.sync_nightly",
    "monday-digests": "notifications.tasks.send_weekly_digests",
    "daily-alerts": "notifications.tasks.evaluate_alerts_daily",
    "purge-old-previews": "imports.tasks.purge_old_previews",
}


def test_it_knows_every_periodic_job() -> None:
    assert {name: entry["task"] for name, entry in celery_app.conf.beat_schedule.items()} == JOBS


@pytest.mark.django_db(transaction=True)
def test_it_runs_each_periodic_job_once_per_period_under_two_beats(
    celery_process, acmecoffee, acme_deals, globex_main
) -> None:
    # One period per job for the whole test: the day, the week, and a day-long sweep slot.
    env = {"PENDING_SWEEP_SECONDS": "86400"}
    # The three start side by side: what the beats send waits in Redis for the worker.
    worker = celery_process(args=("--pool=solo",), env=env, wait=False)
    beats = [
        celery_process("beat", app="tests.faults.frequent_beat", env=env, wait=False)
        for _ in range(2)
    ]
    for process in (worker, *beats):
        process.wait_ready()

    # Each beat sends every job each second; both send each job a few times.
    def sends(beat, name: str) -> int:
        return beat.output().count(f"Sending due task {name} ")

    wait_until(
        lambda: all(sends(beat, name) >= 3 for beat in beats for name in JOBS),
        60,
        "both beats to send every job three times",
    )
    for beat in beats:
        beat.kill()
    sent = {task: sum(sends(beat, name) for beat in beats) for name, task in JOBS.items()}

    def finished() -> dict[str, list[str]]:
        results = defaultdict(list)
        for task, result in FINISHED.findall(worker.output()):
            results[task].append(result)
        return results

    # A beat killed between logging a send and making it may have sent one less.
    wait_until(
        lambda: all(len(finished()[task]) >= sent[task] - len(beats) for task in JOBS.values()),
        60,
        "the worker to take every message",
    )
    time.sleep(1)
    results = finished()
    for task in JOBS.values():
        ran = [result for result in results[task] if result != "None"]
        assert len(ran) == 1, (task, results[task])
    # One nightly run; each active account's checklist opened once.
    assert ScorecardRun.objects.filter(scope=ScorecardRun.Scope.ALL).count() == 1
    assert results["strategy.tasks.open_weekly_checklists"].count("3") == 1
    assert Checklist.objects.count() == 3

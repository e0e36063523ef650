"""Chunks of a big run, through real workers."""

from __future__ import annotations

import pytest

from analytics.models import ScorecardRun
from analytics.scorecards.runs import (
    scorecard_run_start,
)
from tests.analytics.chunked import accounts_with_history, clean_run, stored_cards
from tests.analytics.runs import END, Status

# Chunks of a big run, through real workers.


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_spreads_a_big_run_in_chunks_through_a_real_worker(celery_worker, acme) -> None:
    accounts = accounts_with_history(acme, 5)
    worker = celery_worker(env={"SCORECARD_RUN_CHUNK": "2"})

    run = scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme, end=END, days=(7, 28))

    finished = worker.wait_for_run(run.pk)
    assert finished.status == Status.DONE, finished.error
    assert (finished.done, finished.total) == (10, 10)
    chunks = list(finished.chunks.values_list("status", "done", "total"))
    assert chunks == [("done", 4, 4), ("done", 4, 4), ("done", 2, 2)]
    assert worker.output().count("recompute_scorecard_chunk") >= 3
    assert stored_cards() == clean_run(accounts, (7, 28))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_loses_nothing_when_a_worker_dies_in_a_chunk(celery_worker, acme, tmp_path) -> None:
    accounts = accounts_with_history(acme, 5)
    marker = tmp_path / "crashed"
    worker = celery_worker(
        app="tests.analytics.crashing_worker",
        pool="prefork",
        env={"PLAYBOOK_CRASH_MARKER": str(marker), "SCORECARD_RUN_CHUNK": "2"},
    )

    run = scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme, end=END, days=(7, 28))

    finished = worker.wait_for_run(run.pk)
    # The first pool process died inside its first chunk; that chunk's message came back
    # and another process claimed the chunk again and computed it from the start.
    assert marker.exists()
    assert "WorkerLostError" in worker.output()
    assert finished.status == Status.DONE, finished.error
    assert (finished.done, finished.total) == (10, 10)
    assert set(finished.chunks.values_list("status", flat=True)) == {"done"}
    assert stored_cards() == clean_run(accounts, (7, 28))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_shares_the_chunks_between_two_workers(celery_worker, acme) -> None:
    accounts = accounts_with_history(acme, 8)
    # Both start side by side, and both are ready before the run is queued.
    first = celery_worker(env={"SCORECARD_RUN_CHUNK": "1"}, wait=False)
    second = celery_worker(env={"SCORECARD_RUN_CHUNK": "1"}, wait=False)
    first.wait_ready()
    second.wait_ready()

    run = scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme, end=END, days=(28,))

    finished = first.wait_for_run(run.pk)
    assert finished.status == Status.DONE, finished.error
    assert (finished.done, finished.total) == (8, 8)
    succeeded = [worker.output().count("recompute_scorecard_chunk") for worker in (first, second)]
    # Each worker logs a chunk it received and its success; both took some of the eight.
    assert sum(succeeded) >= 16
    assert all(count > 0 for count in succeeded)
    assert stored_cards() == clean_run(accounts, (28,))

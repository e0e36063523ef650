"""A big run split into chunks: splitting, claiming, progress summed, finishing, failing.

The services are called directly here; tests/analytics/test_scorecard_chunk_workers.py runs the
same through real workers, one of them killed mid-run.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Account
from analytics.models import DailyMetric, Scorecard, ScorecardRun, ScorecardRunChunk
from analytics.scorecards import compute as scorecards
from analytics.scorecards import runs as scorecard_runs
from analytics.scorecards.runs import (
    scorecard_chunk_execute,
    scorecard_run_create,
    scorecard_run_execute,
)
from analytics.tasks import recompute_scorecard_chunk
from tests.analytics.chunked import END, accounts_with_history, clean_run, stored_cards
from tests.analytics.conftest import Broker

Status = ScorecardRun.Status
Chunk = ScorecardRunChunk.Status
WINDOWS = (7, 28)


@pytest.fixture
def accounts(acme, settings) -> list[Account]:
    settings.SCORECARD_RUN_CHUNK = 2
    return accounts_with_history(acme, 5)


def spread_run(acme, django_capture_on_commit_callbacks) -> ScorecardRun:
    run = scorecard_run_create(scope=ScorecardRun.Scope.TEAM, team=acme, end=END, days=WINDOWS)
    with django_capture_on_commit_callbacks(execute=True):
        return scorecard_run_execute(run_id=run.pk, spread=True)


def test_it_splits_a_big_run_into_chunks_and_queues_one_task_each(
    accounts: list[Account], acme, broker: Broker, django_capture_on_commit_callbacks
) -> None:
    run = spread_run(acme, django_capture_on_commit_callbacks)

    assert (run.status, run.done, run.total) == (Status.RUNNING, 0, 10)
    chunks = list(run.chunks.all())
    assert [chunk.account_ids for chunk in chunks] == [
        [accounts[0].pk, accounts[1].pk],
        [accounts[2].pk, accounts[3].pk],
        [accounts[4].pk],
    ]
    assert [(chunk.status, chunk.total) for chunk in chunks] == [
        (Chunk.PENDING, 4),
        (Chunk.PENDING, 4),
        (Chunk.PENDING, 2),
    ]
    queued = broker.queued()
    assert [message["task"] for message in queued] == [recompute_scorecard_chunk.name] * 3
    assert [message["argsrepr"] for message in queued] == [f"({chunk.pk},)" for chunk in chunks]
    assert not Scorecard.objects.exists()


def test_it_keeps_a_run_within_one_chunk_in_one_task(
    accounts: list[Account], acme, settings, broker: Broker, django_capture_on_commit_callbacks
) -> None:
    settings.SCORECARD_RUN_CHUNK = 5

    run = spread_run(acme, django_capture_on_commit_callbacks)

    assert (run.status, run.done, run.total) == (Status.DONE, 10, 10)
    assert not run.chunks.exists()
    assert broker.queued() == []


def test_it_sums_the_chunks_progress_and_the_last_chunk_finishes_the_run(
    accounts: list[Account], acme, broker: Broker, django_capture_on_commit_callbacks
) -> None:
    run = spread_run(acme, django_capture_on_commit_callbacks)
    first, second, third = run.chunks.all()

    progress = []
    for chunk in (second, third, first):
        finished = scorecard_chunk_execute(chunk_id=chunk.pk)
        assert (finished.status, finished.done) == (Chunk.DONE, finished.total)
        run.refresh_from_db()
        progress.append((run.status, run.done, run.total))

    assert progress == [
        (Status.RUNNING, 4, 10),
        (Status.RUNNING, 6, 10),
        (Status.DONE, 10, 10),
    ]
    assert run.finished_at is not None
    assert run.account_errors == []
    assert Scorecard.objects.count() == 10


def test_it_stores_what_a_clean_run_stores(
    accounts: list[Account], acme, broker: Broker, django_capture_on_commit_callbacks
) -> None:
    run = spread_run(acme, django_capture_on_commit_callbacks)
    for chunk in run.chunks.all():
        scorecard_chunk_execute(chunk_id=chunk.pk)
    chunked = stored_cards()

    assert len(chunked) == 10
    assert chunked == clean_run(accounts, WINDOWS)


def test_it_leaves_a_finished_chunk_alone_when_its_message_comes_again(
    accounts: list[Account], acme, broker: Broker, django_capture_on_commit_callbacks
) -> None:
    run = spread_run(acme, django_capture_on_commit_callbacks)
    chunk = run.chunks.first()
    done = scorecard_chunk_execute(chunk_id=chunk.pk)
    computed = sorted(Scorecard.objects.values_list("pk", "computed_at"))

    again = scorecard_chunk_execute(chunk_id=chunk.pk, reclaim_running=True)

    assert (again.status, again.finished_at) == (Chunk.DONE, done.finished_at)
    assert sorted(Scorecard.objects.values_list("pk", "computed_at")) == computed


def test_it_leaves_a_chunk_another_worker_is_running_alone(
    accounts: list[Account], acme, broker: Broker, django_capture_on_commit_callbacks
) -> None:
    run = spread_run(acme, django_capture_on_commit_callbacks)
    chunk = run.chunks.first()
    ScorecardRunChunk.objects.filter(pk=chunk.pk).update(
        status=Chunk.RUNNING, started_at=timezone.now()
    )

    result = scorecard_chunk_execute(chunk_id=chunk.pk)

    assert result.status == Chunk.RUNNING
    assert not Scorecard.objects.exists()


@pytest.mark.parametrize("how", ["redelivered", "stale"])
def test_it_computes_a_chunk_whose_worker_died_again_from_the_start(
    how: str, accounts: list[Account], acme, broker: Broker, django_capture_on_commit_callbacks
) -> None:
    run = spread_run(acme, django_capture_on_commit_callbacks)
    chunk = run.chunks.first()
    # The dead worker had stored one window and counted it.
    died_at = timezone.now()
    if how == "stale":
        died_at -= scorecard_runs.stale_after() + timedelta(seconds=1)
    ScorecardRunChunk.objects.filter(pk=chunk.pk).update(
        status=Chunk.RUNNING, started_at=died_at, done=2
    )

    result = scorecard_chunk_execute(chunk_id=chunk.pk, reclaim_running=how == "redelivered")

    assert (result.status, result.done, result.total) == (Chunk.DONE, 4, 4)
    assert result.started_at > died_at
    run.refresh_from_db()
    assert (run.status, run.done) == (Status.RUNNING, 4)
    assert Scorecard.objects.filter(account_id__in=chunk.account_ids).count() == 4


def test_it_keeps_the_finished_chunks_when_the_run_is_claimed_again(
    accounts: list[Account], acme, broker: Broker, django_capture_on_commit_callbacks
) -> None:
    run = spread_run(acme, django_capture_on_commit_callbacks)
    first = run.chunks.first()
    scorecard_chunk_execute(chunk_id=first.pk)
    finished_at = ScorecardRunChunk.objects.get(pk=first.pk).finished_at
    queued_before = len(broker.queued())

    # The worker that split the run died before acknowledging it: its message comes back.
    with django_capture_on_commit_callbacks(execute=True):
        again = scorecard_run_execute(run_id=run.pk, reclaim_running=True, spread=True)

    assert (again.status, again.done, again.total) == (Status.RUNNING, 4, 10)
    assert run.chunks.count() == 3
    assert ScorecardRunChunk.objects.get(pk=first.pk).finished_at == finished_at
    requeued = broker.queued()[queued_before:]
    assert [m["argsrepr"] for m in requeued] == [
        f"({chunk.pk},)" for chunk in run.chunks.exclude(pk=first.pk)
    ]
    for chunk in run.chunks.exclude(pk=first.pk):
        scorecard_chunk_execute(chunk_id=chunk.pk)
    run.refresh_from_db()
    assert (run.status, run.done) == (Status.DONE, 10)


def test_it_gathers_every_chunk_s_account_errors_in_the_run(
    accounts: list[Account], acme, broker: Broker, django_capture_on_commit_callbacks
) -> None:
    # A ROAS of 10^13 fits no column: the account is listed, the rest are stored.
    broken = accounts[3]
    DailyMetric.objects.filter(account=broken).update(spend=0, revenue=0)
    DailyMetric.objects.update_or_create(
        account=broken,
        date=END,
        defaults={"spend": Decimal("0.01"), "revenue": Decimal("100000000000.00")},
    )
    run = spread_run(acme, django_capture_on_commit_callbacks)
    for chunk in run.chunks.all():
        scorecard_chunk_execute(chunk_id=chunk.pk)

    run.refresh_from_db()
    assert run.status == Status.DONE
    assert sorted((e["handle"], e["days"]) for e in run.account_errors) == [
        (broken.handle, 7),
        (broken.handle, 28),
    ]
    assert Scorecard.objects.count() == 8


def test_it_fails_the_run_when_a_chunk_breaks(
    accounts: list[Account],
    acme,
    broker: Broker,
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = spread_run(acme, django_capture_on_commit_callbacks)
    first, second, _ = run.chunks.all()
    scorecard_chunk_execute(chunk_id=first.pk)

    def broken(**kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(scorecards, "scorecards_compute", broken)
    result = scorecard_chunk_execute(chunk_id=second.pk)

    assert (result.status, result.error) == (Chunk.FAILED, "RuntimeError: database went away")
    run.refresh_from_db()
    assert (run.status, run.error) == (Status.FAILED, "RuntimeError: database went away")
    assert run.finished_at is not None
    # The remaining chunk's message finds the run over and does nothing.
    monkeypatch.undo()
    last = scorecard_chunk_execute(chunk_id=run.chunks.last().pk)
    assert last.status == Chunk.PENDING


def test_it_returns_quietly_when_the_chunk_is_gone(db: None) -> None:
    result = recompute_scorecard_chunk.apply(args=(987654,))

    assert result.successful()
    assert result.result is None


def test_it_declares_the_chunk_task_late_acknowledged_and_requeued_on_worker_loss() -> None:
    assert recompute_scorecard_chunk.acks_late is True
    assert recompute_scorecard_chunk.reject_on_worker_lost is True

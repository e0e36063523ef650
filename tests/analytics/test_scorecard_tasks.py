"""Scorecard runs: starting, queueing, claiming, finishing; and a real worker doing them."""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
import redis
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import Account
from analytics.models import DailyMetric, Scorecard, ScorecardRun
from analytics.services import scorecard_queue, scorecard_runs, scorecards
from analytics.services.scorecard_queue import (
    UNAVAILABLE_MESSAGE,
    WAITING_MESSAGE,
    BackgroundUnavailable,
    broker_available,
)
from analytics.services.scorecard_runs import (
    scorecard_run_create,
    scorecard_run_execute,
    scorecard_run_start,
)
from analytics.tasks import recompute_nightly, recompute_scorecards
from config.celery import app as celery_app
from lib.dates import yesterday
from tests.analytics.chunked import accounts_with_history, clean_run, stored_cards
from tests.analytics.conftest import Broker
from tests.factories import AccountFactory

END = date(2025, 3, 28)
DEAD_BROKER = "redis://127.0.0.1:1/0"
Status = ScorecardRun.Status


def seven_days(account: Account, views: int = 1000) -> None:
    DailyMetric.objects.bulk_create(
        DailyMetric(account=account, date=END - timedelta(days=n), video_views=views, likes=40)
        for n in range(7)
    )


@pytest.fixture
def team_accounts(acme, acmecoffee: Account, acme_deals: Account) -> list[Account]:
    seven_days(acmecoffee)
    seven_days(acme_deals, views=2000)
    return [acmecoffee, acme_deals]


def pending_run(team, days: tuple[int, ...] = (7, 28)) -> ScorecardRun:
    return scorecard_run_create(scope=ScorecardRun.Scope.TEAM, team=team, end=END, days=days)


# The broker check.


def test_it_finds_the_broker_when_redis_answers(broker: Broker) -> None:
    assert broker_available() is True


def test_it_reports_a_dead_broker_quickly_and_remembers_it(
    settings, broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CELERY_BROKER_URL = DEAD_BROKER
    connects = []
    real_from_url = redis.Redis.from_url
    monkeypatch.setattr(
        scorecard_queue.redis.Redis,
        "from_url",
        lambda url, **kw: connects.append(url) or real_from_url(url, **kw),
    )

    started = time.monotonic()
    first = broker_available()
    second = broker_available()

    assert (first, second) == (False, False)
    assert time.monotonic() - started < 1.5
    assert connects == [DEAD_BROKER]


def test_it_counts_the_broker_available_when_tasks_run_eagerly(settings) -> None:
    settings.CELERY_BROKER_URL = DEAD_BROKER
    settings.CELERY_TASK_ALWAYS_EAGER = True

    assert broker_available() is True


# Starting a run.


def test_it_records_a_run_and_queues_it_after_the_commit(
    acme, alice, broker: Broker, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = scorecard_run_start(
            scope=ScorecardRun.Scope.TEAM, team=acme, days=(28, 7, 28), requested_by=alice
        )
        assert broker.queued() == []

    assert (run.status, run.scope, run.team, run.requested_by) == (
        Status.PENDING,
        "team",
        acme,
        alice,
    )
    assert run.days == [7, 28]
    assert run.end == yesterday() == timezone.localdate() - timedelta(days=1)
    assert len(callbacks) == 1
    callbacks[0]()
    [message] = broker.queued()
    assert message["task"] == "analytics.tasks.recompute_scorecards"
    assert message["id"] == run.task_id
    assert message["argsrepr"] == f"({run.pk},)"


def test_it_records_the_run_to_queue_later_when_the_broker_is_down(acme, alice, settings) -> None:
    settings.CELERY_BROKER_URL = DEAD_BROKER

    with pytest.raises(BackgroundUnavailable, match="Background work is unavailable") as error:
        scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme, requested_by=alice)

    assert str(error.value) == WAITING_MESSAGE
    run = ScorecardRun.objects.get()
    assert error.value.run == run
    assert (run.status, run.task_id, run.team, run.requested_by) == (
        Status.PENDING,
        "",
        acme,
        alice,
    )
    assert run.waiting_for_queue


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_run_waiting_when_the_broker_refuses_the_job(
    acme, broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(recompute_scorecards, "apply_async", refuse)

    with pytest.raises(BackgroundUnavailable) as error:
        scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme)

    run = ScorecardRun.objects.get()
    assert error.value.run == run
    assert (run.status, run.task_id, run.error, run.finished_at) == (Status.PENDING, "", "", None)
    assert UNAVAILABLE_MESSAGE != WAITING_MESSAGE == str(error.value)


@pytest.mark.django_db(transaction=True)
def test_it_only_records_the_refusal_when_it_comes_at_a_later_commit(
    acme, broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        recompute_scorecards,
        "apply_async",
        lambda *a, **kw: (_ for _ in ()).throw(OperationalError("gone")),
    )

    # An import that queues a recompute must not be reported as failed once committed.
    with transaction.atomic():
        scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme)

    assert ScorecardRun.objects.get().waiting_for_queue


def test_it_runs_inline_when_tasks_run_eagerly(
    team_accounts: list[Account],
    acme,
    settings,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,
) -> None:
    # Celery's own setting first: it reads Django's, and its undo restores what it read.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = DEAD_BROKER

    with django_capture_on_commit_callbacks(execute=True):
        run = scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme, end=END, days=(7,))

    run.refresh_from_db()
    assert run.status == Status.DONE
    assert Scorecard.objects.filter(period_end=END, days=7).count() == 2


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"scope": "everything"}, "scope"),
        ({"scope": "team"}, "team"),
        ({"scope": "accounts"}, "account_ids"),
        ({"scope": "all", "days": (0,)}, "days"),
    ],
)
def test_it_rejects_a_run_without_a_scope_or_window(db: None, options: dict, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        scorecard_run_start(**options)

    assert field in error.value.message_dict
    assert not ScorecardRun.objects.exists()


# Executing a run.


def test_it_computes_every_window_and_records_progress(team_accounts: list[Account], acme) -> None:
    run = pending_run(acme)
    seen = []

    finished = scorecard_run_execute(run_id=run.pk, progress=lambda d, t: seen.append((d, t)))

    assert finished.status == Status.DONE
    assert (finished.done, finished.total, finished.percent) == (4, 4, 100)
    assert seen == [(0, 4), (2, 4), (4, 4)]
    assert finished.started_at <= finished.finished_at
    assert (finished.error, finished.account_errors) == ("", [])
    stored = Scorecard.objects.filter(period_end=END).values_list("account__handle", "days")
    assert sorted(stored) == [
        ("acme.deals", 7),
        ("acme.deals", 28),
        ("acmecoffee", 7),
        ("acmecoffee", 28),
    ]
    # 7 x 40 likes on 7 x 1000 views.
    assert Scorecard.objects.get(account__handle="acmecoffee", days=7).engagement_rate == Decimal(
        "0.04"
    )


def test_it_leaves_a_finished_run_alone_when_it_comes_again(
    team_accounts: list[Account], acme
) -> None:
    run = scorecard_run_execute(run_id=pending_run(acme).pk)
    computed = list(Scorecard.objects.order_by("pk").values_list("computed_at", flat=True))

    again = scorecard_run_execute(run_id=run.pk)

    assert again.status == Status.DONE
    assert again.finished_at == run.finished_at
    assert list(Scorecard.objects.order_by("pk").values_list("computed_at", flat=True)) == computed


def test_it_leaves_a_run_another_worker_is_running_alone(
    team_accounts: list[Account], acme
) -> None:
    run = pending_run(acme)
    ScorecardRun.objects.filter(pk=run.pk).update(status=Status.RUNNING, started_at=timezone.now())

    result = scorecard_run_execute(run_id=run.pk)

    assert result.status == Status.RUNNING
    assert not Scorecard.objects.exists()


def test_it_reclaims_a_stale_running_run_and_completes_it(
    team_accounts: list[Account], acme
) -> None:
    run = pending_run(acme)
    abandoned_at = timezone.now() - scorecard_runs.stale_after() - timedelta(seconds=1)
    ScorecardRun.objects.filter(pk=run.pk).update(
        status=Status.RUNNING, started_at=abandoned_at, done=1, total=4
    )

    result = scorecard_run_execute(run_id=run.pk)

    assert result.status == Status.DONE
    assert result.started_at > abandoned_at
    assert (result.done, result.total) == (4, 4)
    assert Scorecard.objects.count() == 4


def test_it_reclaims_a_running_run_at_once_for_a_redelivered_message(
    team_accounts: list[Account], acme
) -> None:
    run = pending_run(acme)
    ScorecardRun.objects.filter(pk=run.pk).update(status=Status.RUNNING, started_at=timezone.now())

    result = scorecard_run_execute(run_id=run.pk, reclaim_running=True)

    assert result.status == Status.DONE
    assert Scorecard.objects.count() == 4


def test_it_records_the_accounts_it_could_not_score_and_finishes(
    team_accounts: list[Account], acme, acme_deals: Account
) -> None:
    DailyMetric.objects.filter(account=acme_deals, date=END).update(
        spend=Decimal("0.01"), revenue=Decimal("100000000000.00")
    )
    run = pending_run(acme, days=(7,))

    result = scorecard_run_execute(run_id=run.pk)

    assert result.status == Status.DONE
    assert [(e["handle"], e["days"]) for e in result.account_errors] == [("acme.deals", 7)]
    assert "roas" in result.account_errors[0]["error"]
    assert list(Scorecard.objects.values_list("account__handle", flat=True)) == ["acmecoffee"]


def test_it_fails_the_run_with_the_error_when_computing_breaks(
    team_accounts: list[Account], acme, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(scorecards, "scorecards_compute", broken)

    result = scorecard_run_execute(run_id=pending_run(acme).pk)

    assert result.status == Status.FAILED
    assert result.error == "RuntimeError: database went away"
    assert result.finished_at is not None


def test_it_scopes_a_run_to_a_team_some_accounts_or_every_active_account(
    team_accounts: list[Account], acme, globex_main: Account
) -> None:
    archived = AccountFactory(team=acme, handle="old", archived=True)
    team_run = pending_run(acme, days=(7,))
    accounts_run = scorecard_run_create(
        scope=ScorecardRun.Scope.ACCOUNTS, account_ids=[archived.pk], end=END, days=(7,)
    )
    all_run = scorecard_run_create(scope=ScorecardRun.Scope.ALL, end=END, days=(28,))

    def handles(run: ScorecardRun) -> list[str]:
        scorecard_run_execute(run_id=run.pk)
        start = END - timedelta(days=run.days[0] - 1)
        cards = Scorecard.objects.filter(period_start=start, period_end=END)
        return sorted(cards.values_list("account__handle", flat=True))

    assert handles(team_run) == ["acme.deals", "acmecoffee"]
    assert handles(accounts_run) == ["acme.deals", "acmecoffee", "old"]
    assert handles(all_run) == ["acme.deals", "acmecoffee", "globex"]


# The tasks.


def test_it_declares_the_task_late_acknowledged_and_requeued_on_worker_loss() -> None:
    assert recompute_scorecards.acks_late is True
    assert recompute_scorecards.reject_on_worker_lost is True


def test_it_executes_the_run_in_the_task(team_accounts: list[Account], acme) -> None:
    run = pending_run(acme)

    recompute_scorecards.apply(args=(run.pk,))

    run.refresh_from_db()
    assert run.status == Status.DONE
    assert Scorecard.objects.count() == 4


def test_it_returns_quietly_when_the_run_is_gone(db: None) -> None:
    result = recompute_scorecards.apply(args=(987654,))

    assert result.successful()
    assert result.result is None


def test_it_queues_the_nightly_run_for_every_account(
    db: None, broker: Broker, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run_id = recompute_nightly.apply().result

    run = ScorecardRun.objects.get(pk=run_id)
    assert (run.scope, run.days, run.end, run.status) == ("all", [7, 28], yesterday(), "pending")
    assert [m["id"] for m in broker.queued()] == [run.task_id]


# A real worker.


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_recomputes_through_a_real_worker(celery_worker, acme, acmecoffee: Account) -> None:
    seven_days(acmecoffee)
    worker = celery_worker()

    run = scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme, end=END, days=(7, 28))

    finished = worker.wait_for_run(run.pk)
    assert finished.status == Status.DONE, finished.error
    assert (finished.done, finished.total) == (2, 2)
    card = Scorecard.objects.get(account=acmecoffee, days=7, period_end=END)
    assert (card.views, card.interactions) == (7000, 280)
    assert card.engagement_rate == Decimal("0.04")
    # Rate 0.04 / 0.05 -> 80; no follower or paid figures: engagement = overall = 80.
    assert card.overall_score == Decimal("80.0")
    assert "recompute_scorecards" in worker.output()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_runs_a_job_again_when_its_worker_process_dies(
    celery_worker, acme, acmecoffee: Account, tmp_path
) -> None:
    seven_days(acmecoffee)
    marker = tmp_path / "crashed"
    worker = celery_worker(
        app="tests.analytics.crashing_worker",
        pool="prefork",
        env={"PLAYBOOK_CRASH_MARKER": str(marker)},
    )

    run = scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme, end=END, days=(7,))

    finished = worker.wait_for_run(run.pk)
    # The first pool process claimed the run and died in it; the message came back
    # (reject_on_worker_lost) and the next process re-claimed the run and finished it.
    assert marker.exists()
    assert "WorkerLostError" in worker.output()
    assert finished.status == Status.DONE, finished.error
    assert finished.started_at.timestamp() >= marker.stat().st_mtime
    assert Scorecard.objects.get(account=acmecoffee, days=7).views == 7000


# Once per period, and the sweep of runs recorded while the broker was down.


def test_it_queues_the_nightly_run_once_a_day(
    db: None, broker: Broker, django_capture_on_commit_callbacks
) -> None:

    night = time_machine.travel("2025-03-29 02:15:00+00:00", tick=False)
    with night, django_capture_on_commit_callbacks(execute=True):
        first = recompute_nightly.apply().result
        second = recompute_nightly.apply().result
    next_night = time_machine.travel("2025-03-30 02:15:00+00:00", tick=False)
    with next_night, django_capture_on_commit_callbacks(execute=True):
        next_day = recompute_nightly.apply().result

    assert second is None
    runs = ScorecardRun.objects.order_by("end")
    assert [(r.pk, r.end) for r in runs] == [
        (first, date(2025, 3, 28)),
        (next_day, END + timedelta(1)),
    ]
    assert [m["id"] for m in broker.queued()] == [r.task_id for r in runs]


def test_it_declares_the_sweep_on_the_beat_schedule() -> None:
    from analytics.tasks import dispatch_pending_runs

    entry = celery_app.conf.beat_schedule["pending-scorecard-runs"]
    assert entry["task"] == dispatch_pending_runs.name == "analytics.tasks.dispatch_pending_runs"
    assert entry["schedule"] == 60.0


def test_it_queues_the_runs_recorded_while_the_broker_was_down(
    acme, alice, broker: Broker, settings
) -> None:
    broker_url = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = DEAD_BROKER
    waiting = []
    for days in ((7,), (28,)):
        with pytest.raises(BackgroundUnavailable) as error:
            scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme, days=days)
        waiting.append(error.value.run)
    queued_before = pending_run(acme)
    settings.CELERY_BROKER_URL = broker_url
    scorecard_queue._broker_answers.clear()

    assert scorecard_queue.scorecard_runs_dispatch_pending() == 2
    assert scorecard_queue.scorecard_runs_dispatch_pending() == 0

    for run in waiting:
        run.refresh_from_db()
    assert [run.status for run in waiting] == [Status.PENDING, Status.PENDING]
    assert all(run.task_id and not run.waiting_for_queue for run in waiting)
    # Oldest first; the run that had been queued already is not queued again.
    assert [m["id"] for m in broker.queued()] == [run.task_id for run in waiting]
    assert queued_before.task_id not in [m["id"] for m in broker.queued()]


def test_it_sweeps_nothing_while_the_broker_is_still_down(acme, settings) -> None:
    settings.CELERY_BROKER_URL = DEAD_BROKER
    with pytest.raises(BackgroundUnavailable):
        scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme)

    assert scorecard_queue.scorecard_runs_dispatch_pending() == 0
    assert ScorecardRun.objects.get().waiting_for_queue


@pytest.mark.django_db(transaction=True)
def test_it_puts_a_run_back_to_waiting_when_the_sweep_cannot_send_it(
    acme, broker: Broker, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = scorecard_run_create(scope=ScorecardRun.Scope.TEAM, team=acme, end=END, task_id="")
    monkeypatch.setattr(
        recompute_scorecards,
        "apply_async",
        lambda *a, **kw: (_ for _ in ()).throw(OperationalError("gone")),
    )

    assert scorecard_queue.scorecard_runs_dispatch_pending() == 0

    run.refresh_from_db()
    assert run.waiting_for_queue


def test_it_queues_again_a_run_whose_message_the_broker_lost(
    acme, broker: Broker, settings, django_capture_on_commit_callbacks
) -> None:
    settings.PENDING_SWEEP_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        lost = scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme, end=END)
    # Redis restarted without persistence: the queued message is gone.
    broker.client.delete(broker.queue)
    with django_capture_on_commit_callbacks(execute=True):
        held = scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme, end=END, days=(7,))
    recent = scorecard_run_create(scope=ScorecardRun.Scope.TEAM, team=acme, end=END)
    long_ago = timezone.now() - timedelta(seconds=121)
    ScorecardRun.objects.filter(pk__in=[lost.pk, held.pk]).update(created_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        assert scorecard_queue.scorecard_runs_dispatch_pending() == 1

    lost_task = lost.task_id
    lost.refresh_from_db()
    assert lost.task_id != lost_task and lost.status == Status.PENDING
    # The run still queued, and the one queued a moment ago, are left as they are.
    assert [m["id"] for m in broker.queued()] == [held.task_id, lost.task_id]
    recent_task = recent.task_id
    recent.refresh_from_db()
    assert recent.task_id == recent_task


def test_it_records_the_nightly_run_to_queue_later_when_the_broker_is_down(
    db: None, settings
) -> None:
    settings.CELERY_BROKER_URL = DEAD_BROKER
    # The claim itself needs Redis; here only the broker check fails.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("lib.periodic.period_claim", lambda **kwargs: True)
        run_id = recompute_nightly.apply().result

    run = ScorecardRun.objects.get(pk=run_id)
    assert (run.scope, run.end, run.waiting_for_queue) == ("all", yesterday(), True)


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
    first = celery_worker(env={"SCORECARD_RUN_CHUNK": "1"})
    second = celery_worker(env={"SCORECARD_RUN_CHUNK": "1"})

    run = scorecard_run_start(scope=ScorecardRun.Scope.TEAM, team=acme, end=END, days=(28,))

    finished = first.wait_for_run(run.pk)
    assert finished.status == Status.DONE, finished.error
    assert (finished.done, finished.total) == (8, 8)
    succeeded = [worker.output().count("recompute_scorecard_chunk") for worker in (first, second)]
    # Each worker logs a chunk it received and its success; both took some of the eight.
    assert sum(succeeded) >= 16
    assert all(count > 0 for count in succeeded)
    assert stored_cards() == clean_run(accounts, (28,))

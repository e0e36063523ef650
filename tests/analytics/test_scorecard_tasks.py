"""Scorecard runs: the broker check, starting, executing, the tasks, and a real worker."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
import redis
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import Account
from analytics.models import DailyMetric, Scorecard, ScorecardRun
from analytics.scorecards import compute as scorecards
from analytics.scorecards import queue as scorecard_queue
from analytics.scorecards import runs as scorecard_runs
from analytics.scorecards.queue import (
    UNAVAILABLE_MESSAGE,
    WAITING_MESSAGE,
    BackgroundUnavailable,
    broker_available,
)
from analytics.scorecards.runs import (
    scorecard_run_create,
    scorecard_run_execute,
    scorecard_run_start,
)
from analytics.tasks import recompute_nightly, recompute_scorecards
from config.celery import app as celery_app
from lib.dates import yesterday
from tests.analytics.conftest import Broker
from tests.analytics.runs import DEAD_BROKER, END, Status, pending_run, seven_days
from tests.factories import AccountFactory


@pytest.fixture
def team_accounts(acme, acmecoffee: Account, acme_deals: Account) -> list[Account]:
    seven_days(acmecoffee)
    seven_days(acme_deals, views=2000)
    return [acmecoffee, acme_deals]


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
    assert (run.scope, run.days, run.end, run.status) == (
        "all",
        [7, 28, 90],
        yesterday(),
        "pending",
    )
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

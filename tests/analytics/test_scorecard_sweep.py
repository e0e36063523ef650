"""Once per period, and the sweep of runs recorded while the broker was down."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone
from kombu.exceptions import OperationalError

from analytics.models import ScorecardRun
from analytics.scorecards import queue as scorecard_queue
from analytics.scorecards.queue import (
    BackgroundUnavailable,
)
from analytics.scorecards.runs import (
    scorecard_run_create,
    scorecard_run_start,
)
from analytics.tasks import recompute_nightly, recompute_scorecards
from config.celery import app as celery_app
from lib.dates import yesterday
from tests.analytics.conftest import Broker
from tests.analytics.runs import DEAD_BROKER, END, Status, pending_run

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

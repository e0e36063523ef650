"""A real Celery worker runs queued syncs against the fake TikTok (through Redis)."""

from __future__ import annotations

import time

import pytest

from analytics.models import DailyMetric, Scorecard, ScorecardRun
from config.celery import app as celery_app
from connections.models import SyncRun
from connections.services.sync import sync_run_start
from tests.analytics.conftest import Broker, broker, celery_worker  # noqa: F401 - fixtures
from tests.connections import fake_tiktok
from tests.connections.conftest import TOKEN_KEY, connect
from tests.connections.test_sync_service import D1, D2, day_one, day_two

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(run: SyncRun, worker, timeout: float = 60.0) -> SyncRun:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.finished:
            return run
        time.sleep(0.2)
    pytest.fail(f"sync {run.pk} unfinished ({run.status}):\n{worker.output()}")


def test_a_worker_syncs_queued_runs_and_derives_the_day(
    tiktok,
    settings,
    monkeypatch,
    acmecoffee,
    celery_worker,  # noqa: F811
) -> None:
    # The app's conf first: it reads Django's settings live, so patched after them it
    # would remember the changed value as the one to restore.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    worker = celery_worker(
        env={
            "TIKTOK_CLIENT_KEY": fake_tiktok.CLIENT_KEY,
            "TIKTOK_CLIENT_SECRET": fake_tiktok.CLIENT_SECRET,
            "TIKTOK_API_BASE": tiktok.url,
            "PLAYBOOK_TOKEN_KEYS": TOKEN_KEY,
            "TIKTOK_RATE_LIMIT": "3",
            # The worker's own recompute runs inline, so no message outlives the test.
            "CELERY_TASK_ALWAYS_EAGER": "true",
        }
    )
    connection = connect(tiktok, acmecoffee)
    day_one(tiktok)
    first = wait_for(sync_run_start(connection=connection, day=D1), worker)
    assert first.status == SyncRun.Status.DONE, first.error
    day_two(tiktok)
    second = wait_for(sync_run_start(connection=connection, day=D2), worker)
    assert second.status == SyncRun.Status.DONE, second.error
    row = DailyMetric.objects.get(account=acmecoffee, date=D2)
    assert (row.video_views, row.likes, row.comments, row.shares, row.followers) == (
        270,
        17,
        -1,
        3,
        1030,
    )
    assert Scorecard.objects.get(account=acmecoffee, period_end=D2, days=28).views == 270


def test_a_rate_limited_sync_is_handed_back_to_celery_and_done_by_its_retry(
    tiktok,
    settings,
    monkeypatch,
    acmecoffee,
    broker: Broker,  # noqa: F811
    celery_worker,  # noqa: F811
) -> None:
    """TikTok asks for 3 s (over TIKTOK_HAND_BACK_AFTER): the task retries with that
    countdown instead of sleeping, the run waits in the queue, then its retry syncs."""
    # The app's conf first: it reads Django's settings live, so patched after them it
    # would remember the changed value as the one to restore.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    worker = celery_worker(
        app="tests.connections.queue_worker",
        env={
            "TIKTOK_CLIENT_KEY": fake_tiktok.CLIENT_KEY,
            "TIKTOK_CLIENT_SECRET": fake_tiktok.CLIENT_SECRET,
            "TIKTOK_API_BASE": tiktok.url,
            "PLAYBOOK_TOKEN_KEYS": TOKEN_KEY,
            "TIKTOK_RATE_LIMIT": "0",
            "TIKTOK_HAND_BACK_AFTER": "1",
            "PLAYBOOK_TEST_QUEUE": broker.queue,
        },
    )
    connection = connect(tiktok, acmecoffee)
    day_one(tiktok)
    body = {"data": {}, "error": {"code": "rate_limit_exceeded", "message": "slow down"}}
    tiktok.state.fault("/v2/user/info/", 429, body, {"Retry-After": "3"})
    run = sync_run_start(connection=connection, day=D1)

    # While Celery holds the retry, the run is queued again, not running in a sleeping worker.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status != SyncRun.Status.RUNNING and run.step.startswith("Waiting"):
            break
        assert not run.finished, run.error
        time.sleep(0.05)
    assert run.status == SyncRun.Status.PENDING, worker.output()

    run = wait_for(run, worker)
    assert run.status == SyncRun.Status.DONE, run.error
    assert "Retry in 3" in worker.output()
    assert tiktok.state.calls.count(("GET", "/v2/user/info/")) == 2
    # The recompute the sync queued ran on the same worker, before the test ends.
    recompute = ScorecardRun.objects.get(account_ids=[acmecoffee.pk])
    assert worker.wait_for_run(recompute.pk).status == ScorecardRun.Status.DONE

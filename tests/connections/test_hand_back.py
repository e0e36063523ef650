"""A long rate-limit wait hands the sync back to Celery instead of sleeping in the worker.

The sync's task asks for it (`hand_back`); these tests call the service as the task does.
tests/connections/test_worker.py runs the same through a real worker and its retry.
"""

from __future__ import annotations

import time
import uuid
from datetime import date, timedelta

import pytest
import redis
from celery.exceptions import Retry
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from analytics.models import VideoSnapshot
from connections import client
from connections.client import RetryLater
from connections.models import AccountSnapshot, Connection, SyncRun
from connections.services import sync as sync_service
from connections.services.sync import sync_run_execute, sync_run_start
from connections.tasks import SYNC_HAND_BACKS, sync_connection
from tests.connections.conftest import connect

DAY = date(2025, 3, 11)
TOKEN = "/v2/oauth/token/"
USER = "/v2/user/info/"
VIDEOS = "/v2/video/list/"
RATE_LIMITED = {"data": {}, "error": {"code": "rate_limit_exceeded", "message": "slow down"}}


def with_video(tiktok) -> None:  # noqa: ANN001
    tiktok.state.video("7001", created=1741600000, views=10, likes=1, comments=0, shares=0)


def queued_run(connection: Connection) -> SyncRun:
    return sync_run_start(connection=connection, day=DAY, enqueue=False)


def stored(account) -> tuple[int, int]:  # noqa: ANN001
    return (
        AccountSnapshot.objects.filter(account=account).count(),
        VideoSnapshot.objects.filter(video__account=account).count(),
    )


@pytest.mark.django_db
def test_it_hands_a_long_retry_after_back_without_sleeping_or_writing(
    tiktok, acmecoffee, settings, login, alice
) -> None:
    settings.TIKTOK_HAND_BACK_AFTER = 5.0
    with_video(tiktok)
    tiktok.state.fault(VIDEOS, 429, RATE_LIMITED, {"Retry-After": "30"})
    run = queued_run(connect(tiktok, acmecoffee))

    with pytest.raises(RetryLater) as raised:
        sync_run_execute(run_id=run.pk, hand_back=True)

    # The countdown is TikTok's Retry-After plus up to a second of jitter.
    assert 30.0 <= raised.value.countdown <= 31.0
    assert tiktok.sleeps == []
    assert tiktok.state.calls.count(("POST", VIDEOS)) == 1
    run.refresh_from_db()
    # Back in the queue, for the task's retry to claim again; nothing of the day stored.
    assert run.status == SyncRun.Status.PENDING
    assert run.step.startswith("Waiting 3") and "rate limit" in run.step
    assert run.started_at is not None and run.finished_at is None
    assert stored(acmecoffee) == (0, 0)
    connection = Connection.objects.get(pk=run.connection_id)
    assert connection.last_sync_at is None and connection.last_error == ""
    # The run's page says it is queued again, and why.
    page = login(alice).get(reverse("connections:sync-run", args=["acme", run.public_id]))
    assert page.status_code == 200
    assert "Queued" in page.content.decode() and escape(run.step) in page.content.decode()


@pytest.mark.django_db
def test_the_retry_syncs_the_day_once_with_the_token_refreshed_before(
    tiktok, acmecoffee, settings
) -> None:
    settings.TIKTOK_HAND_BACK_AFTER = 5.0
    with_video(tiktok)
    # TikTok retires a refresh token once used: a second refresh with it would be refused.
    tiktok.state.rotate_refresh = True
    connection = connect(tiktok, acmecoffee)
    Connection.objects.filter(pk=connection.pk).update(
        access_expires_at=timezone.now() - timedelta(minutes=1)
    )
    tiktok.state.fault(USER, 429, RATE_LIMITED, {"Retry-After": "20"})
    run = queued_run(connection)

    with pytest.raises(RetryLater):
        sync_run_execute(run_id=run.pk, hand_back=True)
    # The refresh made before the 429 is kept: the retry uses its token.
    connection.refresh_from_db()
    assert connection.access_expires_at > timezone.now() + timedelta(hours=1)

    again = sync_run_execute(run_id=run.pk, hand_back=True)

    assert again.status == SyncRun.Status.DONE, again.error
    assert tiktok.state.calls.count(("POST", TOKEN)) == 1
    assert tiktok.state.calls.count(("GET", USER)) == 2
    assert stored(acmecoffee) == (1, 1)
    assert tiktok.sleeps == []


@pytest.mark.django_db
def test_it_still_waits_in_place_for_a_short_retry_after(tiktok, acmecoffee, settings) -> None:
    settings.TIKTOK_HAND_BACK_AFTER = 5.0
    with_video(tiktok)
    tiktok.state.fault(USER, 429, RATE_LIMITED, {"Retry-After": "3"})
    run = sync_run_execute(run_id=queued_run(connect(tiktok, acmecoffee)).pk, hand_back=True)
    assert run.status == SyncRun.Status.DONE, run.error
    assert tiktok.sleeps == [3.0]


@pytest.mark.django_db
def test_a_refresh_answered_429_is_not_handed_back(tiktok, acmecoffee, settings) -> None:
    """A refresh is no read: refused with 429 it fails this sync only, as without hand-back."""
    settings.TIKTOK_HAND_BACK_AFTER = 5.0
    with_video(tiktok)
    connection = connect(tiktok, acmecoffee)
    tiktok.state.expire_access_tokens()
    tiktok.state.fault(TOKEN, 429, {"error": "rate_limit_exceeded"}, {"Retry-After": "30"})
    run = sync_run_execute(run_id=queued_run(connection).pk, hand_back=True)
    assert run.status == SyncRun.Status.FAILED
    assert "next sync tries again" in run.error
    assert tiktok.state.calls.count(("POST", TOKEN)) == 1
    assert tiktok.sleeps == []
    connection.refresh_from_db()
    assert not connection.needs_reconnect


@pytest.mark.django_db
def test_a_run_handed_back_and_never_retried_is_failed_as_stale(tiktok, acmecoffee) -> None:
    connection = connect(tiktok, acmecoffee)
    lost = queued_run(connection)
    SyncRun.objects.filter(pk=lost.pk).update(started_at=timezone.now() - timedelta(hours=1))
    fresh = sync_run_start(connection=connection, day=DAY + timedelta(days=1), enqueue=False)
    lost.refresh_from_db()
    assert lost.status == SyncRun.Status.FAILED
    assert fresh.status == SyncRun.Status.PENDING


@pytest.mark.django_db
def test_run_eagerly_the_task_waits_in_place_as_long_as_retry_after_allows(
    tiktok, acmecoffee, settings
) -> None:
    """Eager (the demo), Celery would run a retry at once: the task waits instead, and a
    Retry-After over a minute is cut to one."""
    settings.TIKTOK_HAND_BACK_AFTER = 5.0
    with_video(tiktok)
    tiktok.state.fault(USER, 429, RATE_LIMITED, {"Retry-After": "90"})
    run = queued_run(connect(tiktok, acmecoffee))
    sync_connection.apply(args=[run.pk])
    run.refresh_from_db()
    assert run.status == SyncRun.Status.DONE, run.error
    assert tiktok.sleeps == [client.MAX_RETRY_AFTER]


def test_a_spent_budget_hands_the_call_back_before_it_is_sent(settings, monkeypatch) -> None:
    settings.TIKTOK_RATE_LIMIT = 1
    settings.TIKTOK_CLIENT_KEY = f"hand-back-{uuid.uuid4().hex}"
    sleeps: list[float] = []
    monkeypatch.setattr(client, "sleep", sleeps.append)
    redis_client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    now = int(time.time())
    # Ten calls already over budget in this second and the next (the clock may tick).
    for second in (now, now + 1):
        key = client.RATE_KEY.format(app=settings.TIKTOK_CLIENT_KEY, second=second)
        redis_client.set(key, 11, ex=5)

    with pytest.raises(RetryLater) as raised:
        client.wait_for_budget(hand_back_after=2.0)

    # Ten calls ahead, one a second: about ten seconds, plus the jitter.
    assert 9.0 <= raised.value.countdown <= 12.0
    assert sleeps == []
    redis_client.close()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("retries", "hands_back"), [(0, True), (SYNC_HAND_BACKS - 1, True), (SYNC_HAND_BACKS, False)]
)
def test_the_task_hands_back_at_most_sync_hand_backs_times(
    tiktok, acmecoffee, monkeypatch, retries: int, hands_back: bool
) -> None:
    asked: list[bool] = []
    countdowns: list[float] = []

    def execute(*, run_id: int, hand_back: bool) -> None:
        asked.append(hand_back)
        if hand_back:
            raise RetryLater("busy", countdown=12.5)

    def retry(*, countdown: float) -> Retry:
        countdowns.append(countdown)
        return Retry(when=countdown)

    monkeypatch.setattr(sync_service, "sync_run_execute", execute)
    monkeypatch.setattr(sync_connection, "retry", retry)
    run = queued_run(connect(tiktok, acmecoffee))
    # As a worker runs it: neither eager nor called directly, after `retries` retries.
    sync_connection.push_request(retries=retries, is_eager=False, called_directly=False)
    try:
        if hands_back:
            with pytest.raises(Retry):
                sync_connection.run(run.pk)
        else:
            sync_connection.run(run.pk)
    finally:
        sync_connection.pop_request()
    assert asked == [hands_back]
    assert countdowns == ([12.5] if hands_back else [])

"""Faults: 429 with Retry-After, 5xx, malformed bodies, expired tokens, refused refreshes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from analytics.models import VideoSnapshot
from connections import tokens
from connections.models import Connection, SyncRun
from connections.services.sync import SyncBusy, connection_sync, sync_run_execute, sync_run_start
from tests.connections.conftest import connect

DAY = date(2025, 3, 11)
USER = "/v2/user/info/"
VIDEOS = "/v2/video/list/"


def with_video(tiktok) -> None:  # noqa: ANN001
    tiktok.state.video("7001", created=1741600000, views=10, likes=1, comments=0, shares=0)


@pytest.mark.django_db
def test_it_waits_as_long_as_retry_after_says_then_succeeds(tiktok, acmecoffee) -> None:
    with_video(tiktok)
    body = {"data": {}, "error": {"code": "rate_limit_exceeded", "message": "slow down"}}
    tiktok.state.fault(USER, 429, body, {"Retry-After": "7"})
    connection_sync(connection=connect(tiktok, acmecoffee), day=DAY)
    assert tiktok.sleeps == [7.0]
    assert tiktok.state.calls.count(("GET", USER)) == 2


@pytest.mark.django_db
def test_it_backs_off_on_5xx_and_gives_up_after_every_attempt(tiktok, acmecoffee, settings) -> None:
    settings.TIKTOK_MAX_ATTEMPTS = 3
    with_video(tiktok)
    tiktok.state.fault(VIDEOS, 503, {"error": {"code": "internal_error"}})
    connection_sync(connection=connect(tiktok, acmecoffee), day=DAY)
    # One backoff: 0.5 s, plus up to 0.5 s of jitter.
    assert len(tiktok.sleeps) == 1 and 0.5 <= tiktok.sleeps[0] <= 1.0
    for _ in range(3):
        tiktok.state.fault(USER, 500, b"<html>oops</html>")
    connection = Connection.objects.get(account=acmecoffee)
    run = sync_run_start(connection=connection, day=DAY + timedelta(days=1), enqueue=False)
    run = sync_run_execute(run_id=run.pk)
    assert run.status == SyncRun.Status.FAILED
    assert run.error == "user info: TikTok answered 500, 3 attempts"
    connection.refresh_from_db()
    assert (connection.last_sync_ok, connection.last_error) == (False, run.error)
    # What the first sync stored stays.
    assert VideoSnapshot.objects.filter(video__account=acmecoffee, date=DAY).count() == 1


@pytest.mark.django_db
def test_it_fails_clearly_on_a_malformed_body_and_writes_nothing(tiktok, acmecoffee) -> None:
    with_video(tiktok)
    tiktok.state.fault(VIDEOS, 200, b'{"data": {"videos": "not a list"}, "error": {"code": "ok"}}')
    connection = connect(tiktok, acmecoffee)
    run = sync_run_execute(run_id=sync_run_start(connection=connection, day=DAY, enqueue=False).pk)
    assert run.status == SyncRun.Status.FAILED
    assert run.error == "video list: TikTok's answer has no videos list"
    tiktok.state.fault(USER, 200, b"not json at all")
    run = sync_run_execute(run_id=sync_run_start(connection=connection, day=DAY, enqueue=False).pk)
    assert "not the JSON object" in run.error
    assert not VideoSnapshot.objects.exists()


@pytest.mark.django_db
def test_it_refreshes_an_expired_token_and_stores_the_new_one(tiktok, acmecoffee) -> None:
    with_video(tiktok)
    connection = connect(tiktok, acmecoffee)
    old = tokens.decrypt(connection.access_token)
    tiktok.state.expire_access_tokens()
    connection_sync(connection=connection, day=DAY)
    connection.refresh_from_db()
    new = tokens.decrypt(connection.access_token)
    assert new != old and new in tiktok.state.access_tokens
    assert old not in connection.access_token  # stored encrypted
    assert connection.status == Connection.Status.ACTIVE


@pytest.mark.django_db
def test_it_refreshes_before_expiry(tiktok, acmecoffee) -> None:
    with_video(tiktok)
    connection = connect(tiktok, acmecoffee)
    connection.access_expires_at = timezone.now() + timedelta(minutes=2)
    connection.save()
    connection_sync(connection=connection, day=DAY)
    assert tiktok.state.calls[0] == ("POST", "/v2/oauth/token/")


@pytest.mark.django_db
def test_it_marks_a_connection_whose_refresh_fails_as_needing_reconnecting(
    tiktok, acmecoffee
) -> None:
    with_video(tiktok)
    connection = connect(tiktok, acmecoffee)
    tiktok.state.expire_access_tokens()
    tiktok.state.refresh_refused = True
    run = sync_run_execute(run_id=sync_run_start(connection=connection, day=DAY, enqueue=False).pk)
    assert run.status == SyncRun.Status.FAILED
    assert "connect it again" in run.error
    connection.refresh_from_db()
    assert connection.needs_reconnect
    calls = len(tiktok.state.calls)
    run = sync_run_execute(run_id=sync_run_start(connection=connection, day=DAY, enqueue=False).pk)
    assert run.status == SyncRun.Status.FAILED
    assert len(tiktok.state.calls) == calls  # no call is made for a connection to reconnect


@pytest.mark.django_db
def test_it_never_runs_two_syncs_of_one_connection_at_once(tiktok, acmecoffee) -> None:
    connection = connect(tiktok, acmecoffee)
    first = sync_run_start(connection=connection, day=DAY, enqueue=False)
    with pytest.raises(SyncBusy):
        sync_run_start(connection=connection, day=DAY, enqueue=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        SyncRun.objects.create(connection=connection, date=DAY, status=SyncRun.Status.RUNNING)
    # A second claim of the same run gets nothing.
    assert sync_run_execute(run_id=first.pk) is not None
    assert sync_run_execute(run_id=first.pk) is None


@pytest.mark.django_db
def test_it_fails_a_stale_running_sync_so_a_new_one_may_start(tiktok, acmecoffee) -> None:
    connection = connect(tiktok, acmecoffee)
    stale = sync_run_start(connection=connection, day=DAY, enqueue=False)
    SyncRun.objects.filter(pk=stale.pk).update(
        status=SyncRun.Status.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )
    fresh = sync_run_start(connection=connection, day=DAY, enqueue=False)
    stale.refresh_from_db()
    assert stale.status == SyncRun.Status.FAILED
    assert fresh.status == SyncRun.Status.PENDING


@pytest.mark.django_db
def test_it_keeps_tokens_out_of_errors_and_logs(tiktok, acmecoffee, caplog) -> None:
    connection = connect(tiktok, acmecoffee)
    access = tokens.decrypt(connection.access_token)
    refresh = tokens.decrypt(connection.refresh_token)
    tiktok.state.expire_access_tokens()
    tiktok.state.refresh_refused = True
    run = sync_run_execute(run_id=sync_run_start(connection=connection, day=DAY, enqueue=False).pk)
    text = run.error + caplog.text + Connection.objects.get(pk=connection.pk).last_error
    assert access not in text and refresh not in text

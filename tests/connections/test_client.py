"""The TikTok client: one keep-alive client per sync, jittered retries for reads only,
a token refresh never repeated blind, one Redis client per process for the rate limit."""

from __future__ import annotations

import time
from datetime import date

import httpx
import pytest

from connections import client, tokens
from connections.models import Connection, SyncRun
from connections.services.sync import connection_sync, sync_run_execute, sync_run_start
from tests.connections.conftest import connect

DAY = date(2025, 3, 11)
TOKEN = "/v2/oauth/token/"
USER = "/v2/user/info/"
VIDEOS = "/v2/video/list/"


def videos(tiktok, count: int) -> None:  # noqa: ANN001
    for number in range(count):
        tiktok.state.video(
            f"70{number:02d}",
            created=1741600000 + number * 60,
            views=10,
            likes=1,
            comments=0,
            shares=0,
        )


@pytest.mark.django_db
def test_a_refresh_that_times_out_is_not_retried_and_needs_no_reconnect(
    tiktok, acmecoffee, settings
) -> None:
    settings.TIKTOK_MAX_ATTEMPTS = 4
    settings.TIKTOK_TIMEOUT = 0.3
    videos(tiktok, 1)
    connection = connect(tiktok, acmecoffee)
    refresh = tokens.decrypt(connection.refresh_token)
    tiktok.state.expire_access_tokens()
    # TikTok refreshes (and retires the old refresh token) but answers too late.
    tiktok.state.rotate_refresh = True
    tiktok.state.delays[TOKEN] = [0.8]
    run = sync_run_execute(run_id=sync_run_start(connection=connection, day=DAY, enqueue=False).pk)
    assert run.status == SyncRun.Status.FAILED
    assert run.error == (
        "token refresh: TikTok did not answer within 0.3 s, not retried. "
        "The access token was not refreshed this time; the next sync tries again."
    )
    assert tiktok.state.calls.count(("POST", TOKEN)) == 1
    assert tiktok.sleeps == []
    connection.refresh_from_db()
    assert connection.status == Connection.Status.ACTIVE and not connection.needs_reconnect
    # TikTok did refresh (retiring the old refresh token) after the client gave up; the
    # old refresh token was never sent again.
    time.sleep(1)
    assert refresh not in tiktok.state.refresh_tokens
    assert tiktok.state.calls.count(("POST", TOKEN)) == 1


@pytest.mark.django_db
def test_a_refresh_answered_429_is_temporary_too(tiktok, acmecoffee) -> None:
    videos(tiktok, 1)
    connection = connect(tiktok, acmecoffee)
    tiktok.state.expire_access_tokens()
    tiktok.state.fault(TOKEN, 429, {"error": "rate_limit_exceeded"}, {"Retry-After": "1"})
    run = sync_run_execute(run_id=sync_run_start(connection=connection, day=DAY, enqueue=False).pk)
    assert run.status == SyncRun.Status.FAILED
    assert "next sync tries again" in run.error
    assert tiktok.state.calls.count(("POST", TOKEN)) == 1
    connection.refresh_from_db()
    assert not connection.needs_reconnect


@pytest.mark.django_db
def test_reads_retry_with_jitter_and_stop_at_the_attempt_limit(
    tiktok, acmecoffee, settings
) -> None:
    settings.TIKTOK_MAX_ATTEMPTS = 4
    videos(tiktok, 1)
    for _ in range(4):
        tiktok.state.fault(USER, 503, {"error": {"code": "internal_error"}})
    connection = connect(tiktok, acmecoffee)
    run = sync_run_execute(run_id=sync_run_start(connection=connection, day=DAY, enqueue=False).pk)
    assert run.error == "user info: TikTok answered 503, 4 attempts"
    assert tiktok.state.calls.count(("GET", USER)) == 4
    # Three waits between four attempts: 0.5, 1 and 2 s, each plus its own jitter (< 0.5 s).
    assert len(tiktok.sleeps) == 3
    jitter = [wait - 0.5 * 2**n for n, wait in enumerate(tiktok.sleeps)]
    assert all(0 <= extra <= 0.5 for extra in jitter)
    assert len(set(jitter)) == 3
    connection.refresh_from_db()
    assert not connection.needs_reconnect


@pytest.mark.django_db
def test_one_keep_alive_client_serves_every_page_of_a_sync_and_is_closed(
    tiktok, acmecoffee, monkeypatch
) -> None:
    videos(tiktok, 5)  # three pages of two
    made: list[httpx.Client] = []
    sent: list[httpx.Request] = []
    original = client.new_http_client

    def spy() -> httpx.Client:
        http = original()
        http.event_hooks["request"].append(sent.append)
        made.append(http)
        return http

    monkeypatch.setattr(client, "new_http_client", spy)
    connection_sync(connection=connect(tiktok, acmecoffee), day=DAY)
    assert tiktok.state.calls.count(("POST", VIDEOS)) == 3
    assert len(made) == 1
    assert len(sent) == len(tiktok.state.calls) == 4  # the user and three pages
    assert made[0].is_closed
    assert made[0].timeout == httpx.Timeout(5.0)


def test_the_rate_limit_uses_one_redis_client_per_process(settings, monkeypatch) -> None:
    settings.TIKTOK_RATE_LIMIT = 1000
    monkeypatch.setattr(client, "_redis_client", None)
    first = client._redis()
    for _ in range(5):
        assert client.wait_for_budget() is not None
    assert client._redis() is first
    # Five calls, one connection: taken from the pool and given back each time.
    assert len(first.connection_pool._available_connections) == 1
    assert first.connection_pool._created_connections == 1

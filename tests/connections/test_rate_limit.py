"""The per-app rate limit, shared by every worker through Redis."""

from __future__ import annotations

import threading
import time
import uuid

from connections import client


def test_it_keeps_every_thread_under_the_apps_calls_per_second(settings, monkeypatch) -> None:
    settings.TIKTOK_RATE_LIMIT = 3
    settings.TIKTOK_CLIENT_KEY = f"rate-test-{uuid.uuid4().hex}"
    monkeypatch.setattr(client, "sleep", time.sleep)
    seconds: list[int] = []
    lock = threading.Lock()

    def call() -> None:
        for _ in range(3):
            # The second whose budget the call used: a clock read after it returns may
            # already be in the next one.
            second = client.wait_for_budget()
            with lock:
                seconds.append(second)

    # Three "workers" making nine calls: at most three in any one second.
    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(seconds) == 9 and None not in seconds
    assert max(seconds.count(second) for second in set(seconds)) <= 3
    assert len(set(seconds)) >= 3


def test_it_does_not_block_without_redis(settings) -> None:
    settings.TIKTOK_RATE_LIMIT = 1
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    started = time.monotonic()
    for _ in range(3):
        client.wait_for_budget()
    assert time.monotonic() - started < 5

"""Periodic jobs claim their period in Redis, so two beat schedulers cause one run."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from django.conf import settings

from lib.periodic import claim_key, once_per_period, period_claim, period_release

DAY = timedelta(days=1)


def test_it_gives_a_period_to_its_first_claim_only() -> None:
    assert period_claim(job="nightly", period="2025-03-28", ttl=DAY) is True
    assert period_claim(job="nightly", period="2025-03-28", ttl=DAY) is False
    assert period_claim(job="nightly", period="2025-03-29", ttl=DAY) is True
    assert period_claim(job="weekly", period="2025-03-28", ttl=DAY) is True


def test_it_lets_a_claim_expire_after_its_time_to_live() -> None:
    assert period_claim(job="nightly", period="2025-03-28", ttl=timedelta(hours=30))

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    ttl = client.ttl(claim_key("nightly", "2025-03-28"))
    client.close()
    assert 29 * 3600 < ttl <= 30 * 3600


def test_it_runs_a_job_once_per_period() -> None:
    period = ["2025-03-28"]
    calls = []

    @once_per_period(job="count", period=lambda: period[0], ttl=DAY)
    def job(value: int) -> int:
        calls.append(value)
        return value * 2

    assert (job(1), job(2)) == (2, None)
    period[0] = "2025-03-29"
    assert (job(3), job(4)) == (6, None)
    assert calls == [1, 3]
    assert job.__name__ == "job"


def test_it_gives_the_period_back_when_the_job_fails() -> None:
    attempts = []

    @once_per_period(job="flaky", period=lambda: "2025-03-28", ttl=DAY)
    def job() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("database went away")
        return "done"

    with pytest.raises(ConnectionError):
        job()
    assert job() == "done"
    assert job() is None
    assert len(attempts) == 2


def test_it_releases_a_period_on_request() -> None:
    assert period_claim(job="nightly", period="p", ttl=DAY)
    period_release(job="nightly", period="p")
    assert period_claim(job="nightly", period="p", ttl=DAY)


def test_it_claims_nothing_in_redis_when_tasks_run_eagerly(settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    assert period_claim(job="nightly", period="p", ttl=DAY) is True
    assert period_claim(job="nightly", period="p", ttl=DAY) is True

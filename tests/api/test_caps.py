"""Hourly caps per key, counted in Redis: 429 with Retry-After past the cap, served next hour."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
import time_machine

from api import caps
from api.models import ApiKey

pytestmark = pytest.mark.django_db


def test_it_answers_429_past_the_cap_and_serves_again_next_hour(call, key, settings) -> None:
    settings.PLAYBOOK_API_HOURLY_CAP = 3
    with time_machine.travel(datetime(2026, 5, 4, 10, 45, tzinfo=UTC), tick=False):
        assert [call("/api/v1/accounts", key).status_code for _ in range(3)] == [200] * 3
        refused = call("/api/v1/accounts", key)
        assert refused.status_code == 429
        assert refused["Content-Type"] == "application/problem+json"
        assert refused["Retry-After"] == str(15 * 60 + 1)
        assert "11:00" in refused.json()["detail"]
    with time_machine.travel(datetime(2026, 5, 4, 11, 0, 1, tzinfo=UTC), tick=False):
        assert call("/api/v1/accounts", key).status_code == 200


def test_it_counts_each_key_apart_with_its_own_cap(call, key, coffee_key, settings) -> None:
    settings.PLAYBOOK_API_HOURLY_CAP = 2
    ApiKey.objects.filter(name="Coffee only").update(hourly_cap=4)
    with time_machine.travel(datetime(2026, 5, 4, 10, 0, tzinfo=UTC), tick=False):
        assert [call("/api/v1/accounts", key).status_code for _ in range(3)] == [200, 200, 429]
        statuses = [call("/api/v1/accounts", coffee_key).status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 200, 429]


def test_it_counts_refused_requests_too(call, key, settings) -> None:
    settings.PLAYBOOK_API_HOURLY_CAP = 2
    with time_machine.travel(datetime(2026, 5, 4, 10, 0, tzinfo=UTC), tick=False):
        assert call("/api/v1/accounts/nosuch/days", key).status_code == 404
        assert call("/api/v1/accounts/nosuch/days", key).status_code == 404
        assert call("/api/v1/accounts", key).status_code == 429


def test_it_serves_uncounted_while_redis_is_down(call, key, settings, caplog) -> None:
    settings.PLAYBOOK_API_HOURLY_CAP = 1
    settings.PLAYBOOK_API_REDIS_URL = "redis://127.0.0.1:1/0"
    with caplog.at_level(logging.WARNING, logger="api.caps"):
        assert [call("/api/v1/accounts", key).status_code for _ in range(3)] == [200] * 3
    # One warning: Redis is left alone for a few seconds after it failed.
    assert [r.getMessage() for r in caplog.records if r.name == "api.caps"] == [
        "API usage is not counted for 5.0s: Redis fails (Error 111 connecting to "
        "127.0.0.1:1. Connection refused.)"
    ]


def test_it_counts_again_once_redis_answers(call, key, settings) -> None:
    settings.PLAYBOOK_API_HOURLY_CAP = 1
    caps.usage_reset()
    assert call("/api/v1/accounts", key).status_code == 200
    assert call("/api/v1/accounts", key).status_code == 429


def test_sessions_are_not_capped(call, login, alice, acmecoffee, settings) -> None:
    settings.PLAYBOOK_API_HOURLY_CAP = 1
    client = login(alice)
    assert [call("/api/v1/accounts", client=client).status_code for _ in range(3)] == [200] * 3

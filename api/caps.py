"""Hourly caps of API keys, counted in Redis so that every web process shares the count.

A key's requests are counted per clock hour (UTC) under one Redis key that expires after
the hour: past the cap the API answers 429 with Retry-After (the seconds to the next hour),
and the next hour starts from zero. When Redis does not answer, requests are served
uncounted (the cap guards against a runaway script, not against reading what the key may
read anyway) and a warning is logged; Redis is not asked again for a few seconds, so an
outage costs no request more than one short timeout.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 0.25
# After a failure, Redis is left alone this long and requests are served uncounted.
DOWN_SECONDS = 5.0

_client: redis.Redis | None = None
_client_url = ""
_down_until = 0.0


@dataclass(frozen=True)
class Usage:
    count: int | None  # None when Redis did not answer
    cap: int
    reset_at: datetime

    @property
    def exceeded(self) -> bool:
        return self.count is not None and self.count > self.cap

    @property
    def retry_after(self) -> int:
        return max(1, int((self.reset_at - timezone.now()).total_seconds()) + 1)

    @property
    def remaining(self) -> int | None:
        return None if self.count is None else max(0, self.cap - self.count)


def _redis() -> redis.Redis:
    global _client, _client_url
    url = settings.PLAYBOOK_API_REDIS_URL
    if _client is None or _client_url != url:
        _client = redis.Redis.from_url(
            url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        )
        _client_url = url
    return _client


def cap_of(hourly_cap: int | None) -> int:
    return hourly_cap or settings.PLAYBOOK_API_HOURLY_CAP


def count_request(*, key_id: int, hourly_cap: int | None) -> Usage:
    """Counts one request of the key in the current hour and says where it stands."""
    global _down_until
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    usage = Usage(count=None, cap=cap_of(hourly_cap), reset_at=hour + timedelta(hours=1))
    if time.monotonic() < _down_until:
        return usage
    name = f"{settings.PLAYBOOK_API_CAP_PREFIX}:{key_id}:{hour:%Y%m%d%H}"
    try:
        pipe = _redis().pipeline()
        pipe.incr(name)
        pipe.expire(name, 3600 + 60)
        count, _ = pipe.execute()
    except (redis.RedisError, OSError) as error:
        _down_until = time.monotonic() + DOWN_SECONDS
        logger.warning("API usage is not counted for %ss: Redis fails (%s)", DOWN_SECONDS, error)
        return usage
    return Usage(count=int(count), cap=usage.cap, reset_at=usage.reset_at)


def usage_reset() -> None:
    """Forgets that Redis failed (tests, and a process that knows it is back)."""
    global _down_until
    _down_until = 0.0

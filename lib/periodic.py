"""Periodic jobs that run once per period, however many beat schedulers send them.

Two `celery beat` processes (a deploy that overlaps, a second host started by mistake)
each send every scheduled job. The job's task claims its period first with one Redis
`SET NX` on the broker, keyed by job and period (the nightly run's day, the checklists'
week); only the first claim runs the job, every later one returns at once. The key
expires a little after its period, and a job that fails gives its claim back, so the
next beat or a retry can run it.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import redis
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = 5.0

Job = TypeVar("Job", bound=Callable[..., Any])


def claim_key(job: str, period: str) -> str:
    return f"{settings.PERIODIC_CLAIM_PREFIX}:{job}:{period}"


def period_claim(*, job: str, period: str, ttl: timedelta) -> bool:
    """True for the first caller of `job` in `period`; False for every later one.

    With tasks run eagerly (the demo, no Redis) there is one process and no beat to
    race, so every call may run.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    holder = f"{socket.gethostname()}:{os.getpid()}:{timezone.now().isoformat()}"
    with _client() as client:
        claimed = client.set(
            claim_key(job, period), holder, nx=True, ex=max(1, int(ttl.total_seconds()))
        )
    return bool(claimed)


def period_release(*, job: str, period: str) -> None:
    """Gives the period back, so that the job may run again in it."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    with _client() as client:
        client.delete(claim_key(job, period))


def once_per_period(*, job: str, period: Callable[[], str], ttl: timedelta) -> Callable[[Job], Job]:
    """Runs the decorated function only for the first claim of its period.

    `period()` names the current period (e.g. yesterday's date for a nightly job); a
    call that finds the period claimed logs it and returns None. Put it under
    `@shared_task`, so the task keeps the function's name.
    """

    def decorate(function: Job) -> Job:
        @functools.wraps(function)
        def run_once(*args: Any, **kwargs: Any) -> Any:
            current = period()
            if not period_claim(job=job, period=current, ttl=ttl):
                logger.info("Periodic job %s already ran for %s; skipped", job, current)
                return None
            try:
                return function(*args, **kwargs)
            except BaseException:
                period_release(job=job, period=current)
                raise

        return run_once  # type: ignore[return-value]

    return decorate


def _client() -> redis.Redis:
    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=CLAIM_TIMEOUT,
        socket_timeout=CLAIM_TIMEOUT,
    )

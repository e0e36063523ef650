"""Handing scorecard runs to the broker (Redis), and noticing when it does not answer.

A run recorded while the broker is down waits PENDING with no task id; the sweep
(`scorecard_runs_dispatch_pending`, below) queues it once the broker answers again, and
queues again the runs whose message the broker lost.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import redis
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from analytics.models import ScorecardRun
from analytics.tasks import recompute_scorecard_chunk, recompute_scorecards

logger = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = (
    "Background work is unavailable right now (the task queue does not answer), "
    "so scorecards cannot be recomputed. Stored scorecards are still shown; try again later."
)
WAITING_MESSAGE = (
    "Background work is unavailable right now (the task queue does not answer). "
    "The recompute is saved and starts by itself as soon as the queue answers again."
)

# How long the broker check may wait, and how long its answer is trusted. A page that
# shows the recompute button asks on every render; a dead Redis must not slow it down.
BROKER_CHECK_TIMEOUT = 1.0
BROKER_CHECK_TTL = 5.0

_broker_answers: dict[str, tuple[float, bool]] = {}


class BackgroundUnavailable(Exception):
    """The broker cannot take a job right now.

    `run` is the run recorded anyway, PENDING with no task id: the sweep
    (`scorecard_runs_dispatch_pending`) hands it to the queue once the broker answers.
    """

    def __init__(self, message: str | None = None, *, run: ScorecardRun | None = None) -> None:
        self.run = run
        super().__init__(message or (WAITING_MESSAGE if run else UNAVAILABLE_MESSAGE))


def broker_available() -> bool:
    """Whether Redis answers at CELERY_BROKER_URL; always True when tasks run eagerly."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    url = settings.CELERY_BROKER_URL
    now = time.monotonic()
    cached = _broker_answers.get(url)
    if cached is not None and now - cached[0] < BROKER_CHECK_TTL:
        return cached[1]
    try:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=BROKER_CHECK_TIMEOUT,
            socket_timeout=BROKER_CHECK_TIMEOUT,
        )
        try:
            answer = bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError):
        answer = False
    _broker_answers[url] = (now, answer)
    return answer


def missing_from_broker(task_ids: Sequence[str]) -> list[str]:
    """The task ids among `task_ids` that Redis holds neither queued nor unacknowledged.

    Reads kombu's Redis layout: each queue is a list of JSON messages (with the task id in
    their headers), and messages a worker took but has not acknowledged are kept in the
    hash `unacked` as [message, exchange, routing key].
    """
    if not task_ids:
        return []
    from celery import current_app

    queue = current_app.conf.task_default_queue
    held: set[str] = set()
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=BROKER_CHECK_TIMEOUT,
        socket_timeout=10 * BROKER_CHECK_TIMEOUT,
    )
    try:
        for raw in client.lrange(queue, 0, -1):
            held.add(_task_id_of(json.loads(raw)))
        for raw in client.hvals("unacked"):
            held.add(_task_id_of(json.loads(raw)[0]))
    except (redis.RedisError, OSError, ValueError, IndexError) as exc:
        # Unsure what the broker holds: assume it holds everything, and look again later.
        logger.warning("Could not read the broker's queue: %s", exc)
        return []
    finally:
        client.close()
    return [task_id for task_id in task_ids if task_id not in held]


def _task_id_of(message: dict[str, Any]) -> str:
    return str((message.get("headers") or {}).get("id", ""))


def enqueue_run(run_id: int, task_id: str, *, raise_unavailable: bool) -> None:
    try:
        recompute_scorecards.apply_async((run_id,), task_id=task_id)
    except (KombuOperationalError, redis.RedisError, OSError) as exc:
        logger.warning("Scorecard run %s not queued, it waits for the broker: %s", run_id, exc)
        _broker_answers.clear()
        # Back to waiting (no task id): the sweep queues it when the broker answers again.
        ScorecardRun.objects.filter(
            pk=run_id, status=ScorecardRun.Status.PENDING, task_id=task_id
        ).update(task_id="")
        if raise_unavailable:
            run = ScorecardRun.objects.filter(pk=run_id).first()
            raise BackgroundUnavailable(run=run) from exc


def enqueue_chunks(run_id: int, chunk_ids: list[int], *, queue: str | None) -> None:
    from celery import group

    options = {"queue": queue} if queue else {}
    try:
        group(recompute_scorecard_chunk.si(chunk_id) for chunk_id in chunk_ids).apply_async(
            **options
        )
    except (KombuOperationalError, redis.RedisError, OSError) as exc:
        logger.warning("Chunks of scorecard run %s not queued: %s", run_id, exc)
        _broker_answers.clear()
        ScorecardRun.objects.filter(pk=run_id, status=ScorecardRun.Status.RUNNING).update(
            status=ScorecardRun.Status.FAILED, error=UNAVAILABLE_MESSAGE, finished_at=timezone.now()
        )


def scorecard_runs_dispatch_pending(*, limit: int = 500) -> int:
    """Queues the runs the broker does not hold, oldest first; returns how many.

    Those are the runs recorded while the broker was down (no task id), and the queued
    runs whose message Redis lost (a restart without persistence): still PENDING a while
    after they were queued, yet neither in the queue nor taken by a worker. Each run is
    claimed by a new task id in one UPDATE before it is sent, so two sweeps at once never
    queue it twice; a send that fails puts it back. Should a message thought lost turn up
    after all, its run is DONE or RUNNING by then and the task leaves it alone.
    """
    if not broker_available():
        return 0
    pending = ScorecardRun.objects.filter(status=ScorecardRun.Status.PENDING)
    waiting = list(
        pending.filter(task_id="").order_by("created_at", "pk").values_list("pk", "task_id")
    )
    queued_before = timezone.now() - lost_after()
    queued = dict(
        pending.exclude(task_id="")
        .filter(created_at__lt=queued_before)
        .order_by("created_at", "pk")
        .values_list("task_id", "pk")[:limit]
    )
    lost = [(queued[task_id], task_id) for task_id in missing_from_broker(queued)]
    sent = 0
    for run_id, old_task_id in sorted(waiting + lost)[:limit]:
        task_id = str(uuid.uuid4())
        if not pending.filter(pk=run_id, task_id=old_task_id).update(task_id=task_id):
            continue
        try:
            enqueue_run(run_id, task_id, raise_unavailable=True)
        except BackgroundUnavailable:
            break
        sent += 1
    if sent:
        logger.info("Queued %s scorecard runs the broker did not hold", sent)
    return sent


def lost_after() -> timedelta:
    """How long a queued run may stay PENDING before the sweep looks for its message."""
    return timedelta(seconds=2 * settings.PENDING_SWEEP_SECONDS)

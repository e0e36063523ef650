"""Background work of the analytics app; each task loads its row and calls one service."""

from __future__ import annotations

import time
from datetime import timedelta

from celery import Task, shared_task
from django.conf import settings

from analytics.models import ScorecardRun, ScorecardRunChunk
from lib.dates import yesterday
from lib.periodic import once_per_period

# The services import these tasks to queue them, so each task imports its service when it
# runs: the module-level imports point one way, services -> tasks.

# Every window the Scorecards page offers, so none of them waits for a lead's recompute.
NIGHTLY_WINDOWS = (7, 28, 90)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def recompute_scorecards(self: Task, run_id: int) -> None:
    from analytics.scorecards.runs import scorecard_run_execute

    if not ScorecardRun.objects.filter(pk=run_id).exists():
        return
    # A message comes back only when the worker that had it died before acknowledging it
    # (acks_late, reject_on_worker_lost), so its RUNNING run is abandoned, not busy.
    delivery = self.request.delivery_info or {}
    # A big run's chunks follow it to the queue it came from, where its workers listen.
    scorecard_run_execute(
        run_id=run_id,
        reclaim_running=bool(delivery.get("redelivered")),
        spread=True,
        queue=delivery.get("routing_key") or None,
    )


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def recompute_scorecard_chunk(self: Task, chunk_id: int) -> None:
    """One chunk of a big run (see scorecard_run_spread), on whichever worker takes it."""
    from analytics.scorecards.runs import scorecard_chunk_execute

    if not ScorecardRunChunk.objects.filter(pk=chunk_id).exists():
        return
    delivery = self.request.delivery_info or {}
    scorecard_chunk_execute(chunk_id=chunk_id, reclaim_running=bool(delivery.get("redelivered")))


def nightly_period() -> str:
    """The nightly job's period: the day its windows end."""
    return yesterday().isoformat()


def sweep_period() -> str:
    """The sweep's period: the slot of PENDING_SWEEP_SECONDS the clock is in."""
    return str(int(time.time()) // settings.PENDING_SWEEP_SECONDS)


@shared_task
@once_per_period(job="nightly-scorecards", period=nightly_period, ttl=timedelta(days=2))
def recompute_nightly() -> int:
    """Celery beat's nightly job: every active account, 7, 28 and 90 days ending yesterday.

    Once per day however many beats send it; a later call that day returns None.
    """
    from analytics.scorecards.queue import BackgroundUnavailable
    from analytics.scorecards.runs import scorecard_run_start

    try:
        run = scorecard_run_start(scope=ScorecardRun.Scope.ALL, days=NIGHTLY_WINDOWS)
    except BackgroundUnavailable as unavailable:
        # Recorded all the same: the sweep queues it once the broker answers again.
        run = unavailable.run
    return run.pk


@shared_task
@once_per_period(
    job="pending-scorecard-runs",
    period=sweep_period,
    ttl=timedelta(seconds=2 * settings.PENDING_SWEEP_SECONDS),
)
def dispatch_pending_runs() -> int:
    """Celery beat, every PENDING_SWEEP_SECONDS: queues runs recorded while Redis was down."""
    from analytics.scorecards.queue import scorecard_runs_dispatch_pending

    return scorecard_runs_dispatch_pending()

"""Background work of the analytics app; each task loads its row and calls one service."""

from __future__ import annotations

from celery import Task, shared_task

from analytics.models import ScorecardRun, ScorecardRunChunk
from analytics.services.scorecards import (
    scorecard_chunk_execute,
    scorecard_run_execute,
    scorecard_run_start,
)

NIGHTLY_WINDOWS = (7, 28)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def recompute_scorecards(self: Task, run_id: int) -> None:
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
    if not ScorecardRunChunk.objects.filter(pk=chunk_id).exists():
        return
    delivery = self.request.delivery_info or {}
    scorecard_chunk_execute(chunk_id=chunk_id, reclaim_running=bool(delivery.get("redelivered")))


@shared_task
def recompute_nightly() -> int:
    """Celery beat's nightly job: every active account, 7 and 28 days ending yesterday."""
    run = scorecard_run_start(scope=ScorecardRun.Scope.ALL, days=NIGHTLY_WINDOWS)
    return run.pk

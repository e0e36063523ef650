"""Scorecard runs: recomputes in the background, recorded as ScorecardRun rows.

A run records who asked, its progress and the accounts that could not be scored; the
Celery task `analytics.tasks.recompute_scorecards` only calls `scorecard_run_execute`, and
a big run is spread over chunks (ScorecardRunChunk) that workers take one by one. The
scoring itself is analytics.scorecards.compute; handing work to the broker is
analytics.scorecards.queue.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Account, Team
from analytics.evidence import evidence_days_changed
from analytics.models import ScorecardRun, ScorecardRunChunk
from analytics.scorecards import compute as scorecards
from analytics.scorecards import history as scorecard_history
from analytics.scorecards import queue as scorecard_queue
from analytics.scorecards.compute import check_end
from analytics.scorecards.queue import (
    BackgroundUnavailable,
    enqueue_chunks,
    enqueue_run,
)
from analytics.signals import scorecard_run_done
from lib.dates import yesterday

logger = logging.getLogger(__name__)


def scorecard_run_create(
    *,
    scope: str,
    end: date | None = None,
    days: Sequence[int] = (7, 28),
    team: Team | None = None,
    account_ids: Sequence[int] = (),
    requested_by: AbstractBaseUser | None = None,
    task_id: str | None = None,
    history_from: date | None = None,
) -> ScorecardRun:
    """Records a PENDING run without queueing it (for in-process runs: --sync, the demo).

    An empty `task_id` marks a run that waits for the queue (see `scorecard_run_start`).
    """
    window_days = sorted({int(d) for d in days})
    ids = sorted({int(pk) for pk in account_ids})
    _check_scope(scope=scope, team=team, account_ids=ids, days=window_days)
    check_end(end)
    run = ScorecardRun(
        scope=scope,
        team=team,
        account_ids=ids,
        end=end or yesterday(),
        days=window_days,
        requested_by=requested_by,
        task_id=str(uuid.uuid4()) if task_id is None else task_id,
        history_from=history_from,
    )
    run.full_clean()
    run.save()
    return run


def scorecard_run_start(
    *,
    scope: str,
    end: date | None = None,
    days: Sequence[int] = (7, 28),
    team: Team | None = None,
    account_ids: Sequence[int] = (),
    requested_by: AbstractBaseUser | None = None,
    history_from: date | None = None,
) -> ScorecardRun:
    """Records a run and queues `recompute_scorecards` once the transaction commits.

    Nothing asked for is lost when the broker does not answer: the run is recorded
    PENDING without a task id, and BackgroundUnavailable (carrying the run) says so; the
    periodic sweep queues it once the broker is back. Should the broker fail between the
    check and the enqueue, the run is put back to waiting the same way; the exception is
    raised when the enqueue happened right away (no surrounding transaction), and only
    logged when it happened at a later commit, so a caller's committed work is never
    reported as failed. With CELERY_TASK_ALWAYS_EAGER (the demo) the task runs inline
    and the returned run is already finished.
    """
    _check_scope(scope=scope, team=team, account_ids=list(account_ids), days=[int(d) for d in days])
    check_end(end)
    if scope == ScorecardRun.Scope.ACCOUNTS and history_from is not None:
        # The imports and the API sync queue their accounts' recompute here, naming the days
        # they wrote: the checklists' figures that read those days follow in the same
        # transaction (the scorecards follow in the background).
        evidence_days_changed(account_ids=account_ids, start=history_from, end=end or yesterday())
    if not scorecard_queue.broker_available():
        waiting = scorecard_run_create(
            scope=scope,
            end=end,
            days=days,
            team=team,
            account_ids=account_ids,
            requested_by=requested_by,
            task_id="",
            history_from=history_from,
        )
        raise BackgroundUnavailable(run=waiting)
    run = scorecard_run_create(
        scope=scope,
        end=end,
        days=days,
        team=team,
        account_ids=account_ids,
        requested_by=requested_by,
        history_from=history_from,
    )
    immediate = not connection.in_atomic_block
    # This is `recompute_scorecards.delay_on_commit(run.pk)` plus what to do when the
    # broker refuses the job: the run must not stay PENDING forever.
    transaction.on_commit(partial(enqueue_run, run.pk, run.task_id, raise_unavailable=immediate))
    if immediate:
        run.refresh_from_db()
    return run


def scorecard_run_execute(
    *,
    run_id: int,
    progress: Callable[[int, int], None] | None = None,
    reclaim_running: bool = False,
    spread: bool = False,
    queue: str | None = None,
) -> ScorecardRun:
    """Claims the run, computes every window for its accounts, and finishes it.

    Idempotent: a run that is DONE, FAILED or RUNNING elsewhere is returned untouched.
    A RUNNING run older than `stale_after()` has lost its worker and is claimed again;
    `reclaim_running` (a redelivered task message) claims a RUNNING run at once, since a
    message is only redelivered when the worker that had it is gone.

    With `spread` (the Celery task), a run over more than SCORECARD_RUN_CHUNK accounts is
    split into chunks queued for every worker (`scorecard_run_spread`); the run is then
    returned RUNNING and the last chunk to finish finishes it. The chunks go to `queue`
    (the queue the run's own task came from), or else to the default queue.
    """
    claimed_at = _claim(
        ScorecardRun.objects.filter(pk=run_id),
        ScorecardRun.Status,
        reclaim_running=reclaim_running,
        total=0,
    )
    run = ScorecardRun.objects.select_related("team").get(pk=run_id)
    if claimed_at is None:
        return run
    # Every later write names the claim, so a run another worker has re-claimed in the
    # meantime is never overwritten by this one.
    mine = ScorecardRun.objects.filter(
        pk=run_id, status=ScorecardRun.Status.RUNNING, started_at=claimed_at
    )
    try:
        account_ids = list(_scope_accounts(run).values_list("pk", flat=True)) if spread else []
        if len(account_ids) > run_chunk_size():
            scorecard_run_spread(run=run, mine=mine, account_ids=account_ids, queue=queue)
        else:
            _execute(run, mine, progress)
    except Exception as exc:
        logger.exception("Scorecard run %s failed", run.public_id)
        mine.update(
            status=ScorecardRun.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


def run_chunk_size() -> int:
    """Accounts per chunk (settings.SCORECARD_RUN_CHUNK, at least 1): per task of a spread
    run, and per aggregate query inside a run, so a run over a team is one step and a run
    over every account reports progress as it goes."""
    return max(1, int(settings.SCORECARD_RUN_CHUNK))


@transaction.atomic
def scorecard_run_spread(
    *,
    run: ScorecardRun,
    mine: QuerySet[ScorecardRun],
    account_ids: Sequence[int],
    queue: str | None = None,
) -> list[ScorecardRunChunk]:
    """Splits a claimed run into chunks and queues one task per unfinished chunk.

    Safe to repeat for a run claimed again: its existing chunks are kept (the finished
    ones are not computed again) and the unfinished ones are queued again; a chunk that
    is running elsewhere ignores the extra message. The run's total and progress are the
    sums of its chunks'.
    """
    chunks = list(run.chunks.order_by("number"))
    if not chunks:
        size = run_chunk_size()
        windows = len(run.days)
        chunks = ScorecardRunChunk.objects.bulk_create(
            ScorecardRunChunk(
                run=run,
                number=number,
                account_ids=list(account_ids[first : first + size]),
                total=len(account_ids[first : first + size]) * windows,
            )
            for number, first in enumerate(range(0, len(account_ids), size))
        )
    mine.update(
        total=sum(chunk.total for chunk in chunks),
        done=sum(chunk.done for chunk in chunks if chunk.status == ScorecardRunChunk.Status.DONE),
    )
    unfinished = [chunk.pk for chunk in chunks if chunk.status != ScorecardRunChunk.Status.DONE]
    if unfinished:
        transaction.on_commit(partial(enqueue_chunks, run.pk, unfinished, queue=queue))
    else:
        _settle_run(run.pk)
    return chunks


def scorecard_chunk_execute(*, chunk_id: int, reclaim_running: bool = False) -> ScorecardRunChunk:
    """Claims one chunk of a running run, computes its accounts, and settles the run.

    Claimed like a run (PENDING, a stale RUNNING one, or any RUNNING one for a
    redelivered message), so a chunk whose worker died is computed again from the start;
    the upsert makes that harmless. The last chunk to finish marks the run DONE with
    every chunk's account errors; a chunk that breaks fails the run.
    """
    claimed_at = _claim(
        ScorecardRunChunk.objects.filter(pk=chunk_id, run__status=ScorecardRun.Status.RUNNING),
        ScorecardRunChunk.Status,
        reclaim_running=reclaim_running,
    )
    chunk = ScorecardRunChunk.objects.select_related("run").get(pk=chunk_id)
    if claimed_at is None:
        return chunk
    mine = ScorecardRunChunk.objects.filter(
        pk=chunk_id, status=ScorecardRunChunk.Status.RUNNING, started_at=claimed_at
    )
    run = chunk.run
    try:
        _execute_chunk(chunk, mine)
    except Exception as exc:
        logger.exception("Chunk %s of scorecard run %s failed", chunk.number, run.public_id)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if mine.update(
            status=ScorecardRunChunk.Status.FAILED, error=error, finished_at=timezone.now()
        ):
            ScorecardRun.objects.filter(pk=run.pk, status=ScorecardRun.Status.RUNNING).update(
                status=ScorecardRun.Status.FAILED, error=error, finished_at=timezone.now()
            )
    chunk.refresh_from_db()
    return chunk


def _claim(rows: QuerySet, status: Any, *, reclaim_running: bool, **reset: Any) -> datetime | None:
    """Marks the one row of `rows` (a run or a chunk) RUNNING if it may be claimed: it is
    PENDING, or RUNNING for longer than stale_after() (its worker died), or RUNNING at all
    with `reclaim_running`. Its progress starts again (and `reset`'s fields). Returns the
    claim's time, which every later write of the claimer names, or None when not claimed.
    """
    claimed_at = timezone.now()
    claimable = Q(status=status.PENDING) | Q(
        status=status.RUNNING, started_at__lt=claimed_at - stale_after()
    )
    if reclaim_running:
        claimable |= Q(status=status.RUNNING)
    claimed = rows.filter(claimable).update(
        status=status.RUNNING,
        started_at=claimed_at,
        finished_at=None,
        done=0,
        error="",
        account_errors=[],
        **reset,
    )
    return claimed_at if claimed else None


def stale_after() -> timedelta:
    """How long a RUNNING run may go without finishing before it counts as abandoned.

    The hard task time limit has killed any worker still on it by then.
    """
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + timedelta(minutes=5)


def _check_scope(*, scope: str, team: Team | None, account_ids: list[int], days: list[int]) -> None:
    if scope not in ScorecardRun.Scope.values:
        raise ValidationError({"scope": f"Unknown scope '{scope}': use team, accounts or all."})
    if scope == ScorecardRun.Scope.TEAM and team is None:
        raise ValidationError({"team": "A team run needs a team."})
    if scope == ScorecardRun.Scope.ACCOUNTS and not account_ids:
        raise ValidationError({"account_ids": "An accounts run needs at least one account."})
    if not days or min(days) < 1:
        raise ValidationError({"days": "Each window has at least one day."})


def _execute_chunk(chunk: ScorecardRunChunk, mine: QuerySet[ScorecardRunChunk]) -> None:
    run = chunk.run
    # The run's scope was applied when it was split; an account deleted since is skipped
    # but still counted, so the chunk's progress reaches its total.
    # A queryset, so the aggregates take the chunk's accounts as a subquery and the
    # accounts are read as plain values.
    accounts = Account.objects.filter(pk__in=chunk.account_ids).order_by("pk")
    done = 0
    errors: list[dict[str, Any]] = _history(run, accounts)
    for number, days in enumerate(run.days, start=1):
        result = scorecards.scorecards_compute(accounts=accounts, end=run.end, days=days)
        errors.extend(result.errors)
        done += len(chunk.account_ids)
        if not mine.update(done=done):
            # Another worker re-claimed this chunk; it finishes the job.
            return
        if number < len(run.days):
            _settle_run(run.pk)
    with transaction.atomic():
        finished = mine.update(
            status=ScorecardRunChunk.Status.DONE,
            done=done,
            account_errors=errors,
            finished_at=timezone.now(),
        )
        if finished:
            _settle_run(run.pk)


def _history(run: ScorecardRun, accounts: Any) -> list[dict[str, Any]]:
    """The weekly history an import or sync asked for (every Sunday from history_from to
    the run's end, 7, 28 and 90 days); the account errors it met."""
    if run.history_from is None or run.history_from > run.end:
        return []
    result = scorecard_history.scorecards_history(
        accounts=accounts, first=run.history_from, last=run.end
    )
    return result.errors


def _settle_run(run_id: int) -> None:
    """Sums the chunks' progress into their run, and finishes it when every chunk is done.

    The run's row is locked first, so of two chunks finishing at once the second sees the
    first one's DONE and exactly one of them finishes the run.
    """
    with transaction.atomic():
        run = (
            ScorecardRun.objects.select_for_update()
            .filter(pk=run_id, status=ScorecardRun.Status.RUNNING)
            .first()
        )
        if run is None:
            return
        chunks = list(run.chunks.order_by("number").values("status", "done", "account_errors"))
        done = sum(chunk["done"] for chunk in chunks)
        if chunks and all(chunk["status"] == ScorecardRunChunk.Status.DONE for chunk in chunks):
            ScorecardRun.objects.filter(pk=run_id).update(
                status=ScorecardRun.Status.DONE,
                done=done,
                account_errors=[error for chunk in chunks for error in chunk["account_errors"]],
                finished_at=timezone.now(),
            )
            transaction.on_commit(partial(_announce_done, run))
        else:
            ScorecardRun.objects.filter(pk=run_id).update(done=done)


def _scope_accounts(run: ScorecardRun) -> QuerySet[Account]:
    accounts = Account.objects.order_by("pk")
    if run.scope == ScorecardRun.Scope.ACCOUNTS:
        return accounts.filter(pk__in=run.account_ids)
    if run.scope == ScorecardRun.Scope.TEAM:
        return accounts.active().filter(team_id=run.team_id)
    return accounts.active()


def _execute(
    run: ScorecardRun, mine: QuerySet[ScorecardRun], progress: Callable[[int, int], None] | None
) -> None:
    accounts = list(_scope_accounts(run))
    total = len(accounts) * len(run.days)
    mine.update(total=total)
    if progress:
        progress(0, total)
    done = 0
    errors: list[dict[str, Any]] = _history(run, accounts)
    size = run_chunk_size()
    for days in run.days:
        for first in range(0, len(accounts), size):
            chunk = accounts[first : first + size]
            result = scorecards.scorecards_compute(accounts=chunk, end=run.end, days=days)
            errors.extend(result.errors)
            done += len(chunk)
            if not mine.update(done=done):
                # Another worker re-claimed this run; it finishes the job.
                return
            if progress:
                progress(done, total)
    finished = mine.update(
        status=ScorecardRun.Status.DONE,
        done=done,
        account_errors=errors,
        finished_at=timezone.now(),
    )
    if finished:
        transaction.on_commit(partial(_announce_done, run))


def _announce_done(run: ScorecardRun) -> None:
    """Tells the apps above analytics (alerts) that the run's scorecards are written."""
    scorecard_run_done.send(
        sender=ScorecardRun, run_id=run.pk, team_id=run.team_id, account_ids=run.account_ids
    )

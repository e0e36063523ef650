"""Computing scorecards, and the runs that do it in the background.

The computation is set-based: for any number of accounts, the figures come from one
aggregate query for the window and one for the previous window (analytics.selectors.totals),
the pure rules (analytics.rules) score each account in Python, and one upsert stores the
results (on PostgreSQL the scored rows stream by COPY into a temporary table, merged by one
INSERT ... ON CONFLICT). A run (ScorecardRun) records who asked, its progress and the accounts that
could not be scored; the Celery task `analytics.tasks.recompute_scorecards` only calls
`scorecard_run_execute`.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal
from functools import partial
from typing import Any

import redis
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.models import TARGET_FIELDS, Account, Team
from analytics import rules
from analytics.models import Scorecard, ScorecardRun, ScorecardRunChunk
from analytics.selectors.totals import window_totals
from analytics.tasks import recompute_scorecard_chunk, recompute_scorecards
from lib.dates import end_error, yesterday
from lib.pg import copy_upsert

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

# Accounts per aggregate query inside a run: enough that a run over a team is one step,
# small enough that a run over every account reports progress as it goes.
RUN_CHUNK = 2000
# Rows per upsert statement where the upsert is a multi-row INSERT (SQLite, the demo).
UPSERT_BATCH = 500

# The fields a recompute writes. The lead's review (reviewed_by, reviewed_at,
# review_comment) is never among them, so a recompute keeps it.
COMPUTED_FIELDS = (
    "days",
    "days_with_rows",
    "days_with_spend",
    "views",
    "interactions",
    "impressions",
    "clicks",
    "conversions",
    "spend",
    "revenue",
    "followers_base",
    "followers_end",
    "engagement_rate",
    "follower_growth",
    "ctr",
    "conversion_rate",
    "cpa",
    "roas",
    "roi",
    "engagement_score",
    "roi_score",
    "overall_score",
    "previous_overall_score",
    "grade",
    "quadrant",
    "flags",
    "computed_at",
)
UPSERT_COLUMNS = ("account_id", "period_start", "period_end", *COMPUTED_FIELDS)
# Each decimal column's quantum and the exponent its values must stay below.
_DECIMAL_COLUMNS = {
    field.name: (Decimal(1).scaleb(-field.decimal_places), field.max_digits - field.decimal_places)
    for field in (Scorecard._meta.get_field(name) for name in COMPUTED_FIELDS)
    if field.get_internal_type() == "DecimalField"
}
# rules.Targets' field for each of the account's TARGET_FIELDS.
_TARGET_NAMES = tuple(name.removeprefix("target_") for name in TARGET_FIELDS)
# The decimal columns again, by position in a row of UPSERT_COLUMNS, but the scores: the
# rules hand those out rounded to their one place and between 0 and 100, as stored.
_SCORE_FIELDS = ("engagement_score", "roi_score", "overall_score", "previous_overall_score")
_DECIMAL_POSITIONS = tuple(
    (UPSERT_COLUMNS.index(name), name, quantum, limit)
    for name, (quantum, limit) in _DECIMAL_COLUMNS.items()
    if name not in _SCORE_FIELDS
)
_UPSERT_TABLE = "scorecard_upsert"
# Wide enough that quantizing any stored figure never raises InvalidOperation.
_WIDE = Context(prec=80, rounding=ROUND_HALF_EVEN)

_broker_answers: dict[str, tuple[float, bool]] = {}


class BackgroundUnavailable(Exception):
    """The broker cannot take a job right now.

    `run` is the run recorded anyway, PENDING with no task id: the sweep
    (`scorecard_runs_dispatch_pending`) hands it to the queue once the broker answers.
    """

    def __init__(self, message: str | None = None, *, run: ScorecardRun | None = None) -> None:
        self.run = run
        super().__init__(message or (WAITING_MESSAGE if run else UNAVAILABLE_MESSAGE))


@dataclass
class ComputeResult:
    """What one `scorecards_compute` call did for one window."""

    start: date
    end: date
    days: int
    computed: int = 0
    # One entry per account that could not be scored: {"account_id", "handle", "days", "error"}.
    errors: list[dict[str, Any]] = field(default_factory=list)


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


def scorecard_run_create(
    *,
    scope: str,
    end: date | None = None,
    days: Sequence[int] = (7, 28),
    team: Team | None = None,
    account_ids: Sequence[int] = (),
    requested_by: AbstractBaseUser | None = None,
    task_id: str | None = None,
) -> ScorecardRun:
    """Records a PENDING run without queueing it (for in-process runs: --sync, the demo).

    An empty `task_id` marks a run that waits for the queue (see `scorecard_run_start`).
    """
    window_days = sorted({int(d) for d in days})
    ids = sorted({int(pk) for pk in account_ids})
    _check_scope(scope=scope, team=team, account_ids=ids, days=window_days)
    _check_end(end)
    run = ScorecardRun(
        scope=scope,
        team=team,
        account_ids=ids,
        end=end or yesterday(),
        days=window_days,
        requested_by=requested_by,
        task_id=str(uuid.uuid4()) if task_id is None else task_id,
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
    _check_end(end)
    if not broker_available():
        waiting = scorecard_run_create(
            scope=scope,
            end=end,
            days=days,
            team=team,
            account_ids=account_ids,
            requested_by=requested_by,
            task_id="",
        )
        raise BackgroundUnavailable(run=waiting)
    run = scorecard_run_create(
        scope=scope,
        end=end,
        days=days,
        team=team,
        account_ids=account_ids,
        requested_by=requested_by,
    )
    immediate = not connection.in_atomic_block
    # This is `recompute_scorecards.delay_on_commit(run.pk)` plus what to do when the
    # broker refuses the job: the run must not stay PENDING forever.
    transaction.on_commit(partial(_enqueue, run.pk, run.task_id, raise_unavailable=immediate))
    if immediate:
        run.refresh_from_db()
    return run


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
    lost = [(queued[task_id], task_id) for task_id in _missing_from_broker(queued)]
    sent = 0
    for run_id, old_task_id in sorted(waiting + lost)[:limit]:
        task_id = str(uuid.uuid4())
        if not pending.filter(pk=run_id, task_id=old_task_id).update(task_id=task_id):
            continue
        try:
            _enqueue(run_id, task_id, raise_unavailable=True)
        except BackgroundUnavailable:
            break
        sent += 1
    if sent:
        logger.info("Queued %s scorecard runs the broker did not hold", sent)
    return sent


def lost_after() -> timedelta:
    """How long a queued run may stay PENDING before the sweep looks for its message."""
    return timedelta(seconds=2 * settings.PENDING_SWEEP_SECONDS)


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
    claimed_at = timezone.now()
    claimable = Q(status=ScorecardRun.Status.PENDING) | Q(
        status=ScorecardRun.Status.RUNNING, started_at__lt=claimed_at - stale_after()
    )
    if reclaim_running:
        claimable |= Q(status=ScorecardRun.Status.RUNNING)
    claimed = (
        ScorecardRun.objects.filter(pk=run_id)
        .filter(claimable)
        .update(
            status=ScorecardRun.Status.RUNNING,
            started_at=claimed_at,
            finished_at=None,
            done=0,
            total=0,
            error="",
            account_errors=[],
        )
    )
    run = ScorecardRun.objects.select_related("team").get(pk=run_id)
    if not claimed:
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
    """Accounts per chunk of a spread run (settings.SCORECARD_RUN_CHUNK, at least 1)."""
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
        transaction.on_commit(partial(_enqueue_chunks, run.pk, unfinished, queue=queue))
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
    claimed_at = timezone.now()
    claimable = Q(status=ScorecardRunChunk.Status.PENDING) | Q(
        status=ScorecardRunChunk.Status.RUNNING, started_at__lt=claimed_at - stale_after()
    )
    if reclaim_running:
        claimable |= Q(status=ScorecardRunChunk.Status.RUNNING)
    claimed = (
        ScorecardRunChunk.objects.filter(pk=chunk_id, run__status=ScorecardRun.Status.RUNNING)
        .filter(claimable)
        .update(
            status=ScorecardRunChunk.Status.RUNNING,
            started_at=claimed_at,
            finished_at=None,
            done=0,
            error="",
            account_errors=[],
        )
    )
    chunk = ScorecardRunChunk.objects.select_related("run").get(pk=chunk_id)
    if not claimed:
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


def stale_after() -> timedelta:
    """How long a RUNNING run may go without finishing before it counts as abandoned.

    The hard task time limit has killed any worker still on it by then.
    """
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + timedelta(minutes=5)


def scorecards_compute(
    *, accounts: QuerySet[Account] | Sequence[Account], end: date, days: int
) -> ComputeResult:
    """Computes and stores the scorecards of `accounts` for the window of `days` ending `end`.

    Two aggregate queries (window and previous window) and one upsert, whatever the
    number of accounts. The previous window is scored by the same rules from its own
    rows, for `declining` and the trend. An account that cannot be scored is listed in
    the result's errors; the others are stored all the same.
    """
    start, _ = rules.period(end, days)
    previous_start, previous_end = rules.previous_period(end, days)
    result = ComputeResult(start=start, end=end, days=days)
    if isinstance(accounts, QuerySet):
        # The scope stays a subquery in the aggregates, however many accounts it holds.
        scope: QuerySet | list[int] = accounts.order_by().values("pk")
        scored_accounts = [
            _ScoredAccount(*values) for values in accounts.values_list(*_ScoredAccount.FIELDS)
        ]
    else:
        scored_accounts = [_ScoredAccount.of(account) for account in accounts]
        scope = [account.pk for account in scored_accounts]
    if not scored_accounts:
        return result
    current = window_totals(account_ids=scope, start=start, end=end)
    previous = window_totals(account_ids=scope, start=previous_start, end=previous_end)
    computed_at = timezone.now()
    # Most accounts keep their kind's default targets: one Targets object for each set.
    targets: dict[tuple[Decimal, ...], rules.Targets] = {}
    empty = rules.EMPTY_TOTALS

    def scored() -> Iterator[tuple[Any, ...]]:
        for account in scored_accounts:
            try:
                account_targets = targets.get(account.targets)
                if account_targets is None:
                    account_targets = rules.Targets(
                        **dict(zip(_TARGET_NAMES, account.targets, strict=True))
                    )
                    targets[account.targets] = account_targets
                yield _scorecard_row(
                    account=account,
                    targets=account_targets,
                    start=start,
                    end=end,
                    days=days,
                    totals=current.get(account.pk, empty),
                    previous_totals=previous.get(account.pk, empty),
                    computed_at=computed_at,
                )
            except Exception as exc:
                # One account's bad data must not cost every other account its scorecard.
                logger.warning("Scorecard of @%s not computed: %s", account.handle, exc)
                result.errors.append(
                    {
                        "account_id": account.pk,
                        "handle": account.handle,
                        "days": days,
                        "error": f"{type(exc).__name__}: {exc}"[:500],
                    }
                )

    result.computed = _upsert(scored())
    return result


def account_targets(account: Account) -> rules.Targets:
    """The account's own targets (fractions, follower growth per 28 days)."""
    return rules.Targets(
        engagement_rate=account.target_engagement_rate,
        follower_growth=account.target_follower_growth,
        ctr=account.target_ctr,
        conversion_rate=account.target_conversion_rate,
        roi=account.target_roi,
    )


def _check_end(end: date | None) -> None:
    """A window ending far from today is refused before anything computes with it."""
    if end is not None and (message := end_error(end)):
        raise ValidationError({"end": message})


def _check_scope(*, scope: str, team: Team | None, account_ids: list[int], days: list[int]) -> None:
    if scope not in ScorecardRun.Scope.values:
        raise ValidationError({"scope": f"Unknown scope '{scope}': use team, accounts or all."})
    if scope == ScorecardRun.Scope.TEAM and team is None:
        raise ValidationError({"team": "A team run needs a team."})
    if scope == ScorecardRun.Scope.ACCOUNTS and not account_ids:
        raise ValidationError({"account_ids": "An accounts run needs at least one account."})
    if not days or min(days) < 1:
        raise ValidationError({"days": "Each window has at least one day."})


def _missing_from_broker(task_ids: Sequence[str]) -> list[str]:
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


def _enqueue(run_id: int, task_id: str, *, raise_unavailable: bool) -> None:
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


def _enqueue_chunks(run_id: int, chunk_ids: list[int], *, queue: str | None) -> None:
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


def _execute_chunk(chunk: ScorecardRunChunk, mine: QuerySet[ScorecardRunChunk]) -> None:
    run = chunk.run
    # The run's scope was applied when it was split; an account deleted since is skipped
    # but still counted, so the chunk's progress reaches its total.
    # A queryset, so the aggregates take the chunk's accounts as a subquery and the
    # accounts are read as plain values.
    accounts = Account.objects.filter(pk__in=chunk.account_ids).order_by("pk")
    done = 0
    errors: list[dict[str, Any]] = []
    for number, days in enumerate(run.days, start=1):
        result = scorecards_compute(accounts=accounts, end=run.end, days=days)
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
    errors: list[dict[str, Any]] = []
    for days in run.days:
        for first in range(0, len(accounts), RUN_CHUNK):
            chunk = accounts[first : first + RUN_CHUNK]
            result = scorecards_compute(accounts=chunk, end=run.end, days=days)
            errors.extend(result.errors)
            done += len(chunk)
            if not mine.update(done=done):
                # Another worker re-claimed this run; it finishes the job.
                return
            if progress:
                progress(done, total)
    mine.update(
        status=ScorecardRun.Status.DONE,
        done=done,
        account_errors=errors,
        finished_at=timezone.now(),
    )


class _ScoredAccount:
    """What scoring reads of an account, loaded as plain values rather than model instances."""

    FIELDS = ("pk", "handle", "kind", "verified", *TARGET_FIELDS)
    __slots__ = ("handle", "kind", "pk", "targets", "verified")

    def __init__(self, pk: int, handle: str, kind: str, verified: bool, *targets: Decimal) -> None:
        self.pk = pk
        self.handle = handle
        self.kind = kind
        self.verified = verified
        # The values of TARGET_FIELDS, in their order (_TARGET_NAMES names them for the rules).
        self.targets = targets

    @classmethod
    def of(cls, account: Account) -> _ScoredAccount:
        return cls(*(getattr(account, name) for name in cls.FIELDS))


def _scorecard_values(
    *,
    account: Account,
    start: date,
    end: date,
    days: int,
    totals: rules.Totals,
    previous_totals: rules.Totals,
    computed_at: datetime,
) -> dict[str, Any]:
    """The column values of one account's scorecard (UPSERT_COLUMNS), by name."""
    row = _scorecard_row(
        account=_ScoredAccount.of(account),
        targets=account_targets(account),
        start=start,
        end=end,
        days=days,
        totals=totals,
        previous_totals=previous_totals,
        computed_at=computed_at,
    )
    return dict(zip(UPSERT_COLUMNS, row, strict=True))


def _scorecard_row(
    *,
    account: _ScoredAccount,
    targets: rules.Targets,
    start: date,
    end: date,
    days: int,
    totals: rules.Totals,
    previous_totals: rules.Totals,
    computed_at: datetime,
) -> tuple[Any, ...]:
    """The column values of one account's scorecard, in the order of UPSERT_COLUMNS."""
    # Of the previous window only its overall score is needed, for `declining` and the trend.
    previous_overall = rules.overall_score(
        kind=account.kind, days=days, totals=previous_totals, targets=targets
    )
    score = rules.score(
        kind=account.kind,
        verified=account.verified,
        days=days,
        totals=totals,
        targets=targets,
        previous_overall=previous_overall,
    )
    figures = score.figures
    row = [
        account.pk,
        start,
        end,
        days,
        totals.days_with_rows,
        totals.days_with_spend,
        figures.views,
        figures.interactions,
        figures.impressions,
        figures.clicks,
        figures.conversions,
        figures.spend,
        figures.revenue,
        totals.followers_base,
        totals.followers_end,
        figures.engagement_rate,
        figures.follower_growth,
        figures.ctr,
        figures.conversion_rate,
        figures.cpa,
        figures.roas,
        figures.roi,
        score.engagement_score,
        score.roi_score,
        score.overall_score,
        previous_overall,
        score.grade,
        score.quadrant,
        ";".join(score.flags),
        computed_at,
    ]
    # Each decimal as its column stores it, or ValueError when the column cannot hold it.
    # Rounding here (half to even), not in the database, keeps a recompute's rows identical
    # on every backend; and a figure too large for its column fails this one account
    # instead of the whole upsert.
    for index, name, quantum, limit in _DECIMAL_POSITIONS:
        value = row[index]
        if value is not None:
            rounded = value.quantize(quantum, context=_WIDE)
            if rounded and rounded.adjusted() >= limit:
                raise ValueError(f"{name} {value} is too large to store.")
            row[index] = rounded
    return tuple(row)


def _upsert(rows: Iterator[tuple[Any, ...]]) -> int:
    """Inserts or updates the scorecards in `rows` in one statement; returns how many.

    Each row holds the values of UPSERT_COLUMNS. Only those are written, so a stored
    scorecard keeps its lead's review.
    """
    if connection.vendor == "postgresql":
        return _upsert_by_copy(rows)
    cards = [Scorecard(**dict(zip(UPSERT_COLUMNS, row, strict=True))) for row in rows]
    Scorecard.objects.bulk_create(
        cards,
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["account", "period_start", "period_end"],
        update_fields=list(COMPUTED_FIELDS),
    )
    return len(cards)


def _upsert_by_copy(rows: Iterator[tuple[Any, ...]]) -> int:
    # PostgreSQL: rows are streamed by COPY into a temporary table while they are being
    # scored, then merged by a single INSERT ... ON CONFLICT. The rows hold numbers, dates,
    # a datetime and the rules' own names (no tab, newline or backslash), so they go as
    # text lines, the fastest way in.
    table = Scorecard._meta.db_table
    columns = ", ".join(UPSERT_COLUMNS)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in COMPUTED_FIELDS)
    # review_comment has no database default; a new scorecard starts unreviewed.
    # Every name in this statement is a constant of this module or the model's own;
    # no value from outside is ever part of the SQL text (S608).
    upsert = (
        f"INSERT INTO {table} ({columns}, review_comment) "  # noqa: S608
        f"SELECT {columns}, '' FROM {_UPSERT_TABLE} "
        f"ON CONFLICT (account_id, period_start, period_end) DO UPDATE SET {updates}"
    )
    count, _written = copy_upsert(
        stage=_UPSERT_TABLE,
        like=table,
        columns=UPSERT_COLUMNS,
        rows=rows,
        upsert=upsert,
        as_text=True,
    )
    return count

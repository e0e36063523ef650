"""Sync runs: one connection, one day, with progress; tokens refreshed before expiry.

A run row is made first (at most one pending or running per connection: a database
constraint), then claimed atomically by whoever executes it, so a redelivered task or a
second worker never syncs the same connection twice at once. A failed sync records what
failed; what earlier syncs stored stays, and the day's writes are one transaction.

Every call to TikTok comes before the first write, so a sync stopped by the rate limit
(`RetryLater`, when its task may hand it back to Celery) has written nothing but a
refreshed token: the run goes back to PENDING, keeping its `started_at`, and the task's
retry claims it again and syncs the day from the start (the writes are upserts, so a day
synced twice is stored once). A handed-back run nobody claims again is failed like a
stale running one.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account
from analytics.models import ScorecardRun
from analytics.scorecards.queue import BackgroundUnavailable
from analytics.scorecards.runs import scorecard_run_start
from connections import api, tokens
from connections.client import ApiError, RetryLater, TikTokHttp, TokenExpired, session
from connections.models import Connection, Source, SyncRun
from connections.services.snapshots import campaign_days_store, snapshot_store
from connections.tasks import sync_connection
from lib.dates import yesterday

logger = logging.getLogger(__name__)

# A running sync older than this was abandoned by a worker that died.
STALE_AFTER = timedelta(minutes=35)
# Refresh the access token when it has less than this left.
REFRESH_MARGIN = timedelta(minutes=10)
RECOMPUTE_DAYS = (7, 28, 90)
NIGHTLY_HOUR, NIGHTLY_MINUTE = 1, 30
RECONNECT = "TikTok no longer accepts this connection's tokens: a lead must connect it again."


class SyncBusy(Exception):
    """A sync of this connection is already queued or running."""


class SyncFailed(Exception):
    """A sync failed; the message says what, and names no secret."""


def sync_day_default() -> date:
    """The day a sync records: yesterday in the project's time zone, a day that is over."""
    return yesterday()


def next_nightly_sync() -> timezone.datetime:
    """When celery beat next syncs every connection (config/celery.py)."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    now = timezone.now().astimezone(zone)
    run = now.replace(hour=NIGHTLY_HOUR, minute=NIGHTLY_MINUTE, second=0, microsecond=0)
    return run if run > now else run + timedelta(days=1)


def sync_run_start(
    *,
    connection: Connection,
    day: date | None = None,
    source: str = "web",
    requested_by: AbstractBaseUser | None = None,
    enqueue: bool = True,
) -> SyncRun:
    """Records a run and, with `enqueue`, queues its task once the transaction commits."""
    day = day or sync_day_default()
    _fail_stale(connection)
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                connection=connection, date=day, source=source, requested_by=requested_by
            )
    except IntegrityError as exc:
        raise SyncBusy(f"A sync of {connection.account} is already queued or running.") from exc
    if enqueue:
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _fail_stale(connection: Connection) -> None:
    # A handed-back run is PENDING with a `started_at`; one never started has none.
    SyncRun.objects.filter(
        connection=connection,
        status__in=SyncRun.ACTIVE,
        started_at__lt=timezone.now() - STALE_AFTER,
    ).update(
        status=SyncRun.Status.FAILED,
        error="The worker running this sync stopped; nothing half-done was kept.",
        finished_at=timezone.now(),
    )


def _enqueue(run_id: int) -> None:
    try:
        sync_connection.delay(run_id)
    except Exception as exc:  # noqa: BLE001 - any broker fault leaves the run failed, not pending
        logger.warning("Sync run %s not queued: %s", run_id, type(exc).__name__)
        SyncRun.objects.filter(pk=run_id, status=SyncRun.Status.PENDING).update(
            status=SyncRun.Status.FAILED,
            error="Background work is unavailable right now: try again later.",
            finished_at=timezone.now(),
        )


def sync_run_execute(*, run_id: int, hand_back: bool = False) -> SyncRun | None:
    """Claims the run and syncs; None when another worker has it (or it is gone).

    With `hand_back` (a Celery task that may still retry), a rate-limit wait longer than
    TIKTOK_HAND_BACK_AFTER puts the run back to PENDING and raises RetryLater, whose
    `countdown` the task retries after; without it, the wait happens here.
    """
    claimed = SyncRun.objects.filter(
        Q(status=SyncRun.Status.PENDING)
        | Q(status=SyncRun.Status.RUNNING, started_at__lt=timezone.now() - STALE_AFTER),
        pk=run_id,
    ).update(status=SyncRun.Status.RUNNING, started_at=timezone.now(), step="Starting")
    if not claimed:
        return None
    run = SyncRun.objects.select_related("connection__account").get(pk=run_id)
    connection = run.connection

    def progress(step: str, done: int, total: int) -> None:
        SyncRun.objects.filter(pk=run.pk).update(step=step, done=done, total=total)

    try:
        summary = connection_sync(
            connection=connection, day=run.date, progress=progress, hand_back=hand_back
        )
    except RetryLater as wait:
        SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.RUNNING).update(
            status=SyncRun.Status.PENDING,
            step=f"Waiting {wait.countdown:.0f} s for TikTok's rate limit",
        )
        raise
    except (SyncFailed, ApiError, tokens.TokenUnreadable) as exc:
        _finish(run, connection, ok=False, text=str(exc))
    except Exception as exc:
        _finish(run, connection, ok=False, text=f"Unexpected fault ({type(exc).__name__}).")
        raise
    else:
        _finish(run, connection, ok=True, text=summary)
    run.refresh_from_db()
    return run


def _finish(run: SyncRun, connection: Connection, *, ok: bool, text: str) -> None:
    now = timezone.now()
    SyncRun.objects.filter(pk=run.pk).update(
        status=SyncRun.Status.DONE if ok else SyncRun.Status.FAILED,
        summary=text if ok else "",
        error="" if ok else text,
        step="Done" if ok else "Failed",
        finished_at=now,
    )
    Connection.objects.filter(pk=connection.pk).update(
        last_sync_at=now, last_sync_ok=ok, last_error="" if ok else text
    )


Progress = Callable[[str, int, int], None]


def connection_sync(
    *,
    connection: Connection,
    day: date,
    progress: Progress | None = None,
    hand_back: bool = False,
) -> str:
    """Fetches and stores one day for the connection, then queues the recompute.

    Every call of the sync goes through one keep-alive client, closed when it ends. With
    `hand_back`, a long rate-limit wait raises RetryLater before anything is written.
    """
    progress = progress or (lambda _step, _done, _total: None)
    if connection.needs_reconnect:
        raise SyncFailed(RECONNECT)
    hand_back_after = settings.TIKTOK_HAND_BACK_AFTER if hand_back else None
    with session(hand_back_after=hand_back_after) as http:
        summary, days = _fetch_and_store(connection, day, progress, http)
    message = _queue_recompute(connection.account, days)
    return f"{summary}. {message}"


def _fetch_and_store(
    connection: Connection, day: date, progress: Progress, http: TikTokHttp
) -> tuple[str, list[date]]:
    account = connection.account
    if connection.source == Source.ADS:
        progress("Fetching the ads report", 0, 2)
        rows = _with_token(
            connection,
            http,
            lambda token: api.business_report(
                http=http,
                access_token=token,
                advertiser_id=connection.external_id,
                start=day,
                end=day,
            ),
        )
        progress("Storing campaign days", 1, 2)
        days = campaign_days_store(account=account, rows=rows)
        summary = f"{len(rows)} campaign row{'s' if len(rows) != 1 else ''} for {day.isoformat()}"
        return summary, days
    progress("Fetching the account", 0, 3)
    user = _with_token(
        connection, http, lambda token: api.display_user(http=http, access_token=token)
    )
    progress("Fetching the videos", 1, 3)
    videos = _with_token(
        connection, http, lambda token: api.display_videos(http=http, access_token=token)
    )
    progress("Storing snapshots", 2, 3)
    days = snapshot_store(account=account, day=day, user=user, videos=videos)
    summary = (
        f"{user.follower_count:,} followers and {len(videos)} "
        f"video{'s' if len(videos) != 1 else ''} on {day.isoformat()}"
    )
    return summary, days


def _queue_recompute(account: Account, days: list[date]) -> str:
    if not days:
        return "Nothing to recompute."
    end = min(max(days), yesterday())
    try:
        scorecard_run_start(
            scope=ScorecardRun.Scope.ACCOUNTS,
            account_ids=[account.pk],
            end=end,
            days=RECOMPUTE_DAYS,
            # Every Sunday of the days the sync brought, scored too (the weekly history).
            history_from=min(days),
        )
    except BackgroundUnavailable:
        return "Scorecards will be recomputed tonight."
    return "Scorecards are being recomputed."


def _with_token(connection: Connection, http: TikTokHttp, call: Callable[[str], object]):  # noqa: ANN202
    """Calls with a fresh access token; on a refused token refreshes once and retries."""
    token = _access_token(connection, http)
    try:
        return call(token)
    except TokenExpired:
        if connection.source == Source.ADS or not connection.refresh_token:
            _needs_reconnect(connection)
        token = _access_token(connection, http, force=True)
        try:
            return call(token)
        except TokenExpired:
            _needs_reconnect(connection)


def _access_token(connection: Connection, http: TikTokHttp, *, force: bool = False) -> str:
    expires = connection.access_expires_at
    due = expires is not None and expires - REFRESH_MARGIN <= timezone.now()
    if connection.source == Source.DISPLAY and (force or due):
        _refresh(connection, http)
    return tokens.decrypt(connection.access_token)


def _refresh(connection: Connection, http: TikTokHttp) -> None:
    """Refreshes the access token, once: a refresh is never repeated blind.

    A refresh that timed out may have succeeded on TikTok's side; sending the old refresh
    token again would then be refused and ask the lead to reconnect for nothing. So a
    temporary fault (timeout, network, 5xx, 429) fails this sync only, keeping the
    connection active: the next sync refreshes again. A refusal needs the person.
    """
    try:
        granted = api.display_refresh(
            http=http, refresh_token=tokens.decrypt(connection.refresh_token)
        )
    except RetryLater:
        # The shared budget held the refresh back before it was sent (a refresh refused
        # with 429 is not handed back: it is no read), so the retry may send it.
        raise
    except TokenExpired:
        _needs_reconnect(connection)
    except ApiError as exc:
        if exc.temporary:
            raise SyncFailed(
                f"{exc}. The access token was not refreshed this time; the next sync tries again."
            ) from exc
        # A refused refresh (4xx, or TikTok's error code) needs the person.
        if (exc.status is not None and exc.status < 500) or exc.code:
            _needs_reconnect(connection)
        raise
    now = timezone.now()
    connection.access_token = tokens.encrypt(granted.access_token)
    if granted.refresh_token:
        connection.refresh_token = tokens.encrypt(granted.refresh_token)
    connection.access_expires_at = (
        now + timedelta(seconds=granted.expires_in) if granted.expires_in else None
    )
    if granted.refresh_expires_in:
        connection.refresh_expires_at = now + timedelta(seconds=granted.refresh_expires_in)
    connection.save(
        update_fields=[
            "access_token",
            "refresh_token",
            "access_expires_at",
            "refresh_expires_at",
            "updated_at",
        ]
    )


def _needs_reconnect(connection: Connection) -> None:
    connection.status = Connection.Status.NEEDS_RECONNECT
    connection.last_error = RECONNECT
    Connection.objects.filter(pk=connection.pk).update(
        status=Connection.Status.NEEDS_RECONNECT, last_error=RECONNECT
    )
    raise SyncFailed(RECONNECT)

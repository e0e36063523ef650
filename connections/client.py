"""The HTTP layer for TikTok's APIs: one client per sync, retries, a shared rate limit.

A sync opens one `TikTokHttp` (`with session() as http:`): one keep-alive httpx.Client,
so its pages share connections instead of a TLS handshake each, with TIKTOK_TIMEOUT as
every time limit; it is closed when the sync ends. Every call goes through the
configured bases (TIKTOK_API_BASE, TIKTOK_BUSINESS_API_BASE).

Retries come from tenacity, and only for idempotent calls (reads: the GETs and the
Display API's video-list query, a POST that only reads): a 429 waits as long as
Retry-After says, a 5xx or a network fault backs off exponentially with jitter, up to
TIKTOK_MAX_ATTEMPTS attempts in all. A call that may change something on TikTok's side
(a code exchange, a token refresh) is made once: a refresh that timed out may have
succeeded, and repeating it with the old refresh token would be refused. Its fault is
reported as temporary (`ApiError.temporary`), so the next sync tries again.

Calls of all workers share one per-second budget in Redis, through one Redis client per
process.

A sync run by a Celery task opens its session with `hand_back_after` (TIKTOK_HAND_BACK_AFTER
seconds): when the shared budget would keep a call waiting longer than that, or TikTok
answers a read with 429 and a longer Retry-After, the call raises `RetryLater` instead of
sleeping, and the task hands itself back to Celery (`retry(countdown=...)`), freeing the
worker meanwhile. Elsewhere (the OAuth exchange in a request, `manage.py sync_tiktok`, a
task's last retry) the call waits as before.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import httpx
import redis
import tenacity
from django.conf import settings

logger = logging.getLogger(__name__)

# Longest a worker sleeps for one Retry-After (a longer one is cut to this).
MAX_RETRY_AFTER = 60.0
# Longest countdown a call handed back to Celery asks for: well under the 35 minutes after
# which a sync left waiting counts as abandoned (connections.services.sync.STALE_AFTER).
MAX_COUNTDOWN = 900.0
# Backoff: BACKOFF_BASE * 2**(attempt - 1) seconds plus up to BACKOFF_BASE of jitter.
BACKOFF_BASE = 0.5
MAX_BACKOFF = 30.0
RATE_KEY = "playbook:tiktok:rate:{app}:{second}"

sleep: Callable[[float], None] = time.sleep


class ApiError(Exception):
    """TikTok answered with an error, or not at all; `code` is TikTok's error code if any.

    `temporary` says the fault was on the way or on TikTok's side (a timeout, a network
    fault, a 5xx, a 429): trying again later may work, nobody needs to reconnect.
    """

    def __init__(
        self, message: str, *, code: str = "", status: int | None = None, temporary: bool = False
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.temporary = temporary


class TokenExpired(ApiError):
    """The access token was refused: refresh it (or reconnect) and try again."""


class RateLimited(ApiError):
    """Still rate-limited after every attempt."""


class RetryLater(ApiError):
    """The rate limit asks for a longer wait than a worker should sleep through.

    Raised only by a session opened with `hand_back_after`, before the call was sent (the
    shared budget is spent) or for a read TikTok refused with 429: nothing was done on
    TikTok's side, so the whole call may be made again after `countdown` seconds.
    """

    def __init__(self, message: str, *, countdown: float, status: int | None = None) -> None:
        super().__init__(message, code="rate_limit_exceeded", status=status, temporary=True)
        self.countdown = countdown


class _Retryable(Exception):
    """A fault another attempt may cure; `retry_after` is TikTok's Retry-After, if given."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


_redis_lock = threading.Lock()
_redis_client: tuple[str, redis.Redis] | None = None


def _redis() -> redis.Redis:
    """The process's one Redis client for the rate limit (its pool is thread-safe and
    renews its connections after a fork); made on first use, again if the URL changes."""
    global _redis_client
    url = settings.CELERY_BROKER_URL
    with _redis_lock:
        if _redis_client is None or _redis_client[0] != url:
            client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
            _redis_client = (url, client)
        return _redis_client[1]


def wait_for_budget(*, hand_back_after: float | None = None) -> int | None:
    """Blocks until a second's shared budget has room (without Redis: no limit).

    Returns the second (Unix time) whose budget the call counts in, or None unlimited.
    With `hand_back_after`, raises RetryLater rather than wait longer than that in all.
    """
    limit = settings.TIKTOK_RATE_LIMIT
    if limit <= 0:
        return None
    waited = 0.0
    try:
        client = _redis()
        for _attempt in range(50):
            now = time.time()
            key = RATE_KEY.format(app=settings.TIKTOK_CLIENT_KEY or "-", second=int(now))
            pipe = client.pipeline()
            pipe.incr(key)
            pipe.expire(key, 2)
            count = pipe.execute()[0]
            if count <= limit:
                return int(now)
            pause = 1 - (now % 1) + 0.01
            if hand_back_after is not None:
                # The calls over budget in this second before this one go first, `limit`
                # of them in each second to come.
                ahead = pause + (count - limit - 1) // limit
                if waited + ahead > hand_back_after:
                    raise RetryLater(
                        f"TikTok's rate limit ({limit} calls a second) is taken for about "
                        f"{ahead:.0f} s",
                        countdown=_countdown(ahead),
                    )
            sleep(pause)
            waited += pause
    except (redis.RedisError, OSError):
        # Without Redis the demo still syncs; TikTok's own 429 then paces the calls.
        logger.warning("TikTok rate limit not shared: Redis does not answer")
    return None


def new_http_client() -> httpx.Client:
    """A keep-alive client whose every limit (connect, read, write, pool) is TIKTOK_TIMEOUT."""
    return httpx.Client(timeout=httpx.Timeout(settings.TIKTOK_TIMEOUT))


_backoff = tenacity.wait_exponential(
    multiplier=BACKOFF_BASE, max=MAX_BACKOFF
) + tenacity.wait_random(0, BACKOFF_BASE)


def _wait(state: tenacity.RetryCallState) -> float:
    """Retry-After when TikTok gave one, else exponential backoff with jitter."""
    fault = state.outcome.exception() if state.outcome else None
    if isinstance(fault, _Retryable) and fault.retry_after is not None:
        return min(fault.retry_after, MAX_RETRY_AFTER)
    return _backoff(state)


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds (the delay form; a date or garbage counts as none)."""
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_COUNTDOWN)


def _countdown(wait: float) -> float:
    """The countdown of a call handed back: the wait plus up to a second of jitter, so the
    calls handed back together do not all come back in the same second."""
    return min(wait + random.uniform(0, 1), MAX_COUNTDOWN)  # noqa: S311 - jitter, no secret


def _pause(seconds: float) -> None:
    sleep(seconds)  # looked up at each call, so tests may replace `sleep`


class TikTokHttp:
    """One sync's connection to TikTok: a keep-alive client, closed by `close()` or `with`."""

    def __init__(self, *, hand_back_after: float | None = None) -> None:
        self.client = new_http_client()
        self.hand_back_after = hand_back_after

    def __enter__(self) -> TikTokHttp:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        idempotent: bool,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        json: Any = None,
        data: dict[str, str] | None = None,
        what: str,
    ) -> dict[str, Any]:
        """One call; the decoded JSON object, or ApiError saying what failed.

        Only an `idempotent` call is retried. `what` names the call in errors ("video
        list"), since URLs may carry tokens.
        """
        attempts = max(settings.TIKTOK_MAX_ATTEMPTS, 1) if idempotent else 1
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(attempts),
            wait=_wait,
            retry=tenacity.retry_if_exception_type(_Retryable),
            sleep=_pause,
            reraise=True,
        )
        request = self.client.build_request(
            method, url, headers=headers, params=params, json=json, data=data
        )
        try:
            response = retrying(self._send, request, what, idempotent)
        except _Retryable as fault:
            tried = f"{attempts} attempts" if attempts > 1 else "not retried"
            error = RateLimited if fault.status == 429 else ApiError
            raise error(
                f"{fault}, {tried}",
                code="rate_limit_exceeded" if fault.status == 429 else "",
                status=fault.status,
                temporary=True,
            ) from fault
        return _decode(response, what)

    def _send(self, request: httpx.Request, what: str, idempotent: bool) -> httpx.Response:
        wait_for_budget(hand_back_after=self.hand_back_after)
        try:
            response = self.client.send(request)
        except httpx.TimeoutException as exc:
            raise _Retryable(
                f"{what}: TikTok did not answer within {settings.TIKTOK_TIMEOUT:g} s"
            ) from exc
        except httpx.HTTPError as exc:
            raise _Retryable(f"{what}: TikTok could not be reached ({type(exc).__name__})") from exc
        if response.status_code == 429:
            retry_after = _retry_after(response)
            if (
                idempotent
                and self.hand_back_after is not None
                and retry_after is not None
                and retry_after > self.hand_back_after
            ):
                raise RetryLater(
                    f"{what}: TikTok's rate limit was exceeded (429, Retry-After {retry_after:g})",
                    countdown=_countdown(retry_after),
                    status=429,
                )
            raise _Retryable(
                f"{what}: TikTok's rate limit was exceeded (429)",
                status=429,
                retry_after=retry_after,
            )
        if response.status_code >= 500:
            raise _Retryable(
                f"{what}: TikTok answered {response.status_code}", status=response.status_code
            )
        return response


def session(*, hand_back_after: float | None = None) -> TikTokHttp:
    """A connection to TikTok for one sync (or one OAuth exchange): use it with `with`.

    `hand_back_after` (seconds): a longer rate-limit wait raises RetryLater instead.
    """
    return TikTokHttp(hand_back_after=hand_back_after)


def _decode(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ApiError(
            f"{what}: TikTok's answer is not the JSON object its documentation describes "
            f"(HTTP {response.status_code})",
            status=response.status_code,
        )
    if response.status_code == 401:
        code = _v2_error(body)[0] or "access_token_invalid"
        raise TokenExpired(f"{what}: the access token was refused ({code})", code=code, status=401)
    if response.status_code >= 400:
        code, message = _v2_error(body)
        raise ApiError(
            f"{what}: TikTok answered {response.status_code} {code}: {message}".rstrip(": "),
            code=code,
            status=response.status_code,
        )
    return body


def _v2_error(body: dict[str, Any]) -> tuple[str, str]:
    """The Display API's error object, or the OAuth endpoint's flat error fields."""
    error = body.get("error")
    if isinstance(error, dict):
        return str(error.get("code") or ""), str(error.get("message") or "")
    if isinstance(error, str):
        return error, str(body.get("error_description") or "")
    return "", ""


def check_v2(body: dict[str, Any], what: str) -> dict[str, Any]:
    """The Display API's `data`, after its error envelope says "ok"."""
    code, message = _v2_error(body)
    if code and code != "ok":
        if code in {"access_token_invalid", "scope_not_authorized"}:
            raise TokenExpired(f"{what}: {code}", code=code)
        raise ApiError(f"{what}: TikTok error {code}: {message}", code=code)
    data = body.get("data")
    if not isinstance(data, dict):
        raise ApiError(f"{what}: TikTok's answer has no data object")
    return data


# The Marketing API's codes for an access token it no longer accepts (docs/tiktok-api.md).
BUSINESS_TOKEN_CODES = {40001, 40102, 40104, 40105}


def check_business(body: dict[str, Any], what: str) -> dict[str, Any]:
    """The Marketing API's `data`, after its envelope (code 0 is success) says so."""
    code = body.get("code")
    if code != 0:
        message = str(body.get("message") or "")
        if code in BUSINESS_TOKEN_CODES:
            raise TokenExpired(
                f"{what}: {message or 'access token refused'} ({code})", code=str(code)
            )
        raise ApiError(f"{what}: TikTok error {code}: {message}", code=str(code))
    data = body.get("data")
    if not isinstance(data, dict):
        raise ApiError(f"{what}: TikTok's answer has no data object")
    return data

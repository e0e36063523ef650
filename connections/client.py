"""The HTTP layer for TikTok's APIs: retries, a shared rate limit, error envelopes.

Every call goes through the configured bases (TIKTOK_API_BASE, TIKTOK_BUSINESS_API_BASE).
A 429 waits as long as Retry-After says (else backs off exponentially), a 5xx or a
network fault backs off and retries, up to TIKTOK_MAX_ATTEMPTS; each call has a time
limit (TIKTOK_TIMEOUT). Calls of all workers share one per-second budget in Redis.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
import redis
from django.conf import settings

logger = logging.getLogger(__name__)

# Longest wait a Retry-After may ask for before the call counts as failed.
MAX_RETRY_AFTER = 60.0
BACKOFF_BASE = 0.5
RATE_KEY = "playbook:tiktok:rate:{app}:{second}"

sleep: Callable[[float], None] = time.sleep


class ApiError(Exception):
    """TikTok answered with an error, or not at all; `code` is TikTok's error code if any."""

    def __init__(self, message: str, *, code: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class TokenExpired(ApiError):
    """The access token was refused: refresh it (or reconnect) and try again."""


class RateLimited(ApiError):
    """Still rate-limited after every attempt."""


def _redis() -> redis.Redis:
    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
    )


def wait_for_budget() -> int | None:
    """Blocks until a second's shared budget has room (without Redis: no limit).

    Returns the second (Unix time) whose budget the call counts in, or None unlimited.
    """
    limit = settings.TIKTOK_RATE_LIMIT
    if limit <= 0:
        return None
    try:
        client = _redis()
        try:
            for _attempt in range(50):
                now = time.time()
                key = RATE_KEY.format(app=settings.TIKTOK_CLIENT_KEY or "-", second=int(now))
                pipe = client.pipeline()
                pipe.incr(key)
                pipe.expire(key, 2)
                count = pipe.execute()[0]
                if count <= limit:
                    return int(now)
                sleep(1 - (now % 1) + 0.01)
        finally:
            client.close()
    except (redis.RedisError, OSError):
        # Without Redis the demo still syncs; TikTok's own 429 then paces the calls.
        logger.warning("TikTok rate limit not shared: Redis does not answer")
    return None


def _retry_after(response: httpx.Response, attempt: int) -> float:
    header = response.headers.get("Retry-After", "")
    try:
        return min(float(header), MAX_RETRY_AFTER)
    except ValueError:
        return BACKOFF_BASE * 2**attempt


def request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
    json: Any = None,
    data: dict[str, str] | None = None,
    what: str,
) -> dict[str, Any]:
    """One call with retries; the decoded JSON object, or ApiError saying what failed.

    `what` names the call in errors ("video list"), since URLs may carry tokens.
    """
    attempts = max(settings.TIKTOK_MAX_ATTEMPTS, 1)
    last = ""
    for attempt in range(attempts):
        wait_for_budget()
        try:
            response = httpx.request(
                method,
                url,
                headers=headers,
                params=params,
                json=json,
                data=data,
                timeout=settings.TIKTOK_TIMEOUT,
            )
        except httpx.TimeoutException:
            last = f"{what}: TikTok did not answer within {settings.TIKTOK_TIMEOUT:g} s"
        except httpx.HTTPError as exc:
            last = f"{what}: TikTok could not be reached ({type(exc).__name__})"
        else:
            if response.status_code == 429:
                last = f"{what}: TikTok's rate limit was exceeded (429)"
                if attempt + 1 < attempts:
                    sleep(_retry_after(response, attempt))
                continue
            if response.status_code >= 500:
                last = f"{what}: TikTok answered {response.status_code}"
            else:
                return _decode(response, what)
        if attempt + 1 < attempts:
            sleep(BACKOFF_BASE * 2**attempt)
    if "429" in last:
        raise RateLimited(f"{last}, {attempts} attempts", code="rate_limit_exceeded", status=429)
    raise ApiError(f"{last}, {attempts} attempts")


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

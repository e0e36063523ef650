"""A cache of rendered team pages, in Redis, invalidated by each team's data generation.

`cached_page` wraps a GET view inside `accounts.access.team_view` (which has already
scoped the request: another team's page is 404, a non-member never reaches the cache).
A page is stored under a key made of the view, the team's data generation and the global
one, the user and role, the full path with its query, the htmx headers, the reader's
language and today's date. The CSRF tokens in the stored HTML are replaced by a mark, and
each served copy gets a fresh token of the reader's own CSRF secret.

A generation is a random token per team (and one for everything) that `bump` replaces:
a write makes every page stored under the old token unreachable. Writes bump it from
`invalidate_on_write` (every non-GET request), lib.pagewrites (every database write to
the apps' tables), Celery tasks (lib.apps) and the management commands that write in
bulk (`forgets_pages`).

Redis failing costs no page: the page is rendered as if there were no cache, and Redis
is left alone for a few seconds; when it answers again, the global generation is bumped,
since writes made meanwhile could not say so.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token

from lib.dates import today
from lib.locales import request_language

logger = logging.getLogger(__name__)

ALIAS = "pages"
EVERYTHING = ""
# A generation outlives its pages; one that expires is replaced by a new random token,
# so no old page becomes reachable again.
GENERATION_SECONDS = 24 * 60 * 60
# After Redis fails, pages are rendered without it this long before it is tried again.
PAUSE_SECONDS = 5.0
# One request renders a missing page while the others asking for it wait for its copy,
# this long at most, looking every POLL_SECONDS; a renderer that died frees it after
# RENDER_LOCK_SECONDS.
WAIT_SECONDS = 2.0
POLL_SECONDS = 0.01
RENDER_LOCK_SECONDS = 5
# Pages one reader may add to the cache within PAGE_CACHE_SECONDS; beyond, pages render.
STORED_PER_READER = 500
# PostgreSQL text cannot hold NUL, so no stored text can spell the mark.
CSRF_MARK = "\x00playbook-csrf\x00"
_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_NOT_STORED = {"set-cookie"}
_TEAM_PATH_RE = re.compile(r"^/t/([-a-zA-Z0-9_]+)/")

# The team of the request being handled (None outside /t/<slug>/), for lib.pagewrites.
current_team: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "pagecache_team", default=None
)
# The generations the request being handled bumped (None outside a request).
_bumped: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "pagecache_bumped", default=None
)


class _Health:
    """Whether Redis answered lately; shared by the threads of a process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.paused_until = 0.0
        self.owes_bump = False

    def usable(self) -> bool:
        if time.monotonic() < self.paused_until:
            return False
        if self.owes_bump:
            with self.lock:
                if self.owes_bump:
                    # Writes during the failure were not recorded: forget every page.
                    self.owes_bump = False
                    if not _set_generation(EVERYTHING):
                        return False
        return True

    def failed(self, error: Exception) -> None:
        logger.warning("page cache off for %.0f s: %s", PAUSE_SECONDS, error)
        self.paused_until = time.monotonic() + PAUSE_SECONDS
        self.owes_bump = True


_health = _Health()


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _cache() -> Any:
    return caches[ALIAS]


def _generation_key(team: str) -> str:
    # Slugs are matched as the URL spells them or as stored: one key for both.
    return f"generation:{team.lower() or '*'}"


def _set_generation(team: str) -> bool:
    try:
        _cache().set(_generation_key(team), uuid.uuid4().hex, GENERATION_SECONDS)
    except Exception as error:  # noqa: BLE001 - any Redis failure turns the cache off
        _health.failed(error)
        return False
    return True


def bump(team: str | None = None) -> None:
    """Forget the pages of `team` (a slug), or of every team when None."""
    if not enabled():
        return
    done = _bumped.get()
    if done is not None:
        done.add(team or EVERYTHING)
    if time.monotonic() < _health.paused_until:
        _health.owes_bump = True
        return
    if _health.owes_bump:
        # Writes made while Redis failed were not recorded, whoever made them.
        _health.owes_bump = False
        team = None
    if not _set_generation(team or EVERYTHING):
        logger.error(
            "page cache: pages of %s may show old data for up to %s s",
            team or "every team",
            settings.PAGE_CACHE_SECONDS,
        )


def _generations(team: str) -> tuple[str, str] | None:
    keys = [_generation_key(EVERYTHING), _generation_key(team)]
    cache = _cache()
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, GENERATION_SECONDS)
            found[key] = cache.get(key)
    if None in found.values():
        return None
    return found[keys[0]], found[keys[1]]


def _sight(membership: Any) -> str:
    """Which of the team's accounts the reader sees, read now (not from the cache).

    A lead sees them all; a manager the accounts they manage, so a manager who loses an
    account gets another key (and the view's 404) even if no bump reached the cache.
    """
    if membership.is_lead:
        return "all"
    from accounts.models import Account

    managed = Account.managers.through.objects.filter(
        user_id=membership.user_id, account__team_id=membership.team_id
    ).values_list("account_id", flat=True)
    return ",".join(str(pk) for pk in sorted(managed))


def _page_key(request: HttpRequest, membership: Any, view: Callable) -> str | None:
    generations = _generations(membership.team.slug)
    if generations is None:
        return None
    parts = (
        f"{view.__module__}.{view.__qualname__}",
        *generations,
        membership.team.slug,
        str(request.user.pk),
        membership.role,
        _sight(membership),
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        request_language(request),
        today().isoformat(),
    )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"page:{digest}"


NOT_KEPT = "page_not_kept"


def not_kept(request: HttpRequest) -> None:
    """The page being rendered shows a passing state that no write ends (a service
    down): it is served this once and not kept."""
    setattr(request, NOT_KEPT, True)


def _pending_messages(request: HttpRequest) -> bool:
    return bool(len(get_messages(request)))


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's page from the cache when this reader saw it with the same data."""

    @wraps(view)
    def wrapper(request: HttpRequest, membership: Any, *args: Any, **kwargs: Any):
        # A page showing a one-time message is neither served from nor kept in the cache.
        if request.method != "GET" or not enabled() or _pending_messages(request):
            return view(request, membership, *args, **kwargs)
        key = _lookup_key(request, membership, view)
        if key is None:
            return view(request, membership, *args, **kwargs)
        try:
            stored, rendering = _stored_or_wait(key)
        except Exception as error:  # noqa: BLE001
            _health.failed(error)
            return view(request, membership, *args, **kwargs)
        if stored is not None:
            return _served(request, stored)
        try:
            response = view(request, membership, *args, **kwargs)
            fresh = response.status_code == 200 and not response.streaming
            if fresh and not _pending_messages(request) and not getattr(request, NOT_KEPT, False):
                _store(request, key, response)
        finally:
            if rendering:
                _release(key)
        return response

    return wrapper


def _stored_or_wait(key: str) -> tuple[dict[str, Any] | None, bool]:
    """(the stored page or None, whether this request renders it).

    When many readers ask for a page nobody has rendered yet (just after a write), one
    renders it and the others wait for its copy instead of all rendering it at once.
    """
    cache = _cache()
    stored = cache.get(key)
    if stored is not None:
        return stored, False
    lock = f"rendering:{key}"
    if cache.add(lock, 1, RENDER_LOCK_SECONDS):
        return None, True
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        found = cache.get_many([key, lock])
        if key in found:
            return found[key], False
        if lock not in found:
            break  # the renderer stored nothing (an error, a message): render it here
    return None, False


def _release(key: str) -> None:
    try:
        _cache().delete(f"rendering:{key}")
    except Exception as error:  # noqa: BLE001
        _health.failed(error)


def _lookup_key(request: HttpRequest, membership: Any, view: Callable) -> str | None:
    if not _health.usable():
        return None
    try:
        return _page_key(request, membership, view)
    except Exception as error:  # noqa: BLE001
        _health.failed(error)
        return None


def _store(request: HttpRequest, key: str, response: HttpResponse) -> None:
    if not _within_allowance(request.user.pk):
        return
    content = response.content.decode(response.charset)
    secret = request.META.get("CSRF_COOKIE")
    if secret:
        content = _TOKEN_RE.sub(
            lambda found: CSRF_MARK if _unmask(found[0]) == secret else found[0], content
        )
    stored = {
        "content": content,
        "status": response.status_code,
        "headers": [(k, v) for k, v in response.items() if k.lower() not in _NOT_STORED],
        "reads_language": getattr(request, "reads_language", False),
    }
    try:
        _cache().set(key, stored, settings.PAGE_CACHE_SECONDS)
    except Exception as error:  # noqa: BLE001
        _health.failed(error)


def _within_allowance(user_id: int) -> bool:
    """Whether the reader may add one more page: at most STORED_PER_READER in a page's
    lifetime, so no one fills Redis with endless query strings."""
    counter = f"stored:{user_id}"
    cache = _cache()
    try:
        cache.add(counter, 0, settings.PAGE_CACHE_SECONDS)
        return cache.incr(counter) <= STORED_PER_READER
    except ValueError:  # the counter expired between add and incr: a new lifetime
        return True
    except Exception as error:  # noqa: BLE001
        _health.failed(error)
        return False


def _unmask(token: str) -> str:
    try:
        return _unmask_cipher_token(token)
    except (ValueError, IndexError):
        return ""


def _served(request: HttpRequest, stored: dict[str, Any]) -> HttpResponse:
    content = stored["content"]
    if CSRF_MARK in content:
        content = content.replace(CSRF_MARK, get_token(request))
    response = HttpResponse(content, status=stored["status"])
    for name, value in stored["headers"]:
        response[name] = value
    if stored["reads_language"]:
        request.reads_language = True
    return response


def team_of_path(path: str) -> str | None:
    found = _TEAM_PATH_RE.match(path)
    return found[1] if found else None


def invalidate_on_write(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: after a signed-in request that may write (not GET, HEAD, OPTIONS) and
    was not refused, forget the pages of its team (/t/<slug>/…), or of every team for
    the admin. Sign-in and sign-out forget nothing; any database write they or a refused
    request made is forgotten by lib.pagewrites."""

    def middleware(request: HttpRequest) -> HttpResponse:
        team = team_of_path(request.path_info)
        token = current_team.set(team)
        bumped: set[str] = set()
        bumped_token = _bumped.set(bumped)
        try:
            response = get_response(request)
        finally:
            current_team.reset(token)
            _bumped.reset(bumped_token)
        if (
            # A write of the request's own already forgot them (lib.pagewrites), after
            # the last write: every write to the apps' tables bumps, once it commits.
            not bumped & {team or EVERYTHING, EVERYTHING}
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and response.status_code < 400
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and (team is not None or request.path_info.startswith("/admin/"))
        ):
            bump(team)
        return response

    return middleware


def forgets_pages(handle: Callable[..., Any]) -> Callable[..., Any]:
    """For a management command's handle(): every team's pages are forgotten when it ends
    (also when it fails part way), since it may have written by COPY."""

    @wraps(handle)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return handle(*args, **kwargs)
        finally:
            bump()

    return wrapper

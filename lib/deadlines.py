"""Ceilings on the time one request or one command may take.

Gunicorn kills a worker whose request runs past its `--timeout` (30 s, Dockerfile and
docker-compose.yml): the user then gets no page at all, only a dropped connection. The
middleware below cuts a request a little earlier (REQUEST_TIMEOUT_SECONDS, 25 s by default),
rolls back what it was writing (the exception leaves every atomic block) and answers with
a page that says so (templates/errors/503.html). Management commands use `deadline`
directly (import_metrics --timeout).

The deadline is a real-time interval timer (SIGALRM), which only the main thread of a
process can receive: under gunicorn's sync workers (Playbook's setting) that is where
requests run. Elsewhere (threads, a timer already running, platforms without SIGALRM)
the middleware leaves the request to the server's own timeout.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class DeadlineExceeded(Exception):
    """The work ran past its deadline; whatever it was writing was rolled back."""


def _can_time() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )


@contextmanager
def deadline(seconds: float, message: str = "ran out of time") -> Iterator[bool]:
    """Raise DeadlineExceeded in the block once `seconds` have passed.

    Yields whether the deadline is armed (False when seconds <= 0 or it cannot be timed
    here). The timer is stopped, and the previous handler restored, on the way out.
    """
    if seconds <= 0 or not _can_time():
        yield False
        return

    def expire(_signum: int, _frame: object) -> None:
        raise DeadlineExceeded(message)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def request_deadline(get_response: Callable[[HttpRequest], HttpResponse]):
    """Middleware: a request past REQUEST_TIMEOUT_SECONDS gets the 503 page, not a killed worker."""

    def middleware(request: HttpRequest) -> HttpResponse:
        seconds = settings.REQUEST_TIMEOUT_SECONDS
        try:
            with deadline(seconds, f"the request took longer than {seconds:g} s"):
                return get_response(request)
        except DeadlineExceeded:
            return too_long(request)

    return middleware


def too_long(request: HttpRequest) -> HttpResponse:
    seconds = settings.REQUEST_TIMEOUT_SECONDS
    html = render_to_string("errors/503.html", {"seconds": seconds}, request=None)
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "60"
    return response

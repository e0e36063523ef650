"""A refused permission check leaves one line in the log, without a traceback."""

from __future__ import annotations

import contextlib
import io
import logging

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.log import configure_logging


@contextlib.contextmanager
def project_logging() -> io.StringIO:
    """The project's LOGGING, as Django sets it up, writing to a buffer; restored after."""
    root = logging.getLogger()
    saved = {
        name: (logger.handlers[:], logger.filters[:], logger.propagate, logger.level)
        for name, logger in (
            ("", root),
            *((n, logging.getLogger(n)) for n in ("django", "django.request")),
        )
    }
    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer):
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    try:
        yield buffer
    finally:
        for name, (handlers, filters, propagate, level) in saved.items():
            logger = logging.getLogger(name) if name else root
            logger.handlers[:], logger.filters[:] = handlers, filters
            logger.propagate, logger.level = propagate, level


@pytest.mark.parametrize("debug", [False, True])
def test_it_logs_a_refusal_once_without_a_traceback(
    login, bob, acme, settings, debug: bool
) -> None:
    settings.DEBUG = debug
    client = login(bob)
    with project_logging() as log:
        response = client.get(reverse("accounts:member-list", args=["acme"]))
    assert response.status_code == 403
    text = log.getvalue()
    assert text.count("Forbidden (Permission denied): /t/acme/members/") == 1, text
    assert "Traceback" not in text
    assert "PermissionDenied" not in text


def test_it_still_logs_a_server_error_with_its_traceback(settings) -> None:
    with project_logging() as log:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logging.getLogger("django.request").exception("Internal Server Error: /x/")
    text = log.getvalue()
    assert text.count("Internal Server Error: /x/") == 1
    assert "Traceback" in text and "RuntimeError: boom" in text

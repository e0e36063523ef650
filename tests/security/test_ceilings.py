"""Every request and command has a ceiling, and stopping at it leaves nothing half-written."""

from __future__ import annotations

import contextlib
import re
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from analytics.models import DailyMetric
from imports.models import ImportRun
from imports.services import imports
from lib.deadlines import DeadlineExceeded, deadline, request_deadline
from tests.factories import AccountFactory

ROOT = Path(__file__).resolve().parents[2]


def test_a_request_past_its_deadline_gets_the_503_page(settings):
    settings.REQUEST_TIMEOUT_SECONDS = 0.05

    def slow(_request):
        time.sleep(2)
        raise AssertionError("not cut")

    started = time.monotonic()
    response = request_deadline(slow)(RequestFactory().get("/t/acme/"))

    assert time.monotonic() - started < 1
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert b"This took too long" in response.content
    assert b"Nothing was saved" in response.content


@pytest.mark.django_db
def test_a_real_request_past_its_deadline_gets_the_503_page_not_a_500(
    client, settings, monkeypatch
):
    # Anywhere in the stack (here the session middleware), Django would make a 500 of
    # the exception before it reached the deadline's middleware.
    from django.contrib.sessions.middleware import SessionMiddleware

    real = SessionMiddleware.process_request

    def slow(self, request):
        time.sleep(2)
        return real(self, request)

    monkeypatch.setattr(SessionMiddleware, "process_request", slow)
    settings.REQUEST_TIMEOUT_SECONDS = 0.05
    client.raise_request_exception = False

    response = client.get("/login/")

    assert response.status_code == 503
    assert b"This took too long" in response.content


def test_a_quick_request_is_untouched_and_leaves_no_timer(settings):
    settings.REQUEST_TIMEOUT_SECONDS = 5
    response = request_deadline(lambda _request: "answer")(RequestFactory().get("/"))

    assert response == "answer"
    import signal

    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_middleware_is_installed_and_cuts_before_gunicorn_does():
    assert "lib.deadlines.request_deadline" in settings.MIDDLEWARE
    for name in ("Dockerfile", "docker-compose.yml"):
        text = (ROOT / name).read_text()
        found = re.search(r'--timeout"?,? "?(\d+)', text)
        assert found, f"{name}: gunicorn has no --timeout"
        assert int(found[1]) > settings.REQUEST_TIMEOUT_SECONDS


def test_a_deadline_inside_another_timer_is_not_armed():
    with deadline(10) as outer, deadline(0.01) as inner:
        time.sleep(0.05)
    assert outer and not inner


def test_a_deadline_raises_in_the_block():
    with pytest.raises(DeadlineExceeded), deadline(0.02):
        time.sleep(1)


@pytest.fixture
def one_row_csv(acme, tmp_path):
    """A canonical file of one row for acme's @acmeofficial, as import_metrics reads it."""
    AccountFactory(team=acme, handle="acmeofficial")
    path = tmp_path / "rows.csv"
    path.write_text("date,handle,likes\n2024-10-07,acmeofficial,3\n")
    return path


def _import_with_short_timeout(path: Path) -> None:
    call_command(
        "import_metrics", str(path), "--team", "acme", "--timeout", "0.2", stdout=StringIO()
    )


@pytest.mark.django_db
def test_import_metrics_stops_at_its_timeout_writing_nothing(one_row_csv, monkeypatch):
    real = imports.upload_import

    def slow_after_writing(**kwargs):
        result = real(**kwargs)
        assert DailyMetric.objects.count() == 1  # written, not yet committed
        time.sleep(2)
        return result

    monkeypatch.setattr(imports, "upload_import", slow_after_writing)
    with pytest.raises(CommandError, match="longer than --timeout 0.2 s"):
        _import_with_short_timeout(one_row_csv)

    assert not DailyMetric.objects.exists()
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_import_metrics_has_a_default_timeout_of_ten_minutes(one_row_csv, monkeypatch):
    armed = []

    from imports.management.commands import import_metrics

    real = import_metrics.deadline

    def spy(seconds, *args):
        armed.append(seconds)
        return real(seconds, *args)

    monkeypatch.setattr(import_metrics, "deadline", spy)
    call_command("import_metrics", str(one_row_csv), "--team", "acme", stdout=StringIO())

    assert armed == [600]
    assert DailyMetric.objects.count() == 1


@pytest.mark.django_db
def test_import_metrics_stops_even_when_the_deadline_was_caught_on_the_way(
    one_row_csv, monkeypatch
):
    real = imports.upload_import

    def swallowing(**kwargs):
        result = real(**kwargs)
        # What careless code on the way might do: catch everything and go on.
        with contextlib.suppress(Exception):
            time.sleep(2)
        return result

    monkeypatch.setattr(imports, "upload_import", swallowing)
    with pytest.raises(CommandError, match="nothing was written"):
        _import_with_short_timeout(one_row_csv)

    assert not DailyMetric.objects.exists()
    assert not ImportRun.objects.exists()

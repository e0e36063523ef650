"""PostgreSQL restarted while requests are served: within 30 s requests succeed again."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.faults.services import (
    Gunicorn,
    HttpClient,
    PostgresCluster,
    django_env,
    manage,
    wait_until,
)

PASSWORD = "fault-tests-password-1"
RECOVERY_LIMIT = 30.0
SEED = f"""
from accounts.models import Kind
from accounts.services import account_create, member_add, team_create
team = team_create(slug="acme", name="Acme")
lead = member_add(team=team, username="alice", role="lead", password="{PASSWORD}")
account_create(team=team, handle="acmecoffee", kind=Kind.OFFICIAL, managers=[lead.user])
"""
# A page that reads the database in several queries (session, team, scorecards).
PAGE = "/t/acme/scorecards/"


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PostgresCluster, str]]:
    """A migrated database, with a lead and an account, on a cluster of the test's own."""
    cluster = PostgresCluster().initdb()
    cluster.start()
    try:
        url = cluster.create_database("playbook")
        env = django_env(DATABASE_URL=url)
        manage("migrate", "--verbosity=0", env=env)
        manage("shell", "--no-imports", "-c", SEED, env=env)
        yield cluster, url
    finally:
        cluster.remove()


def test_it_checks_persistent_connections_before_each_request() -> None:
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.slow
def test_it_serves_requests_again_soon_after_postgres_restarts(
    postgres: tuple[PostgresCluster, str], tmp_path: Path
) -> None:
    cluster, url = postgres
    # Persistent connections, so that each server thread holds one across the restart.
    server = Gunicorn(
        env=django_env(DATABASE_URL=url, DJANGO_CONN_MAX_AGE="600"),
        log=tmp_path / "gunicorn.log",
        workers=1,
        threads=2,
    ).start()
    try:
        client = HttpClient(server.port, timeout=10)
        client.log_in("alice", PASSWORD)
        assert [client.request("GET", PAGE)[0] for _ in range(10)] == [200] * 10

        # 1. A quick restart while nobody asks: every connection the server holds is dead,
        # and the first requests after it must not fail for that.
        cluster.stop()
        cluster.start()
        wait_until(cluster.answers, 30, "PostgreSQL to answer")
        assert [client.request("GET", PAGE)[0] for _ in range(10)] == [200] * 10

        # 2. A restart under a steady stream of requests.
        outcomes: list[tuple[float, int]] = []
        stop = threading.Event()

        def browse() -> None:
            browser = HttpClient(server.port, timeout=10)
            browser.cookies = dict(client.cookies)
            while not stop.is_set():
                # Each request counts at the moment it was sent.
                sent_at = time.monotonic()
                try:
                    status = browser.request("GET", PAGE)[0]
                except OSError:
                    status = 0
                outcomes.append((sent_at, status))
                time.sleep(0.05)

        browsers = [threading.Thread(target=browse) for _ in range(2)]
        for browser in browsers:
            browser.start()
        time.sleep(2)
        restarted = time.monotonic()
        cluster.stop()
        time.sleep(2)
        cluster.start()
        wait_until(lambda: any(at > restarted and s == 200 for at, s in outcomes), 40, "a 200")
        time.sleep(3)
        stop.set()
        for browser in browsers:
            browser.join()
    finally:
        server.stop()

    # Requests sent well before the restart (not in flight when it ended their sessions).
    before = [s for at, s in outcomes if at < restarted - 1]
    after = [(at, s) for at, s in outcomes if at >= restarted]
    assert before and set(before) == {200}
    # While the database is down the server answers with an error page, never hangs.
    assert any(s == 500 for _, s in after)
    # From some moment on, every request sent succeeds; it is soon after the restart.
    last_failure = max(at for at, s in after if s != 200)
    recovered = sorted(at for at, s in after if at > last_failure)
    assert recovered, "no request succeeded after the last failure"
    assert recovered[0] - restarted < RECOVERY_LIMIT

"""The cast every test shares.

`alice` leads Acme. `bob` manages Acme's official account @acmecoffee, not its marketing
account @acme.deals. `charlie` leads Globex and sees nothing of Acme. `root` is a
superuser in no team.
"""

from __future__ import annotations

import gc
import sys
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.test import Client

from accounts.models import Account, Kind, Role, Team
from api import caps
from lib import periodic
from tests.factories import AccountFactory, MembershipFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def periodic_claims(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """Each test claims periodic jobs under its own Redis prefix and removes its claims.

    Other test runs share the Redis database: a nightly job one test ran must not count
    as run for another. Yields the (broker URL, key) of every claim made.
    """
    prefix = f"playbook-test-periodic-{uuid.uuid4().hex[:12]}"
    monkeypatch.setattr(settings, "PERIODIC_CLAIM_PREFIX", prefix, raising=False)
    made: list[tuple[str, str]] = []
    real_key = periodic.claim_key

    def recorded_key(job: str, period: str) -> str:
        key = real_key(job, period)
        made.append((settings.CELERY_BROKER_URL, key))
        return key

    monkeypatch.setattr(periodic, "claim_key", recorded_key)
    yield made
    for url, key in set(made):
        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
            client.delete(key)
            client.close()
        except (redis.RedisError, OSError):
            # A test that stopped its own Redis took its claims with it.
            pass


@pytest.fixture
def api_cap_prefix(settings) -> Iterator[str]:
    """The API counts usage under this test's own Redis prefix, removed afterwards (every
    test in tests/api/ has it; a test elsewhere that calls the API asks for it)."""
    prefix = f"playbook-test-api-{uuid.uuid4().hex[:12]}"
    settings.PLAYBOOK_API_CAP_PREFIX = prefix
    settings.PLAYBOOK_API_REDIS_URL = settings.CELERY_BROKER_URL
    caps.usage_reset()
    yield prefix
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def acme(db: None) -> Team:
    return TeamFactory(slug="acme", name="Acme")


@pytest.fixture
def globex(db: None) -> Team:
    return TeamFactory(slug="globex", name="Globex")


@pytest.fixture
def alice(acme: Team):
    user = UserFactory(username="alice")
    MembershipFactory(team=acme, user=user, role=Role.LEAD)
    return user


@pytest.fixture
def bob(acme: Team):
    user = UserFactory(username="bob")
    MembershipFactory(team=acme, user=user, role=Role.MANAGER)
    return user


@pytest.fixture
def charlie(globex: Team):
    user = UserFactory(username="charlie")
    MembershipFactory(team=globex, user=user, role=Role.LEAD)
    return user


@pytest.fixture
def root(db: None):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def acmecoffee(acme: Team, bob) -> Account:
    return AccountFactory(
        team=acme, handle="acmecoffee", kind=Kind.OFFICIAL, verified=True, managers=[bob]
    )


@pytest.fixture
def acme_deals(acme: Team) -> Account:
    return AccountFactory(team=acme, handle="acme.deals", kind=Kind.MARKETING, verified=False)


@pytest.fixture
def globex_main(globex: Team) -> Account:
    return AccountFactory(team=globex, handle="globex", kind=Kind.OFFICIAL)


@pytest.fixture
def login(client: Client) -> Callable[..., Client]:
    """login(user) gives the test client logged in as that user."""

    def as_user(user) -> Client:
        client.force_login(user)
        return client

    return as_user


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test not marked `browser` starts with the browser tests' shared chromium closed
    (tests/browser.py): Playwright's event loop counts as running while it is open."""
    browser = sys.modules.get("tests.browser")
    if browser is not None and item.get_closest_marker("browser") is None:
        browser.close_browser()


def pytest_sessionfinish(session: pytest.Session) -> None:
    browser = sys.modules.get("tests.browser")
    if browser is not None:
        browser.close_browser()
    sqlite_demo = sys.modules.get("tests.demo.sqlite_demo")
    if sqlite_demo is not None:
        sqlite_demo.stop()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything imported so far (Django, the apps, the test modules) lives as long as
    the run: frozen, the collector's full passes no longer walk it (about 600,000 objects,
    walked some 65 times in a run). When the run holds the SQLite demo test, its migrate
    starts now, beside the suite (tests/demo/sqlite_demo.py)."""
    gc.collect()
    gc.freeze()
    sqlite_test = "tests/demo/test_sqlite.py::"
    collect_only = session.config.option.collectonly
    if not collect_only and any(item.nodeid.startswith(sqlite_test) for item in session.items):
        from tests.demo import sqlite_demo

        sqlite_demo.start_migrate()


@pytest.fixture(scope="session", autouse=True)
def other_sessions_closed(django_db_setup) -> Iterator[None]:
    """Before the test database is dropped, close what other processes left connected.

    Real Celery workers and gunicorn servers started by tests are stopped, but a backend
    of a killed one can outlive it for a moment, and PostgreSQL refuses to drop a
    database still in use. Each is named on stderr, then ended, from a connection of
    its own to the server's maintenance database.
    """

    import psycopg
    from django.db import connection

    params = connection.get_connection_params() if connection.vendor == "postgresql" else {}
    test_database = params.pop("dbname", "")
    if not test_database.startswith("test_"):
        yield
        return
    params = {key: params[key] for key in ("host", "port", "user", "password") if key in params}
    yield
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        rows = admin.execute(
            "SELECT pid, application_name, state, left(query, 80) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [test_database],
        ).fetchall()
        for pid, application, state, query in rows:
            print(
                f"closing a test database session left open: {application!r} {state} {query!r}",
                file=sys.stderr,
            )
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])


# A table is vacuumed once its dead rows passed this many (a 1,000-account test leaves
# about 100,000 in the daily metrics; a usual test a few dozen).
DEAD_ROWS_VACUUMED = 5_000


@pytest.fixture(scope="module", autouse=True)
def dead_rows_vacuumed(django_db_blocker) -> Iterator[None]:
    """After each module, VACUUM the tables its rolled-back writes left full of dead rows.

    pytest-django runs every rolled-back test (TestCase, `db`) before the first test that
    commits and truncates (`transactional_db`), so without autovacuum (it is off on the
    development server, and may not come round in time elsewhere) the dead rows of
    1,400 tests stay in the tables: every later sequential scan reads them again (the
    access matrix's checksum of every product table after each refused request went from
    ~20 to ~50 s). Only a test database the session set up is touched, between tests,
    outside any transaction.
    """
    yield
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    if not connection.settings_dict["NAME"].startswith("test_"):
        return
    with django_db_blocker.unblock():
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT quote_ident(schemaname) || '.' || quote_ident(relname) "
                    "FROM pg_stat_user_tables WHERE n_dead_tup > %s",
                    [DEAD_ROWS_VACUUMED],
                )
                tables = [row[0] for row in cursor.fetchall()]
                if tables:
                    cursor.execute(f"VACUUM {', '.join(tables)}")
        except DatabaseError:
            # A fault test may have stopped or restarted the server: nothing to clean.
            pass


@pytest.fixture(scope="session", autouse=True)
def flush_deletes_rows() -> Iterator[None]:
    """The test database is emptied after each transactional test by DELETE of the tables
    that have rows, not by TRUNCATE of every table.

    Django's flush TRUNCATEs all 53 tables in one statement, and PostgreSQL gives each
    table and index a new file for it: about 0.5 s per transactional test, for a test that
    wrote to a handful of tables. Deleting the rows of those few (foreign keys checked at
    commit, as Django creates them deferrable) leaves the same empty tables. Sequences are
    not reset, as TRUNCATE without RESTART IDENTITY leaves them; a flush that resets them
    or cascades (`available_apps`), or of a database that is not a test one, is Django's own.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def delete_rows(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        test_database = self.connection.settings_dict["NAME"].startswith("test_")
        if reset_sequences or allow_cascade or not tables or not test_database:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        quoted = [self.quote_name(table) for table in tables]
        with self.connection.cursor() as cursor:
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT {n} WHERE EXISTS (SELECT FROM {table})"  # noqa: S608 - model tables
                    for n, table in enumerate(quoted)
                )
            )
            full = [quoted[n] for (n,) in cursor.fetchall()]
        deletes = [f"DELETE FROM {table}" for table in full]  # noqa: S608 - model tables
        return ["SET CONSTRAINTS ALL DEFERRED", *deletes]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", delete_rows)
        yield

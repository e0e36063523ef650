"""Fixtures for analytics tests: a Redis queue of the test's own, a real Celery worker, and
the two Acme accounts the import service tests write to."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from accounts.models import Kind
from analytics.models import ScorecardRun
from analytics.scorecards import queue as scorecard_queue
from config.celery import app as celery_app
from tests.factories import AccountFactory

BASE_DIR = Path(__file__).resolve().parent.parent.parent
WORKER_READY_TIMEOUT = 30.0
RUN_TIMEOUT = 60.0


@dataclass
class Broker:
    """The test Redis (REDIS_URL, db 15) and the queue this test's tasks go to."""

    client: redis.Redis
    queue: str

    def queued(self) -> list[dict]:
        """The headers of the messages waiting in the queue, oldest first."""
        return [
            json.loads(raw)["headers"] for raw in reversed(self.client.lrange(self.queue, 0, -1))
        ]


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Broker]:
    """Sends this test's tasks to a queue of its own, removed after the test.

    A queue per test rather than FLUSHDB: other test runs may share the Redis database,
    and neither may consume or erase the other's messages.
    """
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2)
    queue = f"playbook-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
    scorecard_queue._broker_answers.clear()
    yield Broker(client=client, queue=queue)
    client.delete(queue)
    client.close()
    scorecard_queue._broker_answers.clear()


def subprocess_database_url() -> str:
    """The URL of the database this test runs against (test_playbook), for a subprocess."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_run(self, run_id: int, timeout: float = RUN_TIMEOUT) -> ScorecardRun:
        """The run once it is DONE or FAILED; fails the test after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = ScorecardRun.objects.get(pk=run_id)
            if run.status in (ScorecardRun.Status.DONE, ScorecardRun.Status.FAILED):
                return run
            if self.process.poll() is not None:
                pytest.fail(f"The worker exited ({self.process.returncode}):\n{self.output()}")
            time.sleep(0.2)
        pytest.fail(f"Run {run_id} unfinished after {timeout} s ({run.status}):\n{self.output()}")

    def wait_ready(self) -> None:
        """Returns once the worker says it is ready; fails the test if it never does."""
        deadline = time.monotonic() + WORKER_READY_TIMEOUT
        while time.monotonic() < deadline:
            if " ready." in self.output():
                return
            if self.process.poll() is not None:
                pytest.fail(
                    f"The worker did not start ({self.process.returncode}):\n{self.output()}"
                )
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"The worker was not ready after {WORKER_READY_TIMEOUT} s:\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            # The worker leads its own process group: this ends it and its pool children.
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def start_worker(
    log: Path,
    *,
    queue: str,
    app: str = "config",
    pool: str = "solo",
    env: dict[str, str] | None = None,
    wait: bool = True,
) -> Worker:
    """Starts `celery worker` against the test database and the test Redis; waits until
    ready, or with wait=False returns at once (the caller then calls wait_ready())."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": subprocess_database_url(),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        app,
        "worker",
        f"--pool={pool}",
        "--concurrency=1",
        f"--queues={queue}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
        f"--hostname=playbook-test-{os.getpid()}@%h",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = Worker(process=process, log=log)
    if wait:
        worker.wait_ready()
    return worker


@pytest.fixture
def celery_worker(
    transactional_db: None, broker: Broker, tmp_path: Path
) -> Iterator[Callable[..., Worker]]:
    """start(app=..., pool=..., env=...) runs a real worker until the test ends.

    Tests using it need `@pytest.mark.django_db(transaction=True)`: the worker is another
    process and only sees committed rows.
    """
    workers: list[Worker] = []

    def start(**options: object) -> Worker:
        log = tmp_path / f"worker-{len(workers)}.log"
        worker = start_worker(log, queue=broker.queue, **options)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def official(acme, bob):
    return AccountFactory(
        team=acme, handle="acmeofficial", kind=Kind.OFFICIAL, currency="USD", managers=[bob]
    )


@pytest.fixture
def deals(acme):
    return AccountFactory(team=acme, handle="acme.deals", kind=Kind.MARKETING, currency="USD")

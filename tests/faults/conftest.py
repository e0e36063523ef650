"""Fixtures of the fault tests: throwaway services, and the project's Celery app on them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from analytics.models import ScorecardRun
from analytics.scorecards import queue as scorecard_queue
from config.celery import app as celery_app
from tests.analytics.conftest import subprocess_database_url
from tests.faults.services import BASE_DIR, RedisServer, django_env, stop_process_group

WORKER_READY_TIMEOUT = 30.0


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A Redis of this test's own, which the test may stop and start again."""
    server = RedisServer().start()
    yield server
    if server.process is not None:
        server.stop()


@pytest.fixture
def on_redis(redis_server: RedisServer, settings, monkeypatch: pytest.MonkeyPatch) -> RedisServer:
    """Points the project (broker checks, claims, Celery's producer) at `redis_server`."""
    settings.CELERY_BROKER_URL = redis_server.url
    monkeypatch.setitem(celery_app.conf, "broker_url", redis_server.url)
    monkeypatch.setitem(celery_app.conf, "task_default_queue", "celery")
    # Celery keeps a connection and a producer pool for the URL it first used.
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    scorecard_queue._broker_answers.clear()
    yield redis_server
    scorecard_queue._broker_answers.clear()


@dataclass
class Process:
    """A Celery worker or beat of the test, with its log."""

    process: subprocess.Popen
    log: Path
    kind: str
    marker: str

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self) -> None:
        """Returns once the log shows the ready marker; fails the test if it never does."""
        deadline = time.monotonic() + WORKER_READY_TIMEOUT
        while self.marker not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"celery {self.kind} did not start:\n{self.output()}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL for the process and its children (the worker leads its own group)."""
        stop_process_group(self.process)

    def wait_for_run(self, run_id: int, timeout: float = 90.0) -> ScorecardRun:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = ScorecardRun.objects.get(pk=run_id)
            if run.status in (ScorecardRun.Status.DONE, ScorecardRun.Status.FAILED):
                return run
            if self.process.poll() is not None:
                pytest.fail(f"The worker exited ({self.process.returncode}):\n{self.output()}")
            time.sleep(0.2)
        pytest.fail(f"Run {run_id} unfinished after {timeout} s ({run.status}):\n{self.output()}")


@pytest.fixture
def celery_process(
    transactional_db: None, on_redis: RedisServer, tmp_path: Path
) -> Iterator[Callable[..., Process]]:
    """start("worker" | "beat", app=..., args=[...], env={...}) on the test's Redis and database.

    It returns once the process says it is ready; with wait=False at once, and the test
    calls wait_ready() (processes that may start together then start side by side).

    Every process is killed when the test ends. Tests using it need
    `@pytest.mark.django_db(transaction=True)`: the processes only see committed rows.
    """
    started: list[Process] = []

    def start(
        kind: str = "worker",
        *,
        app: str = "config",
        args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        ready: str | None = None,
        wait: bool = True,
    ) -> Process:
        log = tmp_path / f"{kind}-{len(started)}.log"
        environment = django_env(
            DATABASE_URL=subprocess_database_url(),
            REDIS_URL=on_redis.url,
            PERIODIC_CLAIM_PREFIX=settings.PERIODIC_CLAIM_PREFIX,
            DJANGO_LOG_LEVEL="INFO",
            **(env or {}),
        )
        command = [sys.executable, "-m", "celery", "-A", app, kind, "--loglevel=INFO", *args]
        if kind == "worker":
            command += [
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=playbook-fault-{os.getpid()}-{len(started)}@%h",
            ]
        if kind == "beat" or "-B" in args:
            command += [f"--schedule={tmp_path / f'beat-{len(started)}'}"]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        marker = ready or (" ready." if kind == "worker" else "beat: Starting")
        handle = Process(process=process, log=log, kind=kind, marker=marker)
        started.append(handle)
        if wait:
            handle.wait_ready()
        return handle

    yield start
    for handle in started:
        handle.kill()

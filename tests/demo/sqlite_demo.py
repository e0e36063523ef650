"""The SQLite database of tests/demo/test_sqlite.py, migrated in the background.

Migrating a fresh SQLite file takes some ten seconds of one core (Django renders the
migration states). That test has no database fixture, so pytest-django runs it among the
last; tests/conftest.py starts its `migrate` as soon as the run has collected it, beside
the rest of the suite, and the test waits for it, checks it and goes on from there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent.parent
MIGRATE_TIMEOUT = 300

_started: dict[str, Any] = {}


def local_env(database: Path) -> dict[str, str]:
    """`make run`'s settings on a SQLite file of the test's own."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
    }


def start_migrate() -> None:
    """`manage.py migrate` of a new SQLite file, in the background (once per run)."""
    if _started:
        return
    directory = Path(tempfile.mkdtemp(prefix="playbook-sqlite-demo-"))
    env = local_env(directory / "demo.sqlite3")
    log = (directory / "migrate.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    _started.update(process=process, directory=directory, env=env, log=log)


def migrated() -> dict[str, str]:
    """Waits for the migrate (started now if it was not) and returns the environment that
    runs the project's commands on its database; fails with its output if it failed."""
    start_migrate()
    process: subprocess.Popen = _started["process"]
    returncode = process.wait(timeout=MIGRATE_TIMEOUT)
    _started["log"].close()
    output = (_started["directory"] / "migrate.log").read_text(errors="replace")
    assert returncode == 0, output
    return _started["env"]


def stop() -> None:
    """Ends a migrate still running and removes its files."""
    if not _started:
        return
    process: subprocess.Popen = _started.pop("process")
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)
    _started.pop("log").close()
    shutil.rmtree(_started.pop("directory"), ignore_errors=True)
    _started.clear()

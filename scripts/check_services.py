"""Before the tests: are PostgreSQL, Redis and chromium there? One clear line each if not."""

from __future__ import annotations

import glob
import os
import shutil
import sys
from urllib.parse import urlsplit

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/playbook")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def postgres_problem() -> str | None:
    import psycopg

    url = urlsplit(DATABASE_URL)
    # Connect to the server's own database: the test database may not exist yet.
    admin_url = url._replace(path="/postgres").geturl()
    try:
        psycopg.connect(admin_url, connect_timeout=3).close()
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            f"PostgreSQL is not reachable at {url.hostname}:{url.port or 5432} ({reason}). "
            "Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start "
            "(or set DATABASE_URL)."
        )
    return None


def redis_problem() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        url = urlsplit(REDIS_URL)
        return (
            f"Redis is not reachable at {url.hostname}:{url.port or 6379} ({exc}). "
            "Start it: redis-server --daemonize yes --port 6379 (or set REDIS_URL)."
        )
    return None


def chromium_problem() -> str | None:
    if os.path.exists(CHROMIUM) or shutil.which(CHROMIUM):
        return None
    return (
        f"Chromium is missing at {CHROMIUM}: the browser tests need Debian's package "
        "(apt-get install chromium), never a downloaded browser."
    )


def fault_tools_problem() -> str | None:
    """The fault tests (tests/faults) start throwaway redis-server and PostgreSQL servers."""
    missing = []
    if not shutil.which("redis-server"):
        missing.append("redis-server (apt-get install redis-server)")
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        missing.append("PostgreSQL's server binaries under /usr/lib/postgresql/*/bin")
    if not missing:
        return None
    return f"The fault tests start their own servers and need {' and '.join(missing)}."


def main() -> int:
    checks = (postgres_problem(), redis_problem(), chromium_problem(), fault_tools_problem())
    problems = [p for p in checks if p]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

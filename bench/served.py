"""The app served as production runs it, for the benchmarks that time it over HTTP.

gunicorn (sync workers, as the image runs them) with config.settings.production (DEBUG
off, cached templates, the static files' manifest, psycopg's pool) on the loopback, and
the CPU its workers and their PostgreSQL backends use (Linux /proc).
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def production_env(args: argparse.Namespace, url: str) -> dict[str, str]:
    """The environment of a production server on this machine's loopback (no TLS)."""
    return {
        **os.environ,
        "PYTHONPATH": str(BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback: no redirect to HTTPS, cookies without Secure.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DATABASE_URL": url,
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def start_server(args: argparse.Namespace, url: str, *, wait: float = 30) -> subprocess.Popen:
    """gunicorn with the production settings, after collectstatic (the manifest they read),
    waited for up to `wait` seconds (more on a machine shared with other work)."""
    env = production_env(args, url)
    python = str(BASE_DIR / ".venv" / "bin" / "python")
    subprocess.run(
        [python, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    command = [
        str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
        "config.wsgi:application",
        f"--bind=127.0.0.1:{args.port}",
        f"--workers={args.workers}",
        # As the image runs it: sync workers, one request at a time each, so that the
        # request deadline (lib/deadlines.py) can interrupt it (docs/scaling.md).
        "--worker-class=sync",
        "--timeout=30",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=min(20, wait / 10))
            conn.request("GET", "/login/")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server did not start within {wait:g} s")


def stop_server(server: subprocess.Popen) -> None:
    """Stops gunicorn, killing it when its graceful stop takes too long."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class ServerCpu:
    """CPU seconds of the app (gunicorn's workers) and of its PostgreSQL backends (Linux).

    Both phases keep the cores busy, so a phase's latencies follow its CPU per request;
    this says where that CPU goes. Figures are None where /proc cannot tell.
    """

    def __init__(self, server: subprocess.Popen, url: str) -> None:
        self.server = server
        self.url = url

    @staticmethod
    def _seconds(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _pids(self) -> tuple[list[int], list[int]]:
        import psycopg

        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children")
        workers = [int(pid) for pid in children.read_text().split()]
        with psycopg.connect(self.url) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            ).fetchall()
        return workers, [pid for (pid,) in rows]

    def sample(self) -> tuple[float, float] | None:
        try:
            workers, backends = self._pids()
        except (OSError, ValueError):
            return None
        return (
            sum(self._seconds(pid) for pid in workers),
            sum(self._seconds(pid) for pid in backends),
        )

    @staticmethod
    def per_request(used: list[float] | None, requests: int) -> str:
        """`used`: CPU seconds of the app and of the database over `requests` requests."""
        if used is None or not requests:
            return "server CPU per request: not measured"
        app, database = (seconds * 1000 / requests for seconds in used)
        return f"server CPU per request: app {app:.2f} ms, database {database:.2f} ms"

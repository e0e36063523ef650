"""How fast ticks are under load, against a trivial view of the same server.

Creates a separate PostgreSQL database, playbook_bench_ticks (created and migrated here,
never the test or production database), with one team, 20 managers and 2 accounts each
(one official, one marketing with metrics, so the paid-promotion rule queries), opens this
week's checklists, then starts the app with gunicorn (config.settings.test) on a local
port and times, from concurrent clients (threads, each with its own keep-alive
connection and logged-in session):

1. the trivial view: GET /login/ without a session (a template with a CSRF token);
2. ticks: htmx POSTs ticking and unticking random items of the client's accounts, each
   answered with the item and the progress bar.

It prints p50/p95/p99 of both, with the CPU per request of the app's processes and of
its database backends (from /proc, Linux), and fails on any error, then one line per goal:
`goal <name>: <figure> (target <op> <value>) met` (or `missed`); the goal is a tick p95
at most twice the trivial view's p95 of the same run (issue 11).

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/ticks.py [--clients 20]
        [--seconds 20] [--baseline-seconds 5] [--rounds 1] [--workers 4] [--threads 5]
        [--port 8765] [--cached-templates] [--conn-max-age 60]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from benchdb import bench_database_url, setup_django  # noqa: E402

BENCH_DB = "playbook_bench_ticks"
BENCH_TEAM = "bench-ticks"
PASSWORD = "bench-ticks-password-1"  # noqa: S105 - a throwaway database's users
TICK_RE = re.compile(r'action="(/t/[^"]+/checklist/items/[0-9a-f-]+/tick/)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Issue 11: a tick's p95 at most twice the trivial view's, measured in the same run.
TICK_RATIO_TARGET = 2.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20, help="how long to tick")
    parser.add_argument("--baseline-seconds", type=float, default=5)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="alternate the trivial view and ticks this many times, the seconds split "
        "between rounds (on a machine whose other load varies)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=5, help="threads per gunicorn process")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--cached-templates",
        action="store_true",
        help="wrap the template loaders in Django's cached loader (what DEBUG=False does "
        "when settings name no loaders) to see what parsing templates per request costs",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        help="seconds the app keeps a database connection (DJANGO_CONN_MAX_AGE)",
    )
    return parser.parse_args()


def seed(clients: int) -> list[str]:
    """The team, a manager per client with an official and a marketing account; usernames."""
    from accounts.models import Kind, Team
    from accounts.services import account_create, member_add, team_create
    from analytics.models import DailyMetric
    from lib.dates import this_week
    from strategy.services import checklists_open_week

    team = Team.objects.filter(slug=BENCH_TEAM).first() or team_create(
        slug=BENCH_TEAM, name="Bench ticks"
    )
    week = this_week()
    usernames = []
    for n in range(clients):
        username = f"bench-manager-{n}"
        membership = member_add(team=team, username=username, role="manager", password=PASSWORD)
        for kind in (Kind.OFFICIAL, Kind.MARKETING):
            handle = f"bench_{kind[:3]}_{n}"
            account = team.accounts.filter(handle=handle).first() or account_create(
                team=team, handle=handle, kind=kind, managers=[membership.user]
            )
            if kind == Kind.MARKETING:
                DailyMetric.objects.update_or_create(
                    account=account, date=week, defaults={"spend": Decimal("12.50")}
                )
        usernames.append(username)
    checklists_open_week(week_start=week, accounts=team.accounts.select_related("team"))
    return usernames


CACHED_TEMPLATES = """from config.settings.test import *  # noqa: F403

_partials, _loaders = TEMPLATES[0]["OPTIONS"]["loaders"][0]  # noqa: F405
TEMPLATES[0]["OPTIONS"]["loaders"] = [  # noqa: F405
    (_partials, [("django.template.loaders.cached.Loader", _loaders)])
]
"""


def start_server(args: argparse.Namespace, url: str) -> subprocess.Popen:
    settings = "config.settings.test"
    python_path = str(BASE_DIR)
    if args.cached_templates:
        # A throwaway settings module next to the project, only for this server.
        folder = Path(tempfile.mkdtemp(prefix="bench-ticks-"))
        (folder / "bench_ticks_settings.py").write_text(CACHED_TEMPLATES)
        settings = "bench_ticks_settings"
        python_path = f"{folder}{os.pathsep}{BASE_DIR}"
    env = {
        **os.environ,
        "PYTHONPATH": python_path,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": url,
        "DJANGO_CONN_MAX_AGE": str(args.conn_max_age),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    command = [
        str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
        "config.wsgi:application",
        f"--bind=127.0.0.1:{args.port}",
        f"--workers={args.workers}",
        f"--threads={args.threads}",
        "--worker-class=gthread",
        "--keep-alive=30",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/login/")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start within 30 s")


class Client:
    """One browser: a keep-alive connection and the cookies of a logged-in session."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str = "", headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body or None, headers=headers)
        response = self.conn.getresponse()
        content = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, content

    def log_in(self, username: str) -> None:
        status, page = self.request("GET", "/login/")
        token = CSRF_RE.search(page)[1]
        form = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        status, _ = self.request("POST", "/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{username} could not log in ({status})")

    def tick_urls(self, handles: list[str]) -> list[str]:
        urls = []
        for handle in handles:
            status, page = self.request("GET", f"/t/{BENCH_TEAM}/a/{handle}/checklist/")
            if status != 200:
                raise SystemExit(f"the checklist of {handle} answered {status}")
            urls += TICK_RE.findall(page)
        return urls


def trivial_work(port: int):
    """The trivial view's load, the baseline of every page: GET /login/ as an anonymous user."""

    def trivial(n: int, deadline: float) -> tuple[list[float], list[str]]:
        anonymous = Client(port)
        latencies, errors = [], []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            status, _ = anonymous.request("GET", "/login/")
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(f"GET /login/ {status}")
        return latencies, errors

    return trivial


def run_clients(count: int, seconds: float, work) -> tuple[list[float], list[str]]:
    """work(n, deadline) -> (latencies, errors) in `count` threads; all results together."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def run(n: int) -> None:
        barrier.wait()
        mine, failed = work(n, time.monotonic() + seconds)
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


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


def report(name: str, latencies: list[float], seconds: float) -> float:
    cut = statistics.quantiles(latencies, n=100)
    p50, p95, p99 = cut[49] * 1000, cut[94] * 1000, cut[98] * 1000
    print(
        f"{name:<22} {len(latencies):>7} requests {len(latencies) / seconds:>8.0f}/s   "
        f"p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   p99 {p99:6.1f} ms   "
        f"max {max(latencies) * 1000:6.1f} ms"
    )
    return p95


def goal(name: str, figure: float, op: str, target: float, digits: int = 2) -> None:
    """One goal's line, the same in every benchmark: figure, target, met or missed."""
    met = {"<=": figure <= target, "<": figure < target, "==": figure == target}[op]
    verdict = "met" if met else "missed"
    print(f"goal {name}: {figure:.{digits}f} (target {op} {target:g}) {verdict}")


def main() -> None:
    args = parse_args()
    url = bench_database_url(BENCH_DB)
    setup_django(url)
    usernames = seed(args.clients)
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    server = start_server(args, url)
    try:
        # Without DEBUG the settings already keep parsed templates (the cached loader).
        cached = args.cached_templates or not settings.DEBUG
        clients = []
        for n, username in enumerate(usernames):
            client = Client(args.port)
            client.log_in(username)
            client.urls = client.tick_urls([f"bench_off_{n}", f"bench_mar_{n}"])
            clients.append(client)
        print(
            f"{args.clients} clients, gunicorn {args.workers} x {args.threads} threads, "
            f"CONN_MAX_AGE={args.conn_max_age}, "
            f"templates {'cached' if cached else 'parsed per request'}, "
            f"{sum(len(c.urls) for c in clients)} tickable items, {os.cpu_count()} CPUs"
        )

        trivial = trivial_work(args.port)

        def ticks(n: int, deadline: float) -> tuple[list[float], list[str]]:
            client = clients[n]
            randomness = random.Random(n)
            latencies, errors = [], []
            while time.monotonic() < deadline:
                path = randomness.choice(client.urls)
                body = urlencode({"ticked": "1"} if randomness.random() < 0.6 else {})
                headers = {"HX-Request": "true", "X-CSRFToken": client.cookies["csrftoken"]}
                started = time.perf_counter()
                status, content = client.request("POST", path, body, headers)
                latencies.append(time.perf_counter() - started)
                if status != 200 or "checklist-progress" not in content:
                    errors.append(f"POST {path} {status}")
            return latencies, errors

        cpu = ServerCpu(server, url)
        baseline, ticked, errors = [], [], []
        used = {"trivial": [0.0, 0.0], "tick": [0.0, 0.0]}
        # Each round times the trivial view, then ticks, so that load from outside the
        # benchmark that comes and goes weighs on both alike when there are several.
        for _ in range(args.rounds):
            for name, kind, seconds, work in (
                ("trivial", baseline, args.baseline_seconds, trivial),
                ("tick", ticked, args.seconds, ticks),
            ):
                before = cpu.sample()
                latencies, failed = run_clients(args.clients, seconds / args.rounds, work)
                after = cpu.sample()
                kind.extend(latencies)
                errors.extend(failed)
                if before is None or after is None:
                    used[name] = None
                elif used[name] is not None:
                    spent = zip(used[name], before, after, strict=True)
                    used[name] = [total + b - a for total, a, b in spent]
        trivial_p95 = report("GET /login/ (trivial)", baseline, args.baseline_seconds)
        print(f"{'':<22} {cpu.per_request(used['trivial'], len(baseline))}")
        p95 = report("POST tick (htmx)", ticked, args.seconds)
        print(f"{'':<22} {cpu.per_request(used['tick'], len(ticked))}")
        if errors:
            raise SystemExit(f"{len(errors)} errors, e.g. {errors[:3]}")
        goal("tick p95 / trivial p95", p95 / trivial_p95, "<=", TICK_RATIO_TARGET)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

"""How fast ticks are in production conditions, against a trivial view of the same server.

Uses the data of bench/pages.py (its database, playbook_bench_pages or
playbook_bench_pages_quick with --quick: a team of 1,000 accounts with a lead and twenty
managers of 50 accounts each; created and loaded there or here, never the test or
production database), then starts the app as production runs it: gunicorn (sync
workers, as the image runs them) with config.settings.production (DEBUG off, cached
templates, the static files' manifest, psycopg's pool), no cache of any kind. From
concurrent clients, every one a different user (the lead and the twenty managers: threads,
each with its own connection and logged-in session), it times:

1. the trivial view: GET /login/ without a session (a template with a CSRF token);
2. ticks: htmx POSTs ticking and unticking random items of the client's own accounts,
   each answered with the item and the progress bar, as one request in ten; the other
   nine read the client's accounts' checklist pages, so ticks meet readers.

It prints p50/p95/p99 of both (and of the reads), with the CPU per request of the app's
processes and of its database backends (from /proc, Linux), and fails on any error, then
one line per goal: `goal <name>: <figure> (target <op> <value>) met` (or `missed`); the
goal is a tick p95 at most three times the trivial view's p95 of the same run (issue 16).

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/ticks.py [--quick]
        [--seconds 20] [--baseline-seconds 5] [--rounds 1] [--workers 4]
        [--port 8765] [--cpu]

With --cpu it times nothing: it prints the tick's median CPU per request in process (the
lead's and a manager's) beside the trivial view's, and exits; figures that stay steady on
a machine shared with other work, unlike the timed run.
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
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from benchdb import bench_database_url, setup_django  # noqa: E402

PASSWORD = "bench-ticks-password-1"  # noqa: S105 - a throwaway database's users
TICK_RE = re.compile(r'action="(/t/[^"]+/checklist/items/[0-9a-f-]+/tick/)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Issue 16: a tick's p95 at most three times the trivial view's, measured in the same run.
TICK_RATIO_TARGET = 3.0
# One request in this many is a write (a tick or a note); the others read pages.
WRITE_EVERY = 10
# Accounts per client whose checklist items it ticks.
TICKED_ACCOUNTS = 5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the quick data, 8 s of ticks")
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--days", type=int, default=None, help="days of metrics (365)")
    parser.add_argument("--seconds", type=float, default=None, help="how long to tick (20)")
    parser.add_argument("--baseline-seconds", type=float, default=5)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="alternate the trivial view and ticks this many times, the seconds split "
        "between rounds (on a machine whose other load varies)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reload", action="store_true", help="load the data again")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="instead of timing, print the tick's median CPU per request in process (the "
        "lead's and a manager's) against the trivial view's, and exit",
    )
    args = parser.parse_args()
    args.days = args.days or (120 if args.quick else 365)
    args.seconds = args.seconds or (8.0 if args.quick else 20.0)
    return args


def bench_url(args: argparse.Namespace) -> str:
    """The database of bench/pages.py's data, loaded (once per size) here if needed."""
    from pages_data import load

    name = "playbook_bench_pages_quick" if args.quick else "playbook_bench_pages"
    url = bench_database_url(name)
    setup_django(url)
    load(args.accounts, args.days, args.reload)
    return url


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


class Client:
    """One browser: a keep-alive connection and the cookies of a logged-in session."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str = "", headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body or None, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server closed an idle keep-alive connection: a browser opens another.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
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

    def tick_urls(self, team: str, handles: list[str]) -> list[str]:
        urls = []
        for handle in handles:
            status, page = self.request("GET", f"/t/{team}/a/{handle}/checklist/")
            if status != 200:
                raise SystemExit(f"the checklist of {handle} answered {status}")
            urls += TICK_RE.findall(page)
        return urls

    def write(self, randomness: random.Random, *, notes: float = 0.0) -> tuple[float, str]:
        """A tick (htmx) or, a share `notes` of the time, a note on a random item of the
        client's: (seconds, error or "")."""
        path = randomness.choice(self.urls)
        headers = {"HX-Request": "true", "X-CSRFToken": self.cookies["csrftoken"]}
        if randomness.random() < notes:
            path = path.removesuffix("tick/") + "note/"
            body = urlencode({"note": f"bench note {randomness.randrange(1000)}"})
        else:
            body = urlencode({"ticked": "1"} if randomness.random() < 0.6 else {})
        started = time.perf_counter()
        status, content = self.request("POST", path, body, headers)
        seconds = time.perf_counter() - started
        ok = status == 200 and "checklist-progress" in content
        return seconds, "" if ok else f"POST {path} {status}"


def team_clients(port: int, team: str, users: list[tuple[str, list[str]]]) -> list[Client]:
    """One logged-in client per user, with `handles` (what it may see) and `urls` (the
    items it ticks: those of its first TICKED_ACCOUNTS accounts)."""
    clients = []
    for n, (username, handles) in enumerate(users):
        client = Client(port)
        client.log_in(username)
        client.handles = handles
        # The lead's accounts are everyone's: it ticks some nobody else does.
        mine = handles[-TICKED_ACCOUNTS:] if n == 0 else handles[:TICKED_ACCOUNTS]
        client.urls = client.tick_urls(team, mine)
        clients.append(client)
    return clients


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
    if len(latencies) < 2:
        # A machine busy with other work can leave a short run without enough requests.
        raise SystemExit(
            f"{name}: {len(latencies)} request(s) in {seconds:g} s, too few for a p95; "
            "run longer (--seconds) or on a quieter machine"
        )
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


def cpu_per_tick(team: str, users: list[tuple[str, list[str]]]) -> None:
    """The tick's median CPU (process time) per request, in process, as the lead and as a
    manager, beside the trivial view's: what the p95 ratio follows on a saturated server.
    Ticks and unticks as the timed run does: htmx POSTs on items of five of the user's
    accounts, answered with the item and the progress bar."""
    from django.contrib.auth import get_user_model
    from django.test import Client as TestClient

    def median_ms(client, requests: list[tuple[str, dict]]) -> float:
        used = []
        for n, (path, data) in enumerate(requests):
            started = time.process_time()
            if data is None:
                response = client.get(path)
            else:
                response = client.post(path, data, headers={"HX-Request": "true"})
            if n >= 3:
                used.append(time.process_time() - started)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
        return statistics.median(used) * 1000

    trivial = median_ms(TestClient(HTTP_HOST="localhost"), [("/login/", None)] * 20)
    figures = []
    for username, visible in users[:2]:
        client = TestClient(HTTP_HOST="localhost")
        client.force_login(get_user_model().objects.get(username=username))
        randomness = random.Random(username)
        urls = []
        for handle in randomness.sample(visible, min(TICKED_ACCOUNTS, len(visible))):
            page = client.get(f"/t/{team}/a/{handle}/checklist/").content.decode()
            urls += TICK_RE.findall(page)
        ticks = [
            (randomness.choice(urls), {"ticked": "1"} if randomness.random() < 0.6 else {})
            for _ in range(30)
        ]
        figures.append(median_ms(client, ticks))
    print(f"{'':<16} {'lead ms':>9} {'manager ms':>11} {'lead / trivial':>15}")
    print(f"{'trivial':<16} {trivial:>9.1f}")
    print(f"{'tick':<16} {figures[0]:>9.1f} {figures[1]:>11.1f} {figures[0] / trivial:>15.1f}")


def main() -> None:
    args = parse_args()
    url = bench_url(args)
    from django.db import connections
    from pages_data import BIG_TEAM, team_users

    users = team_users(BIG_TEAM)
    if args.cpu:
        cpu_per_tick(BIG_TEAM, users)
        return
    connections.close_all()
    server = start_server(args, url)
    try:
        clients = team_clients(args.port, BIG_TEAM, users)
        print(
            f"{len(clients)} clients (a lead and {len(clients) - 1} managers), production "
            f"settings, gunicorn {args.workers} sync workers, pooled connections, "
            f"one request in {WRITE_EVERY} a tick, "
            f"{sum(len(c.urls) for c in clients)} tickable items, {os.cpu_count()} CPUs"
        )
        trivial = trivial_work(args.port)
        reads: list[float] = []
        lock = threading.Lock()

        def ticks(n: int, deadline: float) -> tuple[list[float], list[str]]:
            client = clients[n]
            randomness = random.Random(n)
            latencies, errors, mine = [], [], []
            count = 0
            while time.monotonic() < deadline:
                count += 1
                if count % WRITE_EVERY == 0:
                    seconds, error = client.write(randomness)
                    latencies.append(seconds)
                    if error:
                        errors.append(error)
                    continue
                handle = randomness.choice(client.handles)
                path = f"/t/{BIG_TEAM}/a/{handle}/checklist/"
                started = time.perf_counter()
                status, _ = client.request("GET", path)
                mine.append(time.perf_counter() - started)
                if status != 200:
                    errors.append(f"GET {path} {status}")
            with lock:
                reads.extend(mine)
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
                latencies, failed = run_clients(len(clients), seconds / args.rounds, work)
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
        report("  GET checklist (mixed)", reads, args.seconds)
        print(f"{'':<22} {cpu.per_request(used['tick'], len(ticked) + len(reads))} (mixed)")
        if errors:
            raise SystemExit(f"{len(errors)} errors, e.g. {errors[:3]}")
        goal("tick p95 / trivial p95", p95 / trivial_p95, "<=", TICK_RATIO_TARGET)
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()

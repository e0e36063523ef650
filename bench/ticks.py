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
   nine read the client's accounts' checklist pages, so ticks meet readers;
3. meanwhile, the probe: one more client asking for the trivial view among them. On a
   saturated server a request's p95 is mostly its wait behind the others, so the probe's
   p95 against the trivial view's alone is about the floor of the tick's ratio: what a
   tick that cost no more than the trivial view would measure under this load.

It prints p50/p95/p99 of each (and of the reads), with the CPU per request of the app's
processes and of its database backends (from /proc, Linux), and fails on any error, then
the floor and one line per goal: `goal <name>: <figure> (target <op> <value>) met` (or
`missed`); the goal is a tick p95 at most three times the trivial view's p95 of the same
run (issue 16).

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/ticks.py [--quick]
        [--seconds 20] [--baseline-seconds 5] [--rounds 1] [--workers 4]
        [--port 8765] [--cpu]

With --cpu it times nothing: it prints the tick's median CPU per request in process (the
lead's and a manager's) beside the trivial view's, and exits; figures that stay steady on
a machine shared with other work, unlike the timed run.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from functools import partial
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from benchdb import bench_database_url, setup_django  # noqa: E402
from clients import (  # noqa: E402
    TICK_RE,
    TICKED_ACCOUNTS,
    WRITE_EVERY,
    run_clients,
    team_clients,
    trivial_work,
)
from figures import goal, median_cpu_ms, report  # noqa: E402
from served import ServerCpu, start_server, stop_server  # noqa: E402

# Issue 16: a tick's p95 at most three times the trivial view's, measured in the same run.
TICK_RATIO_TARGET = 3.0


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


def cpu_per_tick(team: str, users: list[tuple[str, list[str]]]) -> None:
    """The tick's median CPU (process time) per request, in process, as the lead and as a
    manager, beside the trivial view's: what the p95 ratio follows on a saturated server.
    Ticks and unticks as the timed run does: htmx POSTs on items of five of the user's
    accounts, answered with the item and the progress bar."""
    from django.contrib.auth import get_user_model
    from django.test import Client as TestClient

    login = TestClient(HTTP_HOST="localhost").get
    trivial = median_cpu_ms([("/login/", partial(login, "/login/"))] * 20)
    figures = []
    for username, visible in users[:2]:
        client = TestClient(HTTP_HOST="localhost")
        client.force_login(get_user_model().objects.get(username=username))
        randomness = random.Random(username)
        urls = []
        for handle in randomness.sample(visible, min(TICKED_ACCOUNTS, len(visible))):
            page = client.get(f"/t/{team}/a/{handle}/checklist/").content.decode()
            urls += TICK_RE.findall(page)
        ticks = []
        for _ in range(30):
            url = randomness.choice(urls)
            data = {"ticked": "1"} if randomness.random() < 0.6 else {}
            tick = partial(client.post, url, data, headers={"HX-Request": "true"})
            ticks.append((url, tick))
        figures.append(median_cpu_ms(ticks))
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
        probed: list[float] = []
        lock = threading.Lock()

        def ticks(n: int, deadline: float) -> tuple[list[float], list[str]]:
            if n == len(clients):
                # The probe: the trivial view, asked among the ticks and their readers.
                latencies, errors = trivial(n, deadline)
                with lock:
                    probed.extend(latencies)
                return [], errors
            client = clients[n]
            latencies, errors, mine = [], [], []
            while time.monotonic() < deadline:
                if client.write_due():
                    seconds, error = client.write()
                    latencies.append(seconds)
                    if error:
                        errors.append(error)
                    continue
                handle = client.randomness.choice(client.handles)
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
            for name, kind, seconds, work, threads in (
                ("trivial", baseline, args.baseline_seconds, trivial, len(clients)),
                ("tick", ticked, args.seconds, ticks, len(clients) + 1),
            ):
                before = cpu.sample()
                latencies, failed = run_clients(threads, seconds / args.rounds, work)
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
        probe_p95 = report("  GET /login/ (mixed)", probed, args.seconds)
        mixed = len(ticked) + len(reads) + len(probed)
        print(f"{'':<22} {cpu.per_request(used['tick'], mixed)} (mixed, the probe's included)")
        if errors:
            raise SystemExit(f"{len(errors)} errors, e.g. {errors[:3]}")
        # About what a tick costing no more than the trivial view would measure: the wait.
        print(
            f"floor (the trivial view among the ticks' readers) p95 / trivial p95: "
            f"{probe_p95 / trivial_p95:.2f}"
        )
        goal("tick p95 / trivial p95", p95 / trivial_p95, "<=", TICK_RATIO_TARGET)
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()

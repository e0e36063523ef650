"""How fast the read API serves a page of 100 scorecards, against the trivial view, same run.

Uses the data of bench/pages.py (bench/pages_data.py: one team of N accounts, default
1,000, with stored 28-day scorecards, videos and checklists, and a team of 10 shaped the
same way) in its own database, playbook_bench_api (playbook_bench_api_quick with --quick),
created, migrated and loaded here once per size, never the test or production database.

It first counts the queries of every list endpoint of /api/v1/, in process, for the
10-account team and the big one (they must be equal). Then it starts the app with gunicorn
(config.settings.test, usage caps raised out of the way) and times, from concurrent
clients with keep-alive connections and the big team's API key, for a bounded time each:

- the trivial view: GET /login/ without a session, right before the API;
- GET /api/v1/scorecards?window=28&limit=100, at a random page of the team's scorecards.

It prints p50/p95/p99 of each, the ratio of the API's p95 to the trivial view's, and a
`goal` line per goal (ratio <= 4; queries equal at 10 and N accounts), met or missed.
With --profile it instead cProfiles the page in process and prints the top of the profile.

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/api.py [--quick]
        [--accounts N] [--days D] [--clients 20] [--seconds 10] [--workers 4]
        [--port 8791] [--reload] [--profile]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# This script's folder comes last: its name would hide the project's `api` app otherwise.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BASE_DIR / "bench"]
sys.path.insert(0, str(BASE_DIR))
sys.path.append(str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from benchdb import bench_database_url, setup_django  # noqa: E402
from clients import Client, run_clients, trivial_work  # noqa: E402
from figures import goal, report  # noqa: E402
from pages_data import BIG_TEAM, SMALL_TEAM, end_day, load  # noqa: E402
from served import start_server  # noqa: E402

RATIO_TARGET = 4.0
PAGE = 100


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="120 days, 4 s of timing")
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--days", type=int, default=None, help="days of metrics (365)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=None, help="timed (10; quick 4)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--reload", action="store_true", help="load the data again")
    parser.add_argument("--profile", action="store_true", help="cProfile the page and exit")
    args = parser.parse_args()
    args.days = args.days or (120 if args.quick else 365)
    args.seconds = args.seconds or (4.0 if args.quick else 10.0)
    args.cached_templates = False
    return args


def team_key(slug: str) -> str:
    """A fresh API key of the team (the bench's own; old ones are left revoked)."""
    from accounts.models import Team
    from api.models import ApiKey
    from api.services import api_key_create

    team = Team.objects.get(slug=slug)
    ApiKey.objects.filter(team=team, name="bench", revoked_at__isnull=True).update(
        revoked_at=end_time()
    )
    return api_key_create(team=team, name="bench", created_by=None)[1]


def end_time():
    from django.utils import timezone

    return timezone.now()


def endpoints(handle: str) -> dict[str, str]:
    end = end_day().isoformat()
    return {
        "accounts": "/api/v1/accounts",
        "days": f"/api/v1/accounts/{handle}/days?end={end}",
        "scorecards": f"/api/v1/scorecards?window=28&end={end}&limit={PAGE}",
        "account_scorecards": f"/api/v1/accounts/{handle}/scorecards",
        "videos": f"/api/v1/accounts/{handle}/videos",
        "checklists": "/api/v1/checklists",
    }


# The names alone: endpoints() reads the day, which needs Django set up first.
ENDPOINTS = ("accounts", "days", "scorecards", "account_scorecards", "videos", "checklists")


def query_counts() -> dict[str, tuple[int, int]]:
    """Each list endpoint's number of queries for the small team and for the big one."""
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Account

    counts: dict[str, list[int]] = {}
    for team in (SMALL_TEAM, BIG_TEAM):
        headers = {"Authorization": f"Bearer {team_key(team)}"}
        client = TestClient(HTTP_HOST="localhost")
        handle = Account.objects.filter(team__slug=team).order_by("handle").last().handle
        for name, path in endpoints(handle).items():
            client.get(path, headers=headers)  # warm: the key's first use is noted
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}: {response.content}")
            counts.setdefault(name, []).append(len(queries))
    return {name: (small, big) for name, (small, big) in counts.items()}


def page_paths(key: str) -> list[str]:
    """The path of every page of 100 of the big team's scorecards (walked once, in process)."""
    from django.test import Client as TestClient

    client = TestClient(HTTP_HOST="localhost")
    first = endpoints("h")["scorecards"]
    paths, path = [], first
    while path:
        paths.append(path)
        body = client.get(path, headers={"Authorization": f"Bearer {key}"}).json()
        path = body["next_cursor"] and f"{first}&cursor={body['next_cursor']}"
    return paths


def profile(key: str, paths: list[str]) -> None:
    import cProfile
    import pstats

    from django.test import Client as TestClient

    client = TestClient(HTTP_HOST="localhost")
    headers = {"Authorization": f"Bearer {key}"}
    profiler = cProfile.Profile()
    profiler.enable()
    for path in paths * 3:
        client.get(path, headers=headers)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative"))
    stats.print_stats(
        os.environ.get("PROFILE_FILTER", ""), int(os.environ.get("PROFILE_LINES", "40"))
    )


def time_api(args: argparse.Namespace, url: str, key: str, paths: list[str]) -> tuple:
    os.environ["PLAYBOOK_API_HOURLY_CAP"] = str(10**9)
    server = start_server(args, url, wait=120)
    try:
        print(
            f"{args.accounts:,} accounts, pages of {PAGE} scorecards ({len(paths)} pages), "
            f"{args.clients} clients, production settings, gunicorn {args.workers} sync workers, "
            f"{args.seconds:g} s, {os.cpu_count()} CPUs"
        )
        headers = {"Authorization": f"Bearer {key}"}

        def work(n: int, deadline: float) -> tuple[list[float], list[str]]:
            client = Client(args.port)
            randomness = random.Random(n)
            latencies, errors = [], []
            while time.monotonic() < deadline:
                path = randomness.choice(paths)
                started = time.perf_counter()
                status, _ = client.request("GET", path, headers=headers)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    errors.append(f"GET {path} {status}")
            return latencies, errors

        baseline, failed = run_clients(args.clients, args.seconds / 2, trivial_work(args.port))
        timed, failed_api = run_clients(args.clients, args.seconds, work)
        if failed or failed_api:
            raise SystemExit(f"errors, e.g. {(failed + failed_api)[:3]}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return timed, baseline


def main() -> None:
    args = parse_args()
    url = bench_database_url("playbook_bench_api_quick" if args.quick else "playbook_bench_api")
    setup_django(url)
    load(args.accounts, args.days, args.reload)
    key = team_key(BIG_TEAM)
    paths = page_paths(key)
    if args.profile:
        profile(key, paths)
        return
    counts = query_counts()
    key = team_key(BIG_TEAM)
    from django.db import connections

    connections.close_all()
    timed, baseline = time_api(args, url, key, paths)
    trivial_p95 = report("GET /login/ (trivial)", baseline, args.seconds / 2)
    ratio = report(f"scorecards x{PAGE}", timed, args.seconds) / trivial_p95
    print(f"scorecards page p95 / trivial p95: {ratio:.2f}")
    print(f"{'queries':<22} {'10 accounts':>12} {f'{args.accounts:,} accounts':>16}")
    for name, (small, big) in counts.items():
        print(f"{name:<22} {small:>12} {big:>16}")
    goal(f"scorecards page of {PAGE} p95 / trivial p95", ratio, "<=", RATIO_TARGET)
    for name, (small, big) in counts.items():
        goal(f"{name} queries at {args.accounts:,} minus at 10", big - small, "==", 0, digits=0)


if __name__ == "__main__":
    main()

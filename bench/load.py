"""Many logged-in users at once on a large team, against a trivial view of the same server.

Creates a separate PostgreSQL database, playbook_bench_load (created and migrated here,
never the test or production database), with one team of --accounts accounts and --days
days of metrics each (loaded by COPY, as bench/recompute.py does), their 7- and 28-day
scorecards and this week's checklists; a lead per ten users, and managers sharing the
accounts. It then starts the app as production runs it (bench/ticks.py's start_server:
gunicorn, config.settings.production, psycopg's pool) on 127.0.0.1 and,
for --seconds, runs --users concurrent clients (threads, each with its own keep-alive
connection and logged-in session) that loop over a mix of:

- the review page, and its table as htmx swaps it (other pages and sort orders);
- an account's scorecard page;
- an account's checklist, and htmx ticks and unticks of its items;

while two anonymous clients ask the trivial view (GET /login/) in the same run. Each
answer is checked (status and a piece of its content). It prints, per page, requests,
errors and p50/p95, and ends with the goal line (target: no errors).

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/load.py [--quick]
        [--users 50] [--accounts 1000] [--days 365] [--seconds 60] [--workers 4]
        [--port 8767]

--quick is smaller (20 users, 300 accounts x 90 days, 20 s): about a minute with the
data loading. The data of a size is loaded once and reused by later runs.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from benchdb import bench_database_url, production_passwords, setup_django  # noqa: E402

# clients.Client logs in with clients.PASSWORD: the users here are made with it.
from clients import PASSWORD, TICK_RE, Client  # noqa: E402
from recompute_data import END, copy_metrics  # noqa: E402
from served import start_server, stop_server  # noqa: E402

BENCH_DB = "playbook_bench_load"
TRIVIAL = "GET /login/ (trivial)"
SORTS = ("", "-overall_score", "handle", "-engagement_score", "grade", "-practice")
# The share of each page in a user's mix.
MIX = {
    "review page": 15,
    "review table (htmx)": 20,
    "account scorecard": 20,
    "checklist": 20,
    "tick (htmx)": 25,
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run, about a minute")
    parser.add_argument("--users", type=int)
    parser.add_argument("--accounts", type=int)
    parser.add_argument("--days", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()
    sizes = (20, 300, 90, 20.0) if args.quick else (50, 1000, 365, 60.0)
    for name, default in zip(("users", "accounts", "days", "seconds"), sizes, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, default)
    return args


def seed(args: argparse.Namespace) -> tuple[str, list[tuple[str, list[str]]]]:
    """The team, its metrics, scorecards and checklists; (team slug, [(user, handles)])."""
    from django.db import connection

    from accounts.models import DEFAULT_TARGETS, Account, Kind, Team
    from accounts.services import member_add, team_create
    from analytics.models import DailyMetric, Scorecard
    from analytics.scorecards.compute import scorecards_compute
    from lib.dates import this_week
    from strategy.models import Checklist
    from strategy.services import checklists_open_week

    slug = f"load-{args.accounts}x{args.days}"
    team = Team.objects.filter(slug=slug).first() or team_create(slug=slug, name="Bench load")
    accounts = Account.objects.filter(team=team).order_by("pk")
    loaded = DailyMetric.objects.filter(account__team=team).count()
    if accounts.count() != args.accounts or loaded != args.accounts * args.days:
        started = time.perf_counter()
        # A different size asked under the same name: start the team's accounts afresh.
        accounts.delete()
        kinds = [Kind.OFFICIAL if i % 5 < 3 else Kind.MARKETING for i in range(args.accounts)]
        Account.objects.bulk_create(
            Account(
                team=team,
                handle=f"load_{i:05d}",
                kind=kind,
                verified=i % 7 != 0,
                primary_goal="brand_image" if kind == Kind.OFFICIAL else "conversions",
                **DEFAULT_TARGETS[kind],
            )
            for i, kind in enumerate(kinds)
        )
        copy_metrics(list(accounts.values_list("pk", "kind")), args.days)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE analytics_dailymetric")
        print(
            f"loaded {args.accounts:,} accounts x {args.days} days "
            f"in {time.perf_counter() - started:.1f} s"
        )
    if not Scorecard.objects.filter(account__team=team, period_end=END).exists():
        for days in (7, 28):
            scorecards_compute(accounts=accounts, end=END, days=days)
    week = this_week()
    if Checklist.objects.filter(account__team=team, week_start=week).count() != args.accounts:
        checklists_open_week(week_start=week, accounts=accounts.select_related("team"))

    handles = list(accounts.values_list("handle", flat=True))
    leads = max(1, args.users // 10)
    managers = args.users - leads
    users = []
    for n in range(args.users):
        role = "lead" if n < leads else "manager"
        username = f"{slug}-{role}-{n}"
        membership = member_add(team=team, username=username, role=role, password=PASSWORD)
        if role == "lead":
            users.append((username, handles))
            continue
        mine = handles[n - leads :: managers]
        through = Account.managers.through
        through.objects.filter(user=membership.user).delete()
        through.objects.bulk_create(
            through(account_id=pk, user_id=membership.user_id)
            for pk in accounts.filter(handle__in=mine).values_list("pk", flat=True)
        )
        users.append((username, mine))
    production_passwords([username for username, _ in users], PASSWORD)
    return slug, users


class User:
    """One logged-in user's loop over the page mix."""

    def __init__(self, port: int, slug: str, username: str, handles: list[str], n: int) -> None:
        self.port = port
        self.client = Client(port)
        self.slug = slug
        self.handles = handles
        self.randomness = random.Random(n)
        self.client.log_in(username)
        # The items of two of the user's accounts' checklists, ticked and unticked at random.
        self.tick_urls = []
        for handle in self.randomness.sample(handles, min(2, len(handles))):
            status, html = self.client.request("GET", f"/t/{slug}/a/{handle}/checklist/")
            if status != 200:
                raise SystemExit(f"the checklist of {handle} answered {status}")
            self.tick_urls += TICK_RE.findall(html)
        if not self.tick_urls:
            raise SystemExit(f"{username} has nothing to tick")

    def step(self) -> tuple[str, str, str, dict[str, str], str, Callable[[str], bool]]:
        """A request of the mix: (page, method, path, headers, body, check of the answer)."""
        page = self.randomness.choices(list(MIX), weights=list(MIX.values()))[0]
        handle = self.randomness.choice(self.handles)
        review = f"/t/{self.slug}/scorecards/"
        if page == "review page":
            return page, "GET", review, {}, "", lambda html: "pb-scorecards" in html
        if page == "review table (htmx)":
            query = {"page": self.randomness.randint(1, 4), "days": 28}
            sort = self.randomness.choice(SORTS)
            if sort:
                query["sort"] = sort
            # As the table's page and sort links ask (the chart stays as it is).
            headers = {
                "HX-Request": "true",
                "HX-Target": "scorecards-table",
                "Playbook-Chart": "unchanged",
            }
            path = f"{review}?{urlencode(query)}"
            return page, "GET", path, headers, "", lambda html: "<html" not in html
        if page == "account scorecard":
            path = f"/t/{self.slug}/a/{handle}/scorecard/"
            return page, "GET", path, {}, "", lambda html: f"@{handle}" in html
        if page == "checklist":
            path = f"/t/{self.slug}/a/{handle}/checklist/"
            return page, "GET", path, {}, "", lambda html: "checklist-week" in html
        path = self.randomness.choice(self.tick_urls)
        body = urlencode({"ticked": "1"} if self.randomness.random() < 0.6 else {})
        headers = {"HX-Request": "true", "X-CSRFToken": self.client.cookies["csrftoken"]}
        return page, "POST", path, headers, body, lambda html: "checklist-progress" in html


def run(args: argparse.Namespace, slug: str, users: list[tuple[str, list[str]]]):
    """Every user's loop and the trivial view's, together; latencies and errors per page."""
    clients = [User(args.port, slug, name, handles, n) for n, (name, handles) in enumerate(users)]
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 2)

    def record(page: str, seconds: float, error: str | None) -> None:
        with lock:
            latencies[page].append(seconds)
            if error:
                errors[page].append(error)

    def browse(user: User) -> None:
        barrier.wait()
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            page, method, path, headers, body, check = user.step()
            started = time.perf_counter()
            try:
                status, html = user.client.request(method, path, body, headers)
                error = None if status == 200 and check(html) else f"{method} {path} {status}"
            except OSError as exc:
                user.client = reconnected(user.client, args.port)
                error = f"{method} {path} {type(exc).__name__}"
            record(page, time.perf_counter() - started, error)

    def trivial() -> None:
        anonymous = Client(args.port)
        barrier.wait()
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status, html = anonymous.request("GET", "/login/")
                error = None if status == 200 and "csrfmiddlewaretoken" in html else str(status)
            except OSError as exc:
                anonymous = Client(args.port)
                error = type(exc).__name__
            record(TRIVIAL, time.perf_counter() - started, error)

    # Every client is logged in before the clock starts; all start together at the barrier.
    threads = [threading.Thread(target=browse, args=(client,)) for client in clients]
    threads += [threading.Thread(target=trivial) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def reconnected(client: Client, port: int) -> Client:
    """A new connection for a client whose connection broke, with the same session."""
    fresh = Client(port)
    fresh.cookies = client.cookies
    return fresh


def report(latencies: dict[str, list[float]], errors: dict[str, list[str]], seconds: float) -> int:
    print(f"{'page':<24} {'requests':>9} {'per s':>7} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for page in (TRIVIAL, *MIX):
        times = latencies.get(page, [])
        if len(times) < 2:
            print(f"{page:<24} {len(times):>9} {'':>7} {len(errors.get(page, [])):>7}")
            continue
        cut = statistics.quantiles(times, n=100)
        print(
            f"{page:<24} {len(times):>9} {len(times) / seconds:>7.1f} "
            f"{len(errors.get(page, [])):>7} {cut[49] * 1000:>8.1f} {cut[94] * 1000:>8.1f}"
        )
    total = sum(len(found) for found in errors.values())
    requests = sum(len(times) for times in latencies.values())
    print(f"{'all':<24} {requests:>9} {requests / seconds:>7.1f} {total:>7}")
    for page, found in errors.items():
        print(f"  {page}: e.g. {found[:3]}")
    return total


def main() -> None:
    args = parse_args()
    url = bench_database_url(BENCH_DB)
    setup_django(url)
    slug, users = seed(args)
    from django.db import connections

    connections.close_all()
    server = start_server(args, url, wait=120)
    try:
        print(
            f"{len(users)} users on {args.accounts:,} accounts x {args.days} days of metrics, "
            f"gunicorn {args.workers} sync workers on 127.0.0.1, "
            f"{args.seconds:.0f} s, {os.cpu_count()} CPUs"
        )
        latencies, errors = run(args, slug, users)
    finally:
        stop_server(server)
    total = report(latencies, errors, args.seconds)
    verdict = "met" if total == 0 else "missed"
    print(f"goal errors: {total} (target = 0) {verdict}")


if __name__ == "__main__":
    main()

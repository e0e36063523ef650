"""How fast the heavy pages are at 1,000 accounts, against a trivial view of the same server.

Creates a separate PostgreSQL database (playbook_bench_pages, or playbook_bench_pages_quick
with --quick; created and migrated here, never the test or production database) holding
one team of N accounts (default 1,000) with D days of daily metrics (default 365, loaded by
COPY), four stored 28-day scorecards per account, a few videos per account with daily
snapshots, and 12 weeks of checklists with about half of the items ticked; and a second
team of 10 accounts shaped the same way. The data is loaded once per size and reused.

It first counts the database queries of each page, in process, for the 10-account team and
for the big one (the counts must be equal: no query per account). Then it starts the app
with gunicorn (config.settings.test) on 127.0.0.1 and times, from concurrent logged-in
clients (threads with keep-alive connections), for a bounded time each:

- the trivial view: GET /login/ without a session, timed right before each page;
- the review page, its htmx sort partial and its htmx filter partial (the team's lead);
- an account's scorecard page, its checklist page and its Content (videos) page.

The pages are served through the page cache (lib/pagecache.py; Redis at REDIS_URL). All
clients are the team's lead, so a page one client asked for is a hit for the others until
the data changes; the per-account pages pick a random account of N, so most of their
requests are misses. The share of requests for a page already asked for in the same run
(the most that can be hits) is printed beside each page. A second phase then times every
page again on a server without the page cache (PAGE_CACHE_SECONDS=0: every request
renders), printed as `cold` lines; skip it with --no-cold.

The query counts are those of a page rendered (a miss): the generation is bumped before
each counted request.

It prints p50/p95/p99 of each with the ratio of its p95 to the trivial view's (the run just
before it), then one
line per goal: `goal <name>: <figure> (target <op> <value>) met` (or `missed`); the goals
are those of the cached phase.

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/pages.py [--quick]
        [--accounts N] [--days D] [--clients 20] [--seconds 10] [--workers 4] [--threads 5]
        [--port 8766] [--reload] [--no-cold] [--profile PAGE]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from benchdb import accounts_create, bench_database_url, setup_django  # noqa: E402
from ticks import Client, goal, report, run_clients, start_server, trivial_work  # noqa: E402

BIG_TEAM = "bench-pages"
SMALL_TEAM = "bench-pages-10"
SMALL_ACCOUNTS = 10
LEAD = "bench-pages-lead"
SMALL_LEAD = "bench-pages-lead-10"
PASSWORD = "bench-ticks-password-1"  # noqa: S105 - the one ticks.Client logs in with
VIDEOS_PER_ACCOUNT = 6
SNAPSHOTS_PER_VIDEO = 4
CHECKLIST_WEEKS = 12
SCORECARD_PERIODS = 4
WINDOW_DAYS = 28
RATIO_TARGET = 3.0
COPY_CHUNK_ROWS = 50_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="120 days, 4 s a page")
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--days", type=int, default=None, help="days of metrics (365)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=None, help="per page (10; quick 4)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=5, help="threads per gunicorn process")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--reload", action="store_true", help="load the data again")
    parser.add_argument(
        "--no-cold", action="store_true", help="skip the phase without the page cache"
    )
    parser.add_argument(
        "--profile",
        default="",
        help="instead of timing, cProfile one page (a name from PAGES) in process and exit",
    )
    args = parser.parse_args()
    args.days = args.days or (120 if args.quick else 365)
    args.seconds = args.seconds or (4.0 if args.quick else 10.0)
    # The server's database settings, as ticks.start_server expects them.
    args.cached_templates = False
    args.conn_max_age = int(os.environ.get("DJANGO_CONN_MAX_AGE", "60"))
    return args


def end_day() -> date:
    from lib.dates import yesterday

    return yesterday()


# -- loading --


def load(n_accounts: int, n_days: int, reload: bool) -> None:
    from accounts.models import Account, Team

    end = end_day()
    big = Team.objects.filter(slug=BIG_TEAM).first()
    small = Team.objects.filter(slug=SMALL_TEAM).first()
    if (
        not reload
        and big is not None
        and small is not None
        and Account.objects.filter(team=big).count() == n_accounts
        and big.accounts.filter(daily_metrics__date=end).count() == n_accounts
        and big.accounts.filter(daily_metrics__date=end - timedelta(days=n_days - 1)).count()
        == n_accounts
    ):
        print(f"reusing {n_accounts:,} + {SMALL_ACCOUNTS} accounts x {n_days} days")
        return
    started = time.perf_counter()
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    for slug, count, lead in (
        (BIG_TEAM, n_accounts, LEAD),
        (SMALL_TEAM, SMALL_ACCOUNTS, SMALL_LEAD),
    ):
        load_team(slug, count, lead, n_days, end)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"loaded {n_accounts:,} + {SMALL_ACCOUNTS} accounts x {n_days} days "
        f"in {time.perf_counter() - started:.1f} s"
    )


def load_team(slug: str, count: int, lead: str, n_days: int, end: date) -> None:
    from accounts.models import Account
    from accounts.services import member_add, team_create
    from analytics.services.scorecards import scorecards_compute

    team = team_create(slug=slug, name=f"Bench pages {count}")
    member_add(team=team, username=lead, role="lead", password=PASSWORD)
    prefix = slug.replace("-", "_")
    accounts_create(team, count, lambda i: f"{prefix}_{i:05d}")
    accounts = list(Account.objects.filter(team=team).select_related("team").order_by("pk"))
    rng = random.Random(slug)
    copy_metrics(accounts, n_days, end, rng)
    for period in range(SCORECARD_PERIODS):
        result = scorecards_compute(
            accounts=Account.objects.filter(team=team),
            end=end - timedelta(days=WINDOW_DAYS * period),
            days=WINDOW_DAYS,
        )
        if result.errors:
            raise SystemExit(f"accounts not scored: {result.errors[:3]}")
    load_videos(accounts, end, rng)
    load_checklists(team, accounts, lead, rng)


def copy_metrics(accounts: list, n_days: int, end: date, rng: random.Random) -> None:
    """COPY the daily rows in chunks of text, generated with a seeded random."""
    from django.db import connection

    days = [(end - timedelta(days=offset)).isoformat() for offset in range(n_days - 1, -1, -1)]
    columns = (
        "account_id, date, video_views, profile_views, likes, comments, shares, followers, "
        "spend, impressions, clicks, conversions, revenue, updated_at"
    )
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY analytics_dailymetric ({columns}) FROM STDIN") as copy,
    ):
        buffer = io.StringIO()
        pending = 0
        for account in accounts:
            paid = account.kind == "marketing"
            followers = rng.randint(500, 50_000)
            base_views = rng.randint(500, 20_000)
            engagement = rng.uniform(0.01, 0.08)
            for day in days:
                views = int(base_views * (0.6 + 0.8 * rng.random()))
                interactions = int(views * engagement)
                followers += rng.randint(-5, 40)
                spend = rng.randint(1_000, 20_000) if paid else 0  # cents
                clicks = spend // rng.randint(50, 150)
                revenue = (clicks // 20) * rng.randint(1_000, 6_000)
                buffer.write(
                    f"{account.pk}\t{day}\t{views}\t{views // 20}\t{interactions * 8 // 10}\t"
                    f"{interactions // 10}\t{interactions // 10}\t{followers}\t"
                    f"{spend // 100}.{spend % 100:02d}\t{spend * 2}\t{clicks}\t"
                    f"{clicks // 20}\t{revenue // 100}.{revenue % 100:02d}\t"
                    "2026-01-01 00:00:00+00\n"
                )
                pending += 1
            if pending >= COPY_CHUNK_ROWS:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
                pending = 0
        copy.write(buffer.getvalue())


def load_videos(accounts: list, end: date, rng: random.Random) -> None:
    from analytics.models import Video, VideoSnapshot

    titles = ["Morning routine #coffee", "New blend #ad", "Behind the bar", "Promo code SAVE10"]
    videos = Video.objects.bulk_create(
        Video(
            account=account,
            video_id=f"{7_300_000_000_000_000_000 + account.pk * 100 + n}",
            title=f"{rng.choice(titles)} {n}",
            link=f"https://www.tiktok.com/@{account.handle}/video/{account.pk * 100 + n}",
            posted_on=end - timedelta(days=rng.randint(0, 90)),
        )
        for account in accounts
        for n in range(VIDEOS_PER_ACCOUNT)
    )
    snapshots = []
    for video in videos:
        views = rng.randint(100, 50_000)
        for n in range(SNAPSHOTS_PER_VIDEO):
            day = max(video.posted_on, end - timedelta(days=7 * (SNAPSHOTS_PER_VIDEO - 1 - n)))
            views += rng.randint(0, 5_000)
            snapshots.append(
                VideoSnapshot(
                    video=video,
                    date=day,
                    views=views,
                    likes=views // 12,
                    comments=views // 150,
                    shares=views // 200,
                )
            )
    VideoSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True, batch_size=5000)


def load_checklists(team, accounts: list, lead: str, rng: random.Random) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from lib.dates import this_week
    from strategy.models import Check, Checklist, ChecklistItem
    from strategy.periods import period_key
    from strategy.services import checklists_open_week

    user = get_user_model().objects.get(username=lead)
    current = this_week()
    weeks = [current - timedelta(weeks=n) for n in range(CHECKLIST_WEEKS)]
    for week in weeks:
        checklists_open_week(week_start=week, accounts=accounts)
    items: dict[int, list] = {}
    for item in ChecklistItem.objects.filter(practice__template__team=team):
        if not item.is_automatic:
            items.setdefault(item.practice.template_id, []).append(item)
    checks = {}
    now = timezone.now()
    for checklist in Checklist.objects.filter(account__team=team):
        for item in items.get(checklist.template_id, []):
            if item.active_from > checklist.week_start or rng.random() < 0.5:
                continue
            key = period_key(item.cadence, checklist.week_start, item.active_from)
            checks[checklist.account_id, item.pk, key] = Check(
                checklist=checklist,
                account_id=checklist.account_id,
                item=item,
                period_start=key,
                ticked=True,
                ticked_by=user,
                ticked_at=now,
            )
    Check.objects.bulk_create(checks.values(), batch_size=5000, ignore_conflicts=True)


# -- the pages --


def pages(team: str, handle: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Each timed page: its path and the headers it is asked with."""
    review = f"/t/{team}/scorecards/"
    table = {"HX-Request": "true", "HX-Target": "scorecards-table"}
    return {
        "review": (review, {}),
        # Sorted so that both kinds of account are on the first page at 10 and at 1,000
        # accounts: the practice score's evidence rules query only for the kinds shown.
        "review_sort": (f"{review}?{urlencode({'sort': '-handle'})}", table),
        "review_filter": (
            f"{review}?{urlencode({'kind': 'marketing', 'search': '00', 'sort': 'grade'})}",
            table,
        ),
        "scorecard": (f"/t/{team}/a/{handle}/scorecard/", {}),
        "checklist": (f"/t/{team}/a/{handle}/checklist/", {}),
        "content": (f"/t/{team}/a/{handle}/videos/", {}),
    }


PAGES = tuple(pages("t", "h"))


def handles(team: str) -> list[str]:
    from accounts.models import Account

    return list(
        Account.objects.filter(team__slug=team).order_by("handle").values_list("handle", flat=True)
    )


def query_counts() -> dict[str, tuple[int, int]]:
    """Each page's number of queries for the small team and for the big one."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    from lib import pagecache

    counts: dict[str, list[int]] = {}
    for team, lead in ((SMALL_TEAM, SMALL_LEAD), (BIG_TEAM, LEAD)):
        client = TestClient(HTTP_HOST="localhost")
        client.force_login(get_user_model().objects.get(username=lead))
        handle = handles(team)[-1]
        for name, (path, headers) in pages(team, handle).items():
            client.get(path, headers=headers)  # warm: the first request opens the checklist
            pagecache.bump()  # count the queries of a page rendered, not of a cached one
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            counts.setdefault(name, []).append(len(queries))
    return {name: (small, big) for name, (small, big) in counts.items()}


def profile(name: str) -> None:
    import cProfile
    import pstats

    from django.contrib.auth import get_user_model
    from django.test import Client as TestClient

    client = TestClient(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=LEAD))
    path, headers = pages(BIG_TEAM, handles(BIG_TEAM)[-1])[name]
    client.get(path, headers=headers)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        client.get(path, headers=headers)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative"))
    if os.environ.get("PROFILE_CALLEES"):
        stats.print_callees(os.environ["PROFILE_CALLEES"])
        return
    stats.print_stats(
        os.environ.get("PROFILE_FILTER", ""), int(os.environ.get("PROFILE_LINES", "40"))
    )


def time_pages(args: argparse.Namespace, url: str, label: str) -> dict[str, tuple]:
    """Each page's latencies, its trivial baseline's and its share of repeated requests."""
    server = start_server(args, url)
    try:
        all_handles = handles(BIG_TEAM)
        clients = []
        for _ in range(args.clients):
            client = Client(args.port)
            client.log_in(LEAD)
            clients.append(client)
        print(
            f"{label}: {args.accounts:,} accounts x {args.days} days, {args.clients} clients, "
            f"gunicorn {args.workers} x {args.threads} threads, {args.seconds:g} s a page, "
            f"{os.cpu_count()} CPUs"
        )

        trivial = trivial_work(args.port)

        def page_work(page: str, asked: list[str]):
            def work(n: int, deadline: float) -> tuple[list[float], list[str]]:
                client = clients[n]
                randomness = random.Random(n)
                latencies, errors = [], []
                while time.monotonic() < deadline:
                    path, headers = pages(BIG_TEAM, randomness.choice(all_handles))[page]
                    started = time.perf_counter()
                    status, _ = client.request("GET", path, headers=headers)
                    latencies.append(time.perf_counter() - started)
                    asked.append(path)
                    if status != 200:
                        errors.append(f"GET {path} {status}")
                return latencies, errors

            return work

        # The machine's load drifts (other work shares its cores), so each page is timed
        # right after its own trivial baseline and compared with that one.
        results, errors = {}, []
        for page in PAGES:
            baseline, failed = run_clients(args.clients, args.seconds / 2, trivial)
            errors += failed
            asked: list[str] = []
            timed, failed = run_clients(args.clients, args.seconds, page_work(page, asked))
            errors += failed
            repeated = 1 - len(set(asked)) / len(asked) if asked else 0.0
            results[page] = (timed, baseline, repeated)
        if errors:
            raise SystemExit(f"{len(errors)} errors, e.g. {errors[:3]}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return results


def print_phase(args: argparse.Namespace, results: dict[str, tuple], label: str) -> dict:
    ratios = {}
    for page, (timed, baseline, repeated) in results.items():
        trivial_p95 = report("  GET /login/ (trivial)", baseline, args.seconds / 2)
        ratios[page] = report(f"{label}{page}", timed, args.seconds) / trivial_p95
        print(f"{'':<22} {repeated:>7.0%} of requests for a page already asked for")
    return ratios


def main() -> None:
    args = parse_args()
    name = "playbook_bench_pages_quick" if args.quick else "playbook_bench_pages"
    url = bench_database_url(name)
    setup_django(url)
    load(args.accounts, args.days, args.reload)
    if args.profile:
        profile(args.profile)
        return
    counts = query_counts()
    from django.db import connections

    connections.close_all()
    cached = time_pages(args, url, "page cache on")
    cold = None
    if not args.no_cold:
        os.environ["PAGE_CACHE_SECONDS"] = "0"
        try:
            cold = time_pages(args, url, "page cache off (cold)")
        finally:
            del os.environ["PAGE_CACHE_SECONDS"]
    ratios = print_phase(args, cached, "")
    if cold is not None:
        cold_ratios = print_phase(args, cold, "cold ")
        for page, ratio in cold_ratios.items():
            print(f"cold {page} p95 / trivial p95: {ratio:.2f}")
    for page, ratio in ratios.items():
        print(f"{page} p95 / trivial p95: {ratio:.2f}")
    print(f"{'queries':<22} {'10 accounts':>12} {f'{args.accounts:,} accounts':>16}")
    for page, (small, big) in counts.items():
        print(f"{page:<22} {small:>12} {big:>16}")
    for page, ratio in ratios.items():
        goal(f"{page} p95 / trivial p95", ratio, "<=", RATIO_TARGET)
    for page, (small, big) in counts.items():
        goal(f"{page} queries at {args.accounts:,} minus at 10", big - small, "==", 0, digits=0)


if __name__ == "__main__":
    main()

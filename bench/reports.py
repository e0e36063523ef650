"""How much a team report costs at 1,000 accounts, against the team's own recompute.

Uses the data of bench/pages.py (bench/pages_data.py: a team of N accounts, default 1,000,
with D days of daily metrics, videos with snapshots, four stored scorecards per account
and 12 weeks of checklists; and a team of 10 shaped the same way) in its own PostgreSQL
database (playbook_bench_reports, or playbook_bench_reports_quick with --quick; created
and migrated here, never the test or production database). The data is loaded once per
size and reused.

The report is of a custom period of 60 days (not a stored window) compared with the 60
days before it. Measured in process, in --repeat rounds in which the three below run in
turn (on a machine whose speed drifts, the drift weighs on all three alike); each figure
is the median of the rounds, the ratio the median of the rounds' ratios:

- the baseline, in the same run: what the product's own parts cost for the same accounts
  and period, which a report cannot do without: `scorecards_compute` of the 60-day
  window, rolled back (the set-based recompute: the same rows, both windows, the same
  rules), plus strategy's `practice_scores` (the checklist completion every page shows);
  each is also printed alone;
- the team report page, as the team's lead through Django's test client: every figure,
  the comparison, charts, top videos, checklist completion, reviews, and the HTML;
- the statements of the report page for the 10-account team and for the big one.

It prints the figures, then one line per goal:
`goal <name>: <figure> (target <op> <value>) met` (or `missed`).

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/reports.py [--quick]
        [--accounts N] [--days D] [--repeat R] [--reload]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from benchdb import bench_database_url, setup_django  # noqa: E402
from pages_data import BIG_TEAM, LEAD, SMALL_LEAD, SMALL_TEAM, end_day, load  # noqa: E402

PERIOD_DAYS = 60
# A report reads what a recompute and the checklist completion read, and more: the days
# of both periods for the chart, the comparison, the videos and the reviews, and it
# renders a row per account. Twice those parts is its bound.
RATIO_TARGET = 2.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="120 days of metrics, 3 runs")
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--days", type=int, default=None, help="days of metrics (365)")
    parser.add_argument("--repeat", type=int, default=None, help="runs of each (5; quick 3)")
    parser.add_argument("--reload", action="store_true", help="load the data again")
    args = parser.parse_args()
    args.days = args.days or (120 if args.quick else 365)
    args.repeat = args.repeat or (3 if args.quick else 5)
    if args.days < 2 * PERIOD_DAYS:
        parser.error(f"--days must cover the period and its comparison: {2 * PERIOD_DAYS}")
    return args


def goal(name: str, figure: float, op: str, target: float, digits: int = 2) -> None:
    met = {"<=": figure <= target, "==": figure == target}[op]
    print(f"goal {name}: {figure:.{digits}f} (target {op} {target:g}) {'met' if met else 'missed'}")


def rounds_seconds(actions: list[Callable[[], object]], repeat: int) -> list[list[float]]:
    """The seconds of each action in each of `repeat` rounds, the actions run in turn."""
    for action in actions:
        action()  # warm: connections, templates, the first plan of each statement
    rounds = []
    for _ in range(repeat):
        spent = []
        for action in actions:
            started = time.perf_counter()
            action()
            spent.append(time.perf_counter() - started)
        rounds.append(spent)
    return rounds


def main() -> None:
    args = parse_args()
    name = "playbook_bench_reports_quick" if args.quick else "playbook_bench_reports"
    setup_django(bench_database_url(name))
    load(args.accounts, args.days, args.reload)

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Account
    from analytics.scorecards.compute import scorecards_compute
    from strategy.selectors.overview import practice_scores

    end = end_day()
    start = end - timedelta(days=PERIOD_DAYS - 1)
    query = {"start": start.isoformat(), "end": end.isoformat(), "compare": "previous"}
    accounts = list(Account.objects.filter(team__slug=BIG_TEAM))

    def recompute() -> None:
        with transaction.atomic():
            result = scorecards_compute(accounts=accounts, end=end, days=PERIOD_DAYS)
            if result.computed != len(accounts):
                raise SystemExit(f"the recompute failed: {result.errors[:3]}")
            transaction.set_rollback(True)

    def checklists() -> None:
        practice_scores(accounts=accounts, start=start, end=end)

    def client_of(username: str) -> Client:
        client = Client(HTTP_HOST="localhost")
        client.force_login(get_user_model().objects.get(username=username))
        return client

    big = client_of(LEAD)
    big_url = reverse("reports:team-report", args=[BIG_TEAM])

    def report() -> None:
        response = big.get(big_url, query)
        if response.status_code != 200:
            raise SystemExit(f"the report answered {response.status_code}")
        rows = response.content.count(b"data-account=")
        if rows != len(accounts):
            raise SystemExit(f"the report has {rows} accounts, not {len(accounts)}")

    counts = {}
    for team, lead in ((SMALL_TEAM, SMALL_LEAD), (BIG_TEAM, LEAD)):
        client = client_of(lead)
        url = reverse("reports:team-report", args=[team])
        client.get(url, query)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, query)
        counts[team] = len(queries)

    rounds = rounds_seconds([recompute, checklists, report], args.repeat)
    recomputed, completion, page = (statistics.median(times) for times in zip(*rounds, strict=True))
    baseline = recomputed + completion
    ratio = statistics.median(spent[2] / (spent[0] + spent[1]) for spent in rounds)
    print(f"accounts: {len(accounts):,}; period {start} to {end} ({PERIOD_DAYS} days)")
    print(f"recompute of the same window: {recomputed * 1000:.0f} ms")
    print(f"strategy's checklist completion of the period: {completion * 1000:.0f} ms")
    print(f"baseline (the two): {baseline * 1000:.0f} ms")
    print(f"team report page: {page * 1000:.0f} ms")
    print(f"report / recompute alone: {page / recomputed:.2f}")
    print(f"report / baseline: {ratio:.2f}")
    print(
        f"statements: {counts[SMALL_TEAM]} at 10 accounts, {counts[BIG_TEAM]} at {len(accounts):,}"
    )
    goal("team report / (recompute + checklist completion)", ratio, "<=", RATIO_TARGET)
    goal(
        f"team report statements at {len(accounts):,} minus at 10",
        counts[BIG_TEAM] - counts[SMALL_TEAM],
        "==",
        0,
        digits=0,
    )


if __name__ == "__main__":
    main()

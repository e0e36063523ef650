"""How fast a full scorecard recompute is, against the floor and against a naive loop.

Loads N accounts x D days of synthetic metrics (default 10,000 x 365) by COPY into a
separate PostgreSQL database, playbook_bench (created and migrated here, never the test
or production database), then times:

1. a full recompute through `scorecards_compute` for every account (28-day window);
2. the same aggregates as one hand-written SQL query, fetched to the client: the floor;
3. a naive loop (queries per account, one save per scorecard) on a sample, scaled up.

and prints the timings with the ratios (1)/(2) (target <= 1.5) and (3)/(1) (target >= 20).

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/recompute.py [--accounts N]
        [--days D] [--sample S] [--repeat R] [--reload]

The data is loaded once per size and reused by later runs (--reload forces a new load).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from benchdb import bench_database_url, setup_django  # noqa: E402

BENCH_DB = "playbook_bench"
BENCH_TEAM = "bench"
END = date(2025, 12, 31)
WINDOW_DAYS = 28
COPY_CHUNK_ROWS = 50_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sample", type=int, default=200, help="accounts in the naive loop")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of (1) and (2)")
    parser.add_argument("--reload", action="store_true", help="load the metrics again")
    return parser.parse_args()


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


# Loading


def load(n_accounts: int, n_days: int, reload: bool) -> None:
    from django.db import connection

    from accounts.models import DEFAULT_TARGETS, Account, Kind, Team
    from analytics.models import DailyMetric

    team = Team.objects.filter(slug=BENCH_TEAM).first()
    if team is None:
        team = Team.objects.create(slug=BENCH_TEAM, name="Benchmark")
    accounts = Account.objects.filter(team=team)
    rows = DailyMetric.objects.filter(account__team=team)
    if not reload and accounts.count() == n_accounts and rows.count() == n_accounts * n_days:
        print(f"reusing {n_accounts:,} accounts x {n_days} days already loaded")
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE analytics_scorecard, analytics_scorecardrun, analytics_dailymetric, "
            "accounts_account_managers, accounts_account CASCADE"
        )
    kinds = [Kind.OFFICIAL if i % 5 < 3 else Kind.MARKETING for i in range(n_accounts)]
    Account.objects.bulk_create(
        (
            Account(
                team=team,
                handle=f"bench_{i:06d}",
                kind=kind,
                verified=i % 7 != 0,
                primary_goal="brand_image" if kind == Kind.OFFICIAL else "conversions",
                **DEFAULT_TARGETS[kind],
            )
            for i, kind in enumerate(kinds)
        ),
        batch_size=2000,
    )
    ids = list(Account.objects.filter(team=team).order_by("pk").values_list("pk", "kind"))
    started = time.perf_counter()
    copy_metrics(ids, n_days)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE analytics_dailymetric")
        cursor.execute("ANALYZE accounts_account")
    print(
        f"loaded {len(ids):,} accounts x {n_days} days = {len(ids) * n_days:,} rows "
        f"by COPY in {time.perf_counter() - started:.1f} s"
    )


def copy_metrics(ids: list[tuple[int, str]], n_days: int) -> None:
    """COPY the daily rows in chunks of text, generated with a seeded random."""
    from django.db import connection

    rng = random.Random(20250101)
    days = [(END - timedelta(days=offset)).isoformat() for offset in range(n_days - 1, -1, -1)]
    stamp = "2026-01-01 00:00:00+00"
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
        for account_id, kind in ids:
            paid = kind == "marketing"
            followers = rng.randint(500, 50_000)
            base_views = rng.randint(500, 20_000)
            engagement = rng.uniform(0.01, 0.08)
            for day in days:
                views = int(base_views * (0.6 + 0.8 * rng.random()))
                interactions = int(views * engagement)
                followers += rng.randint(-5, 40)
                # Some days lack a follower total, as in real exports.
                shown = followers if rng.random() > 0.1 else "\\N"
                if paid or rng.random() < 0.05:
                    spend = rng.randint(1_000, 20_000)  # cents
                    impressions = spend * rng.randint(1, 3)
                    clicks = impressions // rng.randint(50, 150)
                    conversions = clicks // rng.randint(20, 60)
                    revenue = conversions * rng.randint(1_000, 6_000)
                else:
                    spend = impressions = clicks = conversions = revenue = 0
                buffer.write(
                    f"{account_id}\t{day}\t{views}\t{views // 20}\t{interactions * 8 // 10}\t"
                    f"{interactions // 10}\t{interactions // 10}\t{shown}\t"
                    f"{spend // 100}.{spend % 100:02d}\t{impressions}\t{clicks}\t"
                    f"{conversions}\t{revenue // 100}.{revenue % 100:02d}\t{stamp}\n"
                )
                pending += 1
            if pending >= COPY_CHUNK_ROWS:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
                pending = 0
        copy.write(buffer.getvalue())


# (1) the service


def recompute_all() -> None:
    from accounts.models import Account
    from analytics.services.scorecards import scorecards_compute

    accounts = Account.objects.filter(team__slug=BENCH_TEAM)
    result = scorecards_compute(accounts=accounts, end=END, days=WINDOW_DAYS)
    if result.errors:
        raise SystemExit(f"accounts not scored: {result.errors[:3]}")


# (2) the floor

FLOOR_SQL = """
SELECT m.account_id,
       count(*) FILTER (WHERE m.date >= %(start)s),
       count(*) FILTER (WHERE m.date >= %(start)s AND m.spend > 0),
       sum(m.video_views) FILTER (WHERE m.date >= %(start)s),
       sum(m.likes + m.comments + m.shares) FILTER (WHERE m.date >= %(start)s),
       sum(m.impressions) FILTER (WHERE m.date >= %(start)s),
       sum(m.clicks) FILTER (WHERE m.date >= %(start)s),
       sum(m.conversions) FILTER (WHERE m.date >= %(start)s),
       sum(m.spend) FILTER (WHERE m.date >= %(start)s),
       sum(m.revenue) FILTER (WHERE m.date >= %(start)s),
       count(*) FILTER (WHERE m.date < %(start)s),
       count(*) FILTER (WHERE m.date < %(start)s AND m.spend > 0),
       sum(m.video_views) FILTER (WHERE m.date < %(start)s),
       sum(m.likes + m.comments + m.shares) FILTER (WHERE m.date < %(start)s),
       sum(m.impressions) FILTER (WHERE m.date < %(start)s),
       sum(m.clicks) FILTER (WHERE m.date < %(start)s),
       sum(m.conversions) FILTER (WHERE m.date < %(start)s),
       sum(m.spend) FILTER (WHERE m.date < %(start)s),
       sum(m.revenue) FILTER (WHERE m.date < %(start)s),
       (SELECT f.followers FROM analytics_dailymetric f
         WHERE f.account_id = m.account_id AND f.followers IS NOT NULL
           AND f.date BETWEEN %(start)s AND %(end)s ORDER BY f.date DESC LIMIT 1),
       (SELECT f.followers FROM analytics_dailymetric f
         WHERE f.account_id = m.account_id AND f.followers IS NOT NULL
           AND f.date BETWEEN %(start)s AND %(end)s ORDER BY f.date LIMIT 1),
       (SELECT f.followers FROM analytics_dailymetric f
         WHERE f.account_id = m.account_id AND f.followers IS NOT NULL
           AND f.date < %(start)s ORDER BY f.date DESC LIMIT 1),
       (SELECT f.followers FROM analytics_dailymetric f
         WHERE f.account_id = m.account_id AND f.followers IS NOT NULL
           AND f.date BETWEEN %(previous_start)s AND %(previous_end)s
         ORDER BY f.date DESC LIMIT 1),
       (SELECT f.followers FROM analytics_dailymetric f
         WHERE f.account_id = m.account_id AND f.followers IS NOT NULL
           AND f.date BETWEEN %(previous_start)s AND %(previous_end)s ORDER BY f.date LIMIT 1),
       (SELECT f.followers FROM analytics_dailymetric f
         WHERE f.account_id = m.account_id AND f.followers IS NOT NULL
           AND f.date < %(previous_start)s ORDER BY f.date DESC LIMIT 1)
  FROM analytics_dailymetric m
 WHERE m.account_id IN (SELECT a.id FROM accounts_account a
                         JOIN accounts_team t ON t.id = a.team_id
                        WHERE t.slug = %(team)s AND NOT a.archived)
   AND m.date BETWEEN %(previous_start)s AND %(end)s
 GROUP BY m.account_id
"""


def floor_query() -> int:
    from django.db import connection

    from analytics import rules

    start, end = rules.period(END, WINDOW_DAYS)
    previous_start, previous_end = rules.previous_period(END, WINDOW_DAYS)
    params = {
        "start": start,
        "end": end,
        "previous_start": previous_start,
        "previous_end": previous_end,
        "team": BENCH_TEAM,
    }
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, params)
        return len(cursor.fetchall())


# (3) the naive loop


def naive_loop(sample: int) -> None:
    """What the set-based service replaces: queries per account, one save per scorecard."""
    from django.utils import timezone

    from accounts.models import Account
    from analytics import rules
    from analytics.models import DailyMetric, Scorecard
    from analytics.services import scorecards

    start, end = rules.period(END, WINDOW_DAYS)
    previous_start, previous_end = rules.previous_period(END, WINDOW_DAYS)

    def totals_of(account: Account, first: date, last: date) -> rules.Totals:
        rows = list(DailyMetric.objects.filter(account=account, date__range=(first, last)))
        before = (
            DailyMetric.objects.filter(account=account, date__lt=first, followers__isnull=False)
            .order_by("-date")
            .first()
        )
        with_followers = [r for r in rows if r.followers is not None]
        return rules.Totals(
            days_with_rows=len(rows),
            days_with_spend=sum(1 for r in rows if r.spend > 0),
            video_views=sum(r.video_views for r in rows),
            interactions=sum(r.likes + r.comments + r.shares for r in rows),
            impressions=sum(r.impressions for r in rows),
            clicks=sum(r.clicks for r in rows),
            conversions=sum(r.conversions for r in rows),
            spend=sum((r.spend for r in rows), Decimal("0.00")),
            revenue=sum((r.revenue for r in rows), Decimal("0.00")),
            followers_end=with_followers[-1].followers if with_followers else None,
            followers_base=rules.resolve_followers_base(
                before.followers if before else None,
                with_followers[0].followers if with_followers else None,
            ),
        )

    for account in Account.objects.filter(team__slug=BENCH_TEAM).order_by("pk")[:sample]:
        values = scorecards._scorecard_values(
            account=account,
            start=start,
            end=end,
            days=WINDOW_DAYS,
            totals=totals_of(account, start, end),
            previous_totals=totals_of(account, previous_start, previous_end),
            computed_at=timezone.now(),
        )
        Scorecard.objects.update_or_create(
            account=account,
            period_start=start,
            period_end=end,
            defaults={name: values[name] for name in scorecards.COMPUTED_FIELDS},
        )


def main() -> None:
    args = parse_args()
    setup_django(bench_database_url(BENCH_DB))
    load(args.accounts, args.days, args.reload)
    from django.db import connection

    from analytics.models import Scorecard

    n = args.accounts
    # Warm the caches once, so no timing pays for reading the table from disk.
    floor_query()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM analytics_scorecard")
    first_service = timed(recompute_all)
    # Interleaved, and the best of each kept: on a shared machine the best run is the one
    # least disturbed by others, and both kinds see the same disturbances.
    service_runs, floor_runs = [], []
    for _ in range(args.repeat):
        service_runs.append(timed(recompute_all))
        floor_runs.append(timed(floor_query))
    stored = Scorecard.objects.filter(period_end=END, days=WINDOW_DAYS).count()
    if stored != n:
        raise SystemExit(f"{stored} scorecards stored for {n} accounts")
    sample = min(args.sample, n)
    naive_sample = timed(lambda: naive_loop(sample))
    naive = naive_sample * n / sample

    service, floor = min(service_runs), min(floor_runs)
    print(f"\n{n:,} accounts x {args.days} days, {WINDOW_DAYS}-day window ending {END}")
    print(
        f"(1) scorecards_compute, all accounts   {service:8.3f} s  (best of {args.repeat}, "
        f"median {statistics.median(service_runs):.3f};"
    )
    print(f"    first run, inserting every row:    {first_service:8.3f} s)")
    print(
        f"(2) one hand-written SQL query, floor  {floor:8.3f} s  (best of {args.repeat}, "
        f"median {statistics.median(floor_runs):.3f})"
    )
    print(f"(3) naive per-account ORM loop         {naive:8.3f} s  ({sample} accounts, scaled)")
    print(f"(1)/(2) = {service / floor:6.2f}   target <= 1.5")
    print(f"(3)/(1) = {naive / service:6.1f}   target >= 20")


if __name__ == "__main__":
    main()

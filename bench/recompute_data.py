"""The recompute benchmark's data: a team of accounts with a year of daily metrics, loaded
by COPY once per size and reused by later runs."""

from __future__ import annotations

import io
import random
import time
from datetime import date, timedelta

from benchdb import accounts_create

BENCH_TEAM = "bench"
END = date(2025, 12, 31)
COPY_CHUNK_ROWS = 50_000


def load(n_accounts: int, n_days: int, reload: bool) -> None:
    from django.db import connection

    from accounts.models import Account, Team
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
    accounts_create(team, n_accounts, lambda i: f"bench_{i:06d}")
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


def copy_metrics(
    ids: list[tuple[int, str]],
    n_days: int,
    end: date = END,
    rng: random.Random | None = None,
) -> None:
    """COPY the daily rows of (account id, kind) up to `end` in chunks of text, generated
    with a seeded random (every benchmark's metrics)."""
    from django.db import connection

    rng = rng or random.Random(20250101)
    days = [(end - timedelta(days=offset)).isoformat() for offset in range(n_days - 1, -1, -1)]
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

"""The data of bench/pages.py: a team of N accounts and one of 10, loaded once per size.

Each team has D days of daily metrics (loaded by COPY), four stored 28-day scorecards
per account, a few videos per account with weekly snapshots, and 12 weeks of checklists
with about half of the items ticked, all from a seeded random.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from benchdb import accounts_create, production_passwords
from recompute_data import copy_metrics

BIG_TEAM = "bench-pages"
SMALL_TEAM = "bench-pages-10"
SMALL_ACCOUNTS = 10
LEAD = "bench-pages-lead"
SMALL_LEAD = "bench-pages-lead-10"
PASSWORD = "bench-ticks-password-1"  # noqa: S105 - the one clients.Client logs in with
VIDEOS_PER_ACCOUNT = 6
SNAPSHOTS_PER_VIDEO = 4
CHECKLIST_WEEKS = 12
SCORECARD_PERIODS = 4
WINDOW_DAYS = 28
# The big team's managers: each manages this many accounts of it, the first ones by handle.
MANAGERS = 20
ACCOUNTS_PER_MANAGER = 50


def manager_name(n: int) -> str:
    return f"bench-pages-manager-{n}"


def end_day() -> date:
    from lib.dates import yesterday

    return yesterday()


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
        ensure_managers(big)
        # Earlier runs' writes (ticks, notes, sessions) left dead rows, and autovacuum may
        # be off (it is on the development server): every run starts from clean tables.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        return
    started = time.perf_counter()
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    for slug, count, lead in (
        (BIG_TEAM, n_accounts, LEAD),
        (SMALL_TEAM, SMALL_ACCOUNTS, SMALL_LEAD),
    ):
        load_team(slug, count, lead, n_days, end)
    ensure_managers(Team.objects.get(slug=BIG_TEAM))
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
    from analytics.scorecards.compute import scorecards_compute

    team = team_create(slug=slug, name=f"Bench pages {count}")
    member_add(team=team, username=lead, role="lead", password=PASSWORD)
    prefix = slug.replace("-", "_")
    accounts_create(team, count, lambda i: f"{prefix}_{i:05d}")
    accounts = list(Account.objects.filter(team=team).select_related("team").order_by("pk"))
    rng = random.Random(slug)
    copy_metrics([(account.pk, account.kind) for account in accounts], n_days, end, rng)
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
    from strategy.practice_figures import practice_refresh
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
    # The ticks went in by bulk, not through check_set: their weeks' figures follow here.
    practice_refresh(accounts=accounts)


def ensure_managers(team) -> None:
    """MANAGERS managers of the team, each of ACCOUNTS_PER_MANAGER accounts (by handle)."""
    from accounts.models import Account
    from accounts.services import member_add

    handles = list(team.accounts.order_by("handle").values_list("pk", flat=True))
    through = Account.managers.through
    for n in range(MANAGERS):
        mine = handles[n * ACCOUNTS_PER_MANAGER : (n + 1) * ACCOUNTS_PER_MANAGER]
        if not mine:
            break
        membership = member_add(
            team=team, username=manager_name(n), role="manager", password=PASSWORD
        )
        through.objects.bulk_create(
            [through(account_id=pk, user_id=membership.user_id) for pk in mine],
            ignore_conflicts=True,
        )


def team_users(team_slug: str) -> list[tuple[str, list[str]]]:
    """The big team's lead and managers, each with the handles they may see."""
    from accounts.models import Account

    accounts = Account.objects.filter(team__slug=team_slug)
    users = [(LEAD, list(accounts.order_by("handle").values_list("handle", flat=True)))]
    for n in range(MANAGERS):
        name = manager_name(n)
        mine = accounts.filter(managers__username=name).order_by("handle")
        users.append((name, list(mine.values_list("handle", flat=True))))
    users = [(name, handles) for name, handles in users if handles]
    production_passwords([name for name, _ in users], PASSWORD)
    return users

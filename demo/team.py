"""The demo team that `make run` shows: who logs in, which accounts exist, their metrics."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from accounts.models import Account, Membership, Role, Team
from accounts.services import account_create, member_add, team_create
from analytics.fields import METRIC_FIELDS
from analytics.models import DailyMetric, Scorecard, ScorecardRun, Source
from analytics.scorecards.compute import scorecards_compute
from analytics.scorecards.runs import scorecard_run_create, scorecard_run_execute
from analytics.writes import days_write

DEMO_PASSWORD = "playbook-demo"  # noqa: S105 - printed for the demo; never used in production.


@dataclass(frozen=True)
class DemoAccount:
    handle: str
    display_name: str
    kind: str
    verified: bool
    story: str  # what its seeded metrics look like


DEMO_ACCOUNTS = (
    DemoAccount("acmecoffee", "Acme Coffee", "official", True, "steady"),
    DemoAccount("acme.baristas", "Acme Baristas", "official", False, "gaps"),
    DemoAccount("acme_roastery", "Acme Roastery", "official", True, "declining"),
    DemoAccount("acme.deals", "Acme Deals", "marketing", False, "profitable"),
    DemoAccount("acme.coldbrew", "Cold Brew Summer", "marketing", True, "losing"),
)


@dataclass(frozen=True)
class Login:
    username: str
    role: str


DEMO_LOGINS = (Login("lena", Role.LEAD), Login("max", Role.MANAGER))


@transaction.atomic
def seed_team() -> tuple[Team, list[Account], bool]:
    """Creates the demo team, its members and accounts once; returns (team, accounts, created)."""
    team = Team.objects.filter(slug="acme").first()
    created = team is None
    if created:
        team = team_create(slug="acme", name="Acme Coffee")
    for login in DEMO_LOGINS:
        if not Membership.objects.filter(team=team, user__username=login.username).exists():
            member_add(team=team, username=login.username, role=login.role, password=DEMO_PASSWORD)
    manager = Membership.objects.get(team=team, user__username="max").user
    accounts = []
    for demo in DEMO_ACCOUNTS:
        account = Account.objects.filter(team=team, handle=demo.handle).first()
        if account is None:
            managed = demo.handle in ("acmecoffee", "acme.deals", "acme.baristas")
            account = account_create(
                team=team,
                handle=demo.handle,
                display_name=demo.display_name,
                kind=demo.kind,
                verified=demo.verified,
                managers=[manager] if managed else [],
            )
        accounts.append(account)
    return team, accounts, created


# How many days of metrics the demo has, ending yesterday, and which scorecards it shows.
DEMO_DAYS = 120
DEMO_WINDOWS = (7, 28, 90)
# Earlier windows, week by week, so each account page has a trend to show.
HISTORY_WINDOWS = (7, 28)
HISTORY_WEEKS = 12


@dataclass(frozen=True)
class Shape:
    """What one account's days look like; rates are fractions, money per day."""

    views: int
    engagement: float
    followers: int
    daily_growth: float
    presence: float = 1.0  # share of days with a row
    spend_days: float = 0.0  # share of days with paid promotion
    spend: float = 0.0
    ctr: float = 0.0
    conversion_rate: float = 0.0
    order_value: float = 0.0


# The five accounts spread over the scatter (engagement by ROI score): a star, two
# engaging official accounts at different heights of engagement, one at risk, one losing.
STEADY = Shape(
    views=8000,
    engagement=0.066,
    followers=24000,
    daily_growth=0.0009,
    # Paid promotion that clearly pays, so that the star is graded A whatever the seeding
    # date's random draw (with a thinner margin, one date in six gave a B; checked over 90
    # end dates).
    spend_days=0.2,
    spend=30,
    ctr=0.012,
    conversion_rate=0.025,
    order_value=60,
)
SHAPES: dict[str, tuple[Shape, Shape]] = {
    # (the days before the last 28, the last 28 days)
    "steady": (STEADY, STEADY),
    "gaps": (
        Shape(views=3000, engagement=0.035, followers=5200, daily_growth=0.0008, presence=0.6),
    )
    * 2,
    "declining": (
        Shape(views=6500, engagement=0.065, followers=15000, daily_growth=0.0018),
        Shape(views=4200, engagement=0.024, followers=15000, daily_growth=0.0003),
    ),
    "profitable": (
        Shape(
            views=5200,
            engagement=0.024,
            followers=8000,
            daily_growth=0.0009,
            spend_days=1.0,
            spend=100,
            ctr=0.011,
            conversion_rate=0.017,
            order_value=60,
        ),
    )
    * 2,
    "losing": (
        Shape(
            views=3500,
            engagement=0.02,
            followers=3000,
            daily_growth=0.0005,
            spend_days=1.0,
            spend=150,
            ctr=0.006,
            conversion_rate=0.01,
            order_value=40,
        ),
    )
    * 2,
}
_CENT = Decimal("0.01")


def demo_metrics(story: str, handle: str, end: date) -> list[dict[str, object]]:
    """The DEMO_DAYS daily rows of one account ending `end`, the same on every call."""
    # Seeded by handle and end date, so seeding twice on one day gives the same rows.
    rng = random.Random(f"{handle}:{end.isoformat()}")  # noqa: S311 - demo figures, no secret
    earlier, recent = SHAPES[story]
    followers = float(earlier.followers)
    rows = []
    for offset in range(DEMO_DAYS - 1, -1, -1):
        day = end - timedelta(days=offset)
        shape = recent if offset < 28 else earlier
        followers *= 1 + shape.daily_growth * rng.uniform(0.4, 1.6)
        # Gaps fall inside the period: its first and last days always have a row.
        if rng.random() >= shape.presence and 0 < offset < DEMO_DAYS - 1:
            continue
        views = round(shape.views * rng.uniform(0.75, 1.25))
        interactions = views * shape.engagement * rng.uniform(0.85, 1.15)
        row: dict[str, object] = {
            "date": day,
            "video_views": views,
            "profile_views": round(views * rng.uniform(0.03, 0.06)),
            "likes": round(interactions * 0.84),
            "comments": round(interactions * 0.09),
            "shares": round(interactions * 0.07),
            "followers": round(followers),
        }
        if shape.spend and rng.random() < shape.spend_days:
            spend = shape.spend * rng.uniform(0.8, 1.2)
            impressions = round(spend * rng.uniform(130, 170))
            clicks = round(impressions * shape.ctr * rng.uniform(0.8, 1.2))
            conversions = round(clicks * shape.conversion_rate * rng.uniform(0.7, 1.3))
            revenue = conversions * shape.order_value * rng.uniform(0.9, 1.1)
            row.update(
                spend=Decimal(spend).quantize(_CENT),
                impressions=impressions,
                clicks=clicks,
                conversions=conversions,
                revenue=Decimal(revenue).quantize(_CENT),
            )
        rows.append(row)
    return rows


def seed_metrics(accounts: list[Account], end: date) -> int:
    """Adds the demo days that are missing (existing rows stay as they are); returns how many."""
    stories = {demo.handle: demo.story for demo in DEMO_ACCOUNTS}
    existing = set(
        DailyMetric.objects.filter(account__in=accounts).values_list("account_id", "date")
    )
    new = [
        (account.pk, row["date"], *(row.get(name) for name in METRIC_FIELDS))
        for account in accounts
        for row in demo_metrics(stories[account.handle], account.handle, end)
        if (account.pk, row["date"]) not in existing
    ]
    days_write(new, source=Source.EXPORT)
    return len(new)


def seed_scorecards(team: Team, accounts: list[Account], end: date, *, force: bool) -> int:
    """Computes the demo's scorecards unless they are all there; returns how many were stored.

    The current windows go through a recorded run, as a lead's recompute would; the
    earlier weeks are computed directly, only to give the trend charts some history.
    """
    current = Scorecard.objects.filter(
        account__in=accounts, period_end=end, days__in=DEMO_WINDOWS
    ).count()
    if not force and current == len(accounts) * len(DEMO_WINDOWS):
        return 0
    run = scorecard_run_create(scope=ScorecardRun.Scope.TEAM, team=team, end=end, days=DEMO_WINDOWS)
    run = scorecard_run_execute(run_id=run.pk)
    stored = run.done
    for weeks_back in range(1, HISTORY_WEEKS + 1):
        for days in HISTORY_WINDOWS:
            earlier = end - timedelta(weeks=weeks_back)
            stored += scorecards_compute(accounts=accounts, end=earlier, days=days).computed
    return stored

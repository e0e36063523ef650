"""What the scorecard-run tests share: the window's end, a broker nobody answers at, runs."""

from __future__ import annotations

from datetime import date, timedelta

from accounts.models import Account
from analytics.models import DailyMetric, ScorecardRun
from analytics.scorecards.runs import scorecard_run_create

END = date(2025, 3, 28)
DEAD_BROKER = "redis://127.0.0.1:1/0"
Status = ScorecardRun.Status


def seven_days(account: Account, views: int = 1000) -> None:
    DailyMetric.objects.bulk_create(
        DailyMetric(account=account, date=END - timedelta(days=n), video_views=views, likes=40)
        for n in range(7)
    )


def pending_run(team, days: tuple[int, ...] = (7, 28)) -> ScorecardRun:
    return scorecard_run_create(scope=ScorecardRun.Scope.TEAM, team=team, end=END, days=days)

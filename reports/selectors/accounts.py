"""An account's report: its figures against its targets, its days, videos and checklists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.safestring import SafeString

from accounts.models import Account
from analytics.models import Scorecard, Video
from analytics.scorecards import rules
from analytics.scorecards.compute import account_targets
from reports.periods import ReportPeriod
from reports.selectors.daily import daily_charts, reviews, top_videos
from reports.selectors.scores import (
    OTHER_FIGURES,
    TARGET_FIGURES,
    AccountScores,
    FigureLine,
    period_scores,
    with_practice,
)
from strategy.periods import week_label, weeks_overlapping
from strategy.selectors.overview import weekly_progress

TOP_VIDEOS = 5


@dataclass(frozen=True)
class Kpi:
    """A figure against its target over the period, and the same figure compared."""

    name: str
    label: str
    value: Decimal | None
    compared: Decimal | None
    target: Decimal
    sub_score: Decimal | None

    @property
    def met(self) -> bool | None:
        return None if self.value is None else self.value >= self.target


@dataclass(frozen=True)
class WeekDone:
    label: str
    monday: date
    done: int | None
    total: int | None
    share: Decimal | None


@dataclass
class AccountReport:
    period: ReportPeriod
    line: AccountScores
    kpis: list[Kpi]
    figures: list[FigureLine]
    views_chart: SafeString
    engagement_chart: SafeString
    has_days: bool
    top_videos: list[Video]
    weeks: list[WeekDone]
    reviews: list[Scorecard]


def account_report(*, account: Account, period: ReportPeriod) -> AccountReport:
    """The report of one account the caller already checked may be seen."""
    (line,) = with_practice(period_scores(accounts=[account], period=period), period, compared=True)
    targets = rules.scaled_targets(account_targets(account), period.days)
    kpis = [
        Kpi(
            name=name,
            label=label,
            value=getattr(line.score.figures, name),
            compared=getattr(line.compared.figures, name),
            target=getattr(targets, name),
            sub_score=rules.round_score(getattr(line.score.sub_scores, name)),
        )
        for name, label in TARGET_FIGURES
    ]
    figures = [
        FigureLine(
            name,
            label,
            form,
            getattr(line.score.figures, name),
            getattr(line.compared.figures, name),
        )
        for name, label, form in OTHER_FIGURES
    ]
    views, rates, has_days = daily_charts([account.pk], period, f"@{account.handle}")
    mondays = weeks_overlapping(period.start, period.end)
    progress = weekly_progress(account=account, weeks=mondays)
    weeks = [
        WeekDone(
            label=week_label(monday),
            monday=monday,
            done=progress[monday].done if monday in progress else None,
            total=progress[monday].total if monday in progress else None,
            share=progress[monday].share if monday in progress else None,
        )
        for monday in mondays
    ]
    return AccountReport(
        period=period,
        line=line,
        kpis=kpis,
        figures=figures,
        views_chart=views,
        engagement_chart=rates,
        has_days=has_days,
        top_videos=top_videos([account.pk], period, TOP_VIDEOS),
        weeks=weeks,
        reviews=reviews([account.pk], period),
    )

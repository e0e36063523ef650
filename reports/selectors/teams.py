"""A team's report: its accounts' scores and grades, summed figures, days and videos."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString

from accounts.models import Account, Team
from analytics.models import Scorecard, Video
from analytics.scorecards import rules
from analytics.scorecards.compute import account_targets
from reports import charts
from reports.periods import ReportPeriod
from reports.selectors.daily import daily_charts, reviews, top_videos
from reports.selectors.rows import AccountRow, account_rows
from reports.selectors.scores import (
    OTHER_FIGURES,
    TARGET_FIGURES,
    AccountScores,
    FigureLine,
    mean,
    period_scores,
    with_practice,
)

TEAM_TOP_VIDEOS = 10


@dataclass(frozen=True)
class KpiMet:
    label: str
    met: int
    measured: int
    compared_met: int
    compared_measured: int


@dataclass
class TeamReport:
    team: Team
    period: ReportPeriod
    lines: list[AccountScores]
    # The table's row of each line, its cells written (`rows`).
    rows: list[AccountRow]
    grades: list[tuple[str, int, int]]
    mean_overall: Decimal | None
    compared_mean_overall: Decimal | None
    figures: list[FigureLine]
    currency: str
    kpis: list[KpiMet]
    views_chart: SafeString
    grade_chart: SafeString
    has_days: bool
    top_videos: list[Video]
    practice: Decimal | None
    reviews: list[Scorecard]

    @property
    def grade_summary(self) -> str:
        """'A: 1, B: 2, none: 1': the grades that at least one account has this period."""
        return ", ".join(f"{grade}: {count}" for grade, count, _ in self.grades if count) or "—"

    @property
    def mean_change(self) -> Decimal | None:
        if self.mean_overall is None or self.compared_mean_overall is None:
            return None
        return self.mean_overall - self.compared_mean_overall


def team_report(*, team: Team, accounts: list[Account], period: ReportPeriod) -> TeamReport:
    """The report of a team's `accounts` (those the reader may see, chosen by the caller)."""
    # Strategy's checklist states cost far more per account than the scores: a team's
    # report reads them for the period only (an account's report for both periods).
    lines = with_practice(period_scores(accounts=accounts, period=period), period, compared=False)
    current_grades = Counter(line.score.grade for line in lines)
    compared_grades = Counter(line.compared.grade for line in lines)
    grades = [(g, current_grades[g], compared_grades[g]) for g in rules.GRADES]
    grades.append(("none", current_grades[""], compared_grades[""]))
    currencies = {line.account.currency for line in lines}
    currency = currencies.pop() if len(currencies) == 1 else ""
    summed = rules.figures(_summed([line.score for line in lines]))
    compared_summed = rules.figures(_summed([line.compared for line in lines]))
    figures = [
        FigureLine(
            name,
            label,
            form,
            None if form == "money" and not currency else getattr(summed, name),
            None if form == "money" and not currency else getattr(compared_summed, name),
        )
        for name, label, form in OTHER_FIGURES
    ]
    views, _rates, has_days = daily_charts([line.account.pk for line in lines], period, team.name)
    grade_chart = charts.bar_chart(
        title=f"Accounts by grade, {team.name}",
        labels=[g for g, _, _ in grades],
        series=[
            charts.Series("This period", [count for _, count, _ in grades]),
            charts.Series(
                f"Compared ({period.comparison_label})",
                [count for _, _, count in grades],
                dashed=True,
            ),
        ],
    )
    return TeamReport(
        team=team,
        period=period,
        lines=lines,
        rows=account_rows(lines),
        grades=grades,
        mean_overall=mean(line.score.overall_score for line in lines),
        compared_mean_overall=mean(line.compared.overall_score for line in lines),
        figures=figures,
        currency=currency,
        kpis=_kpis_met(lines, period.days),
        views_chart=views,
        grade_chart=grade_chart,
        has_days=has_days,
        top_videos=top_videos([line.account.pk for line in lines], period, TEAM_TOP_VIDEOS),
        practice=mean(line.practice for line in lines),
        reviews=reviews([line.account.pk for line in lines], period),
    )


def _kpis_met(lines: list[AccountScores], days: int) -> list[KpiMet]:
    """How many accounts met each target, of those where the figure could be measured."""
    counts = {name: [0, 0, 0, 0] for name, _ in TARGET_FIGURES}
    for line in lines:
        targets = rules.scaled_targets(account_targets(line.account), days)
        for name, _ in TARGET_FIGURES:
            target = getattr(targets, name)
            for offset, score in ((0, line.score), (2, line.compared)):
                value = getattr(score.figures, name)
                if value is not None:
                    counts[name][offset + 1] += 1
                    if value >= target:
                        counts[name][offset] += 1
    return [KpiMet(label, *counts[name]) for name, label in TARGET_FIGURES]


def _summed(scores: list[rules.Score]) -> rules.Totals:
    """The team's counts and money added up (follower growth is per account only)."""
    figures = [score.figures for score in scores]
    return rules.Totals(
        days_with_rows=0,
        days_with_spend=0,
        video_views=sum(f.views for f in figures),
        interactions=sum(f.interactions for f in figures),
        impressions=sum(f.impressions for f in figures),
        clicks=sum(f.clicks for f in figures),
        conversions=sum(f.conversions for f in figures),
        spend=sum((f.spend for f in figures), Decimal("0.00")),
        revenue=sum((f.revenue for f in figures), Decimal("0.00")),
        followers_end=None,
        followers_base=None,
    )

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
from reports.selectors.rows import AccountRow, RowWriter
from reports.selectors.scores import (
    OTHER_FIGURES,
    TARGET_FIGURES,
    AccountScores,
    FigureLine,
    mean,
    scores_stream,
)
from strategy.selectors.overview import practice_scores

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
    # report reads them for the period only (an account's report for both periods), before
    # the scores, whose stream holds the connection.
    practice = practice_scores(accounts=accounts, start=period.start, end=period.end)
    # Each account's row and targets met are made as its scores arrive, while the database
    # sums the next ones.
    rows = RowWriter()
    kpis = _KpisMet(period.days)
    by_id: dict[int, tuple[AccountScores, AccountRow]] = {}
    for line in scores_stream(accounts=accounts, period=period, practice=practice):
        by_id[line.account.pk] = (line, rows.row(line))
        kpis.count(line)
    lines = [by_id[account.pk][0] for account in accounts]
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
        rows=[by_id[account.pk][1] for account in accounts],
        grades=grades,
        mean_overall=mean(line.score.overall_score for line in lines),
        compared_mean_overall=mean(line.compared.overall_score for line in lines),
        figures=figures,
        currency=currency,
        kpis=kpis.met(),
        views_chart=views,
        grade_chart=grade_chart,
        has_days=has_days,
        top_videos=top_videos([line.account.pk for line in lines], period, TEAM_TOP_VIDEOS),
        practice=mean(line.practice for line in lines),
        reviews=reviews([line.account.pk for line in lines], period),
    )


class _KpisMet:
    """How many accounts met each target, of those where the figure could be measured."""

    def __init__(self, days: int) -> None:
        self.days = days
        self.counts = {name: [0, 0, 0, 0] for name, _ in TARGET_FIGURES}
        # Most accounts keep their kind's default targets: each set is scaled once.
        self.scaled: dict[rules.Targets, rules.Targets] = {}

    def count(self, line: AccountScores) -> None:
        targets = account_targets(line.account)
        scaled = self.scaled.get(targets)
        if scaled is None:
            scaled = self.scaled[targets] = rules.scaled_targets(targets, self.days)
        for name, _ in TARGET_FIGURES:
            target = getattr(scaled, name)
            counts = self.counts[name]
            for offset, score in ((0, line.score), (2, line.compared)):
                value = getattr(score.figures, name)
                if value is not None:
                    counts[offset + 1] += 1
                    if value >= target:
                        counts[offset] += 1

    def met(self) -> list[KpiMet]:
        return [KpiMet(label, *self.counts[name]) for name, label in TARGET_FIGURES]


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

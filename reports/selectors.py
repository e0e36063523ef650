"""Reads of a report: an account's or a team's figures over any period, and its comparison.

A period's figures, scores, grade and flags are the scorecard rules over other dates: the
sums come from analytics' one aggregate (`windows_totals`, the window and the previous one
in one statement, as a recompute reads them) and are scored by `analytics.rules.score`,
with the previous period's overall score for `declining`, exactly as a stored scorecard is.
Nothing here computes a figure of its own. The checklist completion is strategy's
(`practice_scores`, `weekly_progress`).

The cost of a team report is a fixed number of statements whatever the number of
accounts: the sums (one, or two with a year's comparison), the days of each period (two),
the top videos (one), the checklists (strategy's, a few per period) and the reviews (one).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Sum
from django.utils.safestring import SafeString

from accounts.models import Account, Team
from analytics import rules
from analytics.models import DailyMetric, Scorecard, Video
from analytics.selectors.totals import window_totals, windows_totals
from analytics.selectors.videos import with_latest_figures
from analytics.services.scorecards import account_targets
from reports import charts
from reports.periods import PREVIOUS, ReportPeriod
from strategy.periods import week_label, weeks_overlapping
from strategy.selectors.overview import practice_scores, weekly_progress

TOP_VIDEOS = 5
TEAM_TOP_VIDEOS = 10
REVIEWS_SHOWN = 20

# The figures scored against a target, in the order of docs/scoring.md.
TARGET_FIGURES = (
    ("engagement_rate", "Engagement rate"),
    ("follower_growth", "Follower growth"),
    ("ctr", "Click-through rate (CTR)"),
    ("conversion_rate", "Conversion rate"),
    ("roi", "Return on investment (ROI)"),
)
# The other figures: name, label and how the page writes them.
OTHER_FIGURES = (
    ("views", "Video views", "count"),
    ("interactions", "Interactions (likes, comments, shares)", "count"),
    ("impressions", "Paid impressions", "count"),
    ("clicks", "Paid clicks", "count"),
    ("conversions", "Conversions", "count"),
    ("spend", "Spend", "money"),
    ("revenue", "Revenue", "money"),
    ("cpa", "Cost per acquisition (CPA)", "money"),
    ("roas", "Return on ad spend (ROAS)", "rate"),
)


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
class FigureLine:
    name: str
    label: str
    form: str
    value: object
    compared: object


@dataclass(frozen=True)
class AccountScores:
    """One account's scores over the period and over the period it is compared with."""

    account: Account
    score: rules.Score
    compared: rules.Score
    practice: Decimal | None = None
    compared_practice: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        if self.score.overall_score is None or self.compared.overall_score is None:
            return None
        return self.score.overall_score - self.compared.overall_score

    @property
    def flag_labels(self) -> str:
        return "; ".join(rules.FLAG_LABELS[flag] for flag in self.score.flags)


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


def period_scores(*, accounts: list[Account], period: ReportPeriod) -> list[AccountScores]:
    """Each account scored over the period and over its comparison, by the scorecard rules.

    The period's `declining` flag compares with the previous period of the same length, as
    a scorecard's does, whichever comparison the report shows.
    """
    ids = [account.pk for account in accounts]
    previous_start, _ = period.previous
    current, previous = windows_totals(
        account_ids=ids, start=period.start, end=period.end, previous_start=previous_start
    )
    if period.compare == PREVIOUS:
        compared = previous
    else:
        compared_start, compared_end = period.comparison
        compared = window_totals(account_ids=ids, start=compared_start, end=compared_end)
    empty = rules.EMPTY_TOTALS
    days = period.days
    scored = []
    for account in accounts:
        targets = account_targets(account)
        previous_overall = rules.overall_score(
            kind=account.kind, days=days, totals=previous.get(account.pk, empty), targets=targets
        )
        score = rules.score(
            kind=account.kind,
            verified=account.verified,
            days=days,
            totals=current.get(account.pk, empty),
            targets=targets,
            previous_overall=previous_overall,
        )
        compared_score = rules.score(
            kind=account.kind,
            verified=account.verified,
            days=days,
            totals=compared.get(account.pk, empty),
            targets=targets,
            previous_overall=None,
        )
        scored.append(AccountScores(account=account, score=score, compared=compared_score))
    return scored


def account_report(*, account: Account, period: ReportPeriod) -> AccountReport:
    """The report of one account the caller already checked may be seen."""
    (line,) = _with_practice(
        period_scores(accounts=[account], period=period), period, compared=True
    )
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
    views, rates, has_days = _daily_charts([account.pk], period, f"@{account.handle}")
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
        top_videos=_top_videos([account.pk], period, TOP_VIDEOS),
        weeks=weeks,
        reviews=_reviews([account.pk], period),
    )


def team_report(*, team: Team, accounts: list[Account], period: ReportPeriod) -> TeamReport:
    """The report of a team's `accounts` (those the reader may see, chosen by the caller)."""
    # Strategy's checklist states cost far more per account than the scores: a team's
    # report reads them for the period only (an account's report for both periods).
    lines = _with_practice(period_scores(accounts=accounts, period=period), period, compared=False)
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
    views, _rates, has_days = _daily_charts([line.account.pk for line in lines], period, team.name)
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
        grades=grades,
        mean_overall=_mean(line.score.overall_score for line in lines),
        compared_mean_overall=_mean(line.compared.overall_score for line in lines),
        figures=figures,
        currency=currency,
        kpis=_kpis_met(lines, period.days),
        views_chart=views,
        grade_chart=grade_chart,
        has_days=has_days,
        top_videos=_top_videos([line.account.pk for line in lines], period, TEAM_TOP_VIDEOS),
        practice=_mean(line.practice for line in lines),
        reviews=_reviews([line.account.pk for line in lines], period),
    )


def _with_practice(
    lines: list[AccountScores], period: ReportPeriod, *, compared: bool
) -> list[AccountScores]:
    accounts = [line.account for line in lines]
    current = practice_scores(accounts=accounts, start=period.start, end=period.end)
    before: dict[int, Decimal | None] = {}
    if compared:
        compared_start, compared_end = period.comparison
        before = practice_scores(accounts=accounts, start=compared_start, end=compared_end)
    return [
        AccountScores(
            account=line.account,
            score=line.score,
            compared=line.compared,
            practice=current.get(line.account.pk),
            compared_practice=before.get(line.account.pk),
        )
        for line in lines
    ]


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


def _mean(values: object) -> Decimal | None:
    present = [value for value in values if value is not None]  # type: ignore[attr-defined]
    if not present:
        return None
    return rules.round_score(sum(present, Decimal(0)) / len(present))


def _days(
    account_ids: list[int], start: date, end: date
) -> list[tuple[int | None, Decimal | None]]:
    """(views, engagement rate) of each day from start to end, summed over the accounts."""
    rows = {
        row["date"]: row
        for row in DailyMetric.objects.filter(
            account_id__in=account_ids, date__gte=start, date__lte=end
        )
        .order_by()
        .values("date")
        .annotate(
            views=Sum("video_views"), interactions=Sum(F("likes") + F("comments") + F("shares"))
        )
    }
    days = []
    for offset in range((end - start).days + 1):
        row = rows.get(start + timedelta(days=offset))
        if row is None:
            days.append((None, None))
            continue
        views = int(row["views"] or 0)
        day = rules.Totals(
            days_with_rows=1,
            days_with_spend=0,
            video_views=views,
            interactions=int(row["interactions"] or 0),
            impressions=0,
            clicks=0,
            conversions=0,
            spend=Decimal(0),
            revenue=Decimal(0),
            followers_end=None,
            followers_base=None,
        )
        rate = rules.figures(day).engagement_rate
        days.append((views, rate))
    return days


def _daily_charts(
    account_ids: list[int], period: ReportPeriod, name: str
) -> tuple[SafeString, SafeString, bool]:
    current = _days(account_ids, period.start, period.end)
    compared = _days(account_ids, *period.comparison)
    first, last = period.start.isoformat(), period.end.isoformat()
    compared_label = f"Compared ({period.comparison_label})"
    views = charts.line_chart(
        title=f"Daily video views, {name}",
        series=[
            charts.Series("This period", [views for views, _ in current]),
            charts.Series(compared_label, [views for views, _ in compared], dashed=True),
        ],
        first_label=first,
        last_label=last,
    )
    rates = charts.line_chart(
        title=f"Daily engagement rate, {name}",
        series=[
            charts.Series("This period", [None if r is None else r * 100 for _, r in current]),
            charts.Series(
                compared_label, [None if r is None else r * 100 for _, r in compared], dashed=True
            ),
        ],
        first_label=first,
        last_label=last,
        unit="%",
    )
    has_days = any(views is not None for views, _ in current + compared)
    return views, rates, has_days


def _top_videos(account_ids: list[int], period: ReportPeriod, count: int) -> list[Video]:
    """The most viewed videos posted in the period, by the views of their latest snapshot."""
    posted = Video.objects.filter(
        account_id__in=account_ids, posted_on__gte=period.start, posted_on__lte=period.end
    )
    return list(
        with_latest_figures(posted)
        .filter(latest_views__isnull=False)
        .select_related("account")
        .order_by("-latest_views", "posted_on", "video_id")[:count]
    )


def _reviews(account_ids: list[int], period: ReportPeriod) -> list[Scorecard]:
    """The lead's review comments on scorecards that end in the period, newest first."""
    return list(
        Scorecard.objects.filter(
            account_id__in=account_ids,
            period_end__gte=period.start,
            period_end__lte=period.end,
            reviewed_at__isnull=False,
        )
        .exclude(review_comment="")
        .select_related("account", "reviewed_by")
        .order_by("-reviewed_at")[:REVIEWS_SHOWN]
    )

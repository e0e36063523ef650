"""Practice beside outcome: checklist completion next to the scorecards' results.

Practice scores are sums of the weekly figures strategy stores for each checklist
(strategy.models.WeekPractice), which the tick and every other write keep current in its
own transaction, so a tick shows on the review page at once. Everything here runs in a
constant number of queries, whatever the number of accounts, weeks or items.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from accounts.models import Account, Kind
from analytics.review.scorecard import DayFigures, daily_figures
from analytics.scorecards.windows import Window
from lib.dates import this_week
from strategy.periods import weeks_back, weeks_overlapping
from strategy.selectors import Progress, weekly_progress

HISTORY_WEEKS = 12
# Fewer weeks with both figures than this, and the page says it cannot tell.
MIN_WEEKS_WITH_BOTH = 6
# A week counts as "practices done" when at least this share of its checklist was done.
DONE_SHARE = Decimal("0.5")

NO_CHECKLIST = "No checklist for this week, or none of its items could be counted."
NO_METRICS = "No daily metrics for this week."
NO_VIEWS = "No views in this week, so there is nothing to divide by."
NO_SPEND = "No spend in this week, so there is nothing to divide by."


# -- the weekly outcomes --


@dataclass(frozen=True)
class WeekOutcome:
    """One ISO week's sums of an account's daily metrics and the rates they give."""

    week: date
    days_with_rows: int
    views: int
    interactions: int
    spend: Decimal
    revenue: Decimal

    @property
    def engagement_rate(self) -> Decimal | None:
        if not self.views:
            return None
        return Decimal(self.interactions) / Decimal(self.views)

    @property
    def roi(self) -> Decimal | None:
        if not self.spend:
            return None
        return (self.revenue - self.spend) / self.spend


def outcome_range(weeks: list[date]) -> tuple[date, date]:
    """The days of the weeks (Mondays) that weekly_outcomes() sums."""
    return min(weeks), max(weeks) + timedelta(days=6)


def weekly_outcomes(
    *, account: Account, weeks: list[date], days: dict[date, DayFigures] | None = None
) -> dict[date, WeekOutcome]:
    """The sums of each ISO week (keyed by its Monday) of the account's metric rows, read
    in ONE query (daily_figures), or none when the caller passes them as `days` (covering
    outcome_range(weeks)).

    A week without a metric row is absent; a week with rows but no views (or no spend)
    has an engagement rate (or ROI) of None rather than a division by zero.
    """
    if not weeks:
        return {}
    if days is None:
        days = daily_figures(account=account, ranges=[outcome_range(weeks)])
    wanted = set(weeks)
    sums: dict[date, list] = {}
    for day, views, likes, comments, shares, spend, revenue in days.values():
        week = day - timedelta(days=day.weekday())
        if week not in wanted:
            continue
        week_sums = sums.get(week)
        if week_sums is None:
            sums[week] = [1, views, likes + comments + shares, spend, revenue]
        else:
            week_sums[0] += 1
            week_sums[1] += views
            week_sums[2] += likes + comments + shares
            week_sums[3] += spend
            week_sums[4] += revenue
    return {
        week: WeekOutcome(
            week=week,
            days_with_rows=rows,
            views=views,
            interactions=interactions,
            spend=spend,
            revenue=revenue,
        )
        for week, (rows, views, interactions, spend, revenue) in sums.items()
    }


# -- practice beside outcome --


@dataclass(frozen=True)
class PracticeWeek:
    week: date
    completion: Decimal | None
    outcome: Decimal | None
    completion_missing: str = ""  # why completion is '—'
    outcome_missing: str = ""  # why the outcome is '—'

    @property
    def has_both(self) -> bool:
        return self.completion is not None and self.outcome is not None

    @property
    def week_end(self) -> date:
        return self.week + timedelta(days=6)


@dataclass(frozen=True)
class Comparison:
    """The average weekly outcome in weeks with most of the checklist done and the rest."""

    done_weeks: int
    done_average: Decimal | None
    undone_weeks: int
    undone_average: Decimal | None

    @property
    def difference_points(self) -> Decimal | None:
        """How many percentage points the done weeks' average is above the others' (>= 0)."""
        if self.done_average is None or self.undone_average is None:
            return None
        return abs((self.done_average - self.undone_average) * 100).quantize(Decimal("0.1"))

    @property
    def direction(self) -> str:
        """'higher', 'lower' or 'same': the done weeks' average against the others'."""
        points = self.difference_points
        if points is None:
            return ""
        if points == 0:
            return "same"
        return "higher" if self.done_average > self.undone_average else "lower"


@dataclass(frozen=True)
class PracticeOutcome:
    kind: str
    outcome_name: str  # engagement_rate or roi
    outcome_label: str
    weeks: list[PracticeWeek]

    # Each figure below is worked out once for the template's several reads of it (a
    # frozen dataclass still lets cached_property keep it in the instance's __dict__).
    @cached_property
    def weeks_with_both(self) -> int:
        return sum(week.has_both for week in self.weeks)

    @cached_property
    def has_figures(self) -> bool:
        return any(w.completion is not None or w.outcome is not None for w in self.weeks)

    @cached_property
    def enough(self) -> bool:
        return self.weeks_with_both >= MIN_WEEKS_WITH_BOTH

    @cached_property
    def comparison(self) -> Comparison | None:
        return compare(self.weeks) if self.enough else None


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def compare(weeks: Iterable[PracticeWeek]) -> Comparison:
    """Splits the weeks with both figures at DONE_SHARE and averages each side's outcome.

    Each week counts once, whatever its views or spend: the question is whether weeks with
    the practices done went better, not which weeks were biggest.
    """
    both = [week for week in weeks if week.has_both]
    done = [week.outcome for week in both if week.completion >= DONE_SHARE]
    undone = [week.outcome for week in both if week.completion < DONE_SHARE]
    return Comparison(
        done_weeks=len(done),
        done_average=_mean(done),
        undone_weeks=len(undone),
        undone_average=_mean(undone),
    )


def history_weeks(weeks: int = HISTORY_WEEKS) -> list[date]:
    """The Mondays of practice_of_account()'s history, oldest first."""
    return weeks_back(this_week(), weeks)


def practice_of_account(
    *,
    account: Account,
    window: Window,
    weeks: int = HISTORY_WEEKS,
    days: dict[date, DayFigures] | None = None,
) -> tuple[Decimal | None, PracticeOutcome]:
    """The practice score of the window (the share of checklist items done in the weeks it
    touches) and the last `weeks` weeks of checklist completion beside the account's main
    outcome (engagement rate for an official account, ROI for a marketing one), from one
    read of the checklists of the weeks either needs (an account's scorecard shows both).

    `days`: the account's daily_figures() covering outcome_range(history_weeks(weeks)),
    when the caller read them already (the scorecard page reads them with its window's)."""
    history = history_weeks(weeks)
    in_window = weeks_overlapping(window.start, window.end)
    progress = weekly_progress(account=account, weeks=sorted({*history, *in_window}))
    total = Progress()
    for week in in_window:
        if week in progress:
            total.done += progress[week].done
            total.total += progress[week].total
    completion = [(week, progress[week].share if week in progress else None) for week in history]
    return total.share, _outcome(account, completion, days)


def _outcome(
    account: Account,
    completion: list[tuple[date, Decimal | None]],
    days: dict[date, DayFigures] | None = None,
) -> PracticeOutcome:
    outcomes = weekly_outcomes(account=account, weeks=[week for week, _ in completion], days=days)
    official = account.kind == Kind.OFFICIAL
    rows = []
    for week, share in completion:
        sums = outcomes.get(week)
        if sums is None:
            value, why = None, NO_METRICS
        elif official:
            value = sums.engagement_rate
            why = NO_VIEWS if value is None else ""
        else:
            value = sums.roi
            why = NO_SPEND if value is None else ""
        rows.append(
            PracticeWeek(
                week=week,
                completion=share,
                outcome=value,
                completion_missing=NO_CHECKLIST if share is None else "",
                outcome_missing=why,
            )
        )
    return PracticeOutcome(
        kind=account.kind,
        outcome_name="engagement_rate" if official else "roi",
        outcome_label="engagement rate" if official else "ROI",
        weeks=rows,
    )


def practice_chart_data(outcome: PracticeOutcome) -> dict[str, object]:
    """The chart's series in percent; floats are fine here, the table gives exact figures."""

    def percent(value: Decimal | None) -> float | None:
        return None if value is None else round(float(value) * 100, 2)

    return {
        "labels": [f"{week.week.day} {week.week:%b}" for week in outcome.weeks],
        "completion": [percent(week.completion) for week in outcome.weeks],
        "outcome": [percent(week.outcome) for week in outcome.weeks],
        "outcome_label": f"{outcome.outcome_label[0].upper()}{outcome.outcome_label[1:]} (%)",
    }

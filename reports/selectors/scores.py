"""Each account scored over a report's period and its comparison, by the scorecard rules."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Account
from analytics.scorecards import rules
from analytics.scorecards.compute import account_targets
from analytics.scorecards.totals import window_totals, windows_totals_stream
from reports.periods import PREVIOUS, ReportPeriod
from strategy.selectors.overview import periods_progress, shares

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


def period_scores(*, accounts: list[Account], period: ReportPeriod) -> list[AccountScores]:
    """Each account scored over the period and over its comparison, by the scorecard rules,
    in the order of `accounts` (`scores_stream`)."""
    scored = {line.account.pk: line for line in scores_stream(accounts=accounts, period=period)}
    return [scored[account.pk] for account in accounts]


def scores_stream(
    *,
    accounts: list[Account],
    period: ReportPeriod,
    practice: Mapping[int, Decimal | None] | None = None,
) -> Iterator[AccountScores]:
    """Each account scored over the period and over its comparison, by the scorecard rules,
    as the database hands out its sums (in no particular order), with its checklist
    completion of the period from `practice` (`practice_scores`) when given.

    The caller may work on each line while the database sums the next ones, but must read
    to the end before it sends another statement (`windows_totals_stream`).

    The period's `declining` flag compares with the previous period of the same length, as
    a scorecard's does, whichever comparison the report shows.
    """
    ids = [account.pk for account in accounts]
    by_id = {account.pk: account for account in accounts}
    previous_start, _ = period.previous
    compared_is_previous = period.compare == PREVIOUS
    compared: dict[int, rules.Totals] = {}
    if not compared_is_previous:
        # Read before the stream below, which holds the connection until its end.
        compared_start, compared_end = period.comparison
        compared = window_totals(account_ids=ids, start=compared_start, end=compared_end)
    empty = rules.EMPTY_TOTALS
    days = period.days
    no_practice: Mapping[int, Decimal | None] = {} if practice is None else practice
    # Each account is scored as its row arrives, while the database sums the next ones
    # (as a recompute does).
    for account_id, sums, previous_sums in windows_totals_stream(
        account_ids=ids, start=period.start, end=period.end, previous_start=previous_start
    ):
        account = by_id[account_id]
        targets = account_targets(account)
        previous = empty if previous_sums is None else rules.Totals(*previous_sums)
        compared_score = rules.score(
            kind=account.kind,
            verified=account.verified,
            days=days,
            totals=previous if compared_is_previous else compared.get(account_id, empty),
            targets=targets,
            previous_overall=None,
        )
        # Compared with the previous period, its score is already there: its overall
        # score is what `rules.overall_score` would compute again.
        previous_overall = (
            compared_score.overall_score
            if compared_is_previous
            else rules.overall_score(kind=account.kind, days=days, totals=previous, targets=targets)
        )
        score = rules.score(
            kind=account.kind,
            verified=account.verified,
            days=days,
            totals=empty if sums is None else rules.Totals(*sums),
            targets=targets,
            previous_overall=previous_overall,
        )
        yield AccountScores(
            account=account,
            score=score,
            compared=compared_score,
            practice=no_practice.get(account_id),
        )


def with_practice(
    lines: list[AccountScores], period: ReportPeriod, *, compared: bool
) -> list[AccountScores]:
    accounts = [line.account for line in lines]
    periods = [(period.start, period.end)]
    if compared:
        periods.append(period.comparison)
    current, *rest = (shares(p) for p in periods_progress(accounts=accounts, periods=periods))
    before: dict[int, Decimal | None] = rest[0] if rest else {}
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


def mean(values: object) -> Decimal | None:
    present = [value for value in values if value is not None]  # type: ignore[attr-defined]
    if not present:
        return None
    return rules.round_score(sum(present, Decimal(0)) / len(present))

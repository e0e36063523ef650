"""The practice score and the practice history of an account, each read alone, as
analytics.review.practice gave them before the scorecard page read both at once: the
reference that practice_of_account() must equal (test_scorecard_practice.py). Nothing in
the product imports it."""

from __future__ import annotations

from decimal import Decimal

from accounts.models import Account
from analytics.review.practice import HISTORY_WEEKS, PracticeOutcome, _outcome, history_weeks
from analytics.scorecards.windows import Window
from strategy.selectors import practice_scores, weekly_progress


def practice_score(*, account: Account, window: Window) -> Decimal | None:
    """One account's practice score over the weeks the window touches, from the aggregate
    of the stored weekly figures that the reports read."""
    scores = practice_scores(accounts=[account], start=window.start, end=window.end)
    return scores[account.pk]


def practice_outcome(*, account: Account, weeks: int = HISTORY_WEEKS) -> PracticeOutcome:
    """The last `weeks` weeks of checklist completion beside the account's main outcome,
    the weeks' checklists read alone."""
    mondays = history_weeks(weeks)
    progress = weekly_progress(account=account, weeks=mondays)
    completion = [(week, progress[week].share if week in progress else None) for week in mondays]
    return _outcome(account, completion)

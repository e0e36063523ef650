"""Keeping the checklists' practice figures current when the data evidence reads changes.

Strategy's evidence rules (analytics/evidence.py) tick items from the daily metrics and
the videos, and strategy stores each week's practice figures (strategy.models.WeekPractice).
Whatever writes those rows tells strategy which accounts and days changed, here, in the
writer's transaction: strategy never imports analytics, so it cannot notice by itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from lib.dates import monday_of
from strategy.periods import weeks_overlapping
from strategy.practice_figures import practice_refresh


def evidence_days_changed(*, account_ids: Iterable[int], start: date, end: date) -> int:
    """Daily metrics or campaign days of these accounts changed between start and end:
    the figures of the weeks those days fall in are computed again. Returns how many."""
    return practice_refresh(accounts=account_ids, weeks=weeks_overlapping(start, end))


def evidence_videos_changed(*, posted: Iterable[tuple[int, date | None]]) -> int:
    """Videos were written or marked: (account id, posted on) of each. A video counts in
    the week of its `posted_on` (analytics/evidence.py); one without a date counts nowhere."""
    pairs = {(account_id, monday_of(day)) for account_id, day in posted if day is not None}
    if not pairs:
        return 0
    return practice_refresh(pairs=pairs)

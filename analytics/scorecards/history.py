"""Weekly history: the scorecards of every week's end (Sunday) over a range of days.

Computed from running sums over the days, each daily row read once, and scored and
stored exactly as analytics.scorecards.compute does for one window (the same row
builder and upsert), so a history scorecard equals a recompute of its window.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate, chain
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account
from analytics.scorecards import rules
from analytics.scorecards.compute import (
    _TARGET_NAMES,
    ComputeResult,
    _scorecard_row,
    _ScoredAccount,
    _upsert,
    check_end,
)
from analytics.scorecards.totals import daily_rows, followers_before
from lib.dates import yesterday
from lib.pg import copy_line

_ZERO_MONEY = Decimal("0.00")

HISTORY_WINDOWS = (7, 28, 90)
# Accounts read and scored per batch: their scorecards are written before the next batch,
# so memory stays bounded (a year of weekly history is 156 scorecards per account).
HISTORY_BATCH = 300
_SUNDAY = 6


def week_ends(first: date, last: date) -> list[date]:
    """Every Sunday from `first` to `last`, both inclusive."""
    sunday = first + timedelta(days=(_SUNDAY - first.weekday()) % 7)
    ends = []
    while sunday <= last:
        ends.append(sunday)
        sunday += timedelta(days=7)
    return ends


def scorecards_history(
    *,
    accounts: QuerySet[Account] | Sequence[Account],
    first: date,
    last: date,
    windows: Sequence[int] = HISTORY_WINDOWS,
) -> ComputeResult:
    """Computes and stores the scorecards of every Sunday from `first` to `last`, for each
    window length, of `accounts`.

    Each daily row is read once (one streamed query per batch of accounts, plus one for
    the follower values before the rows read): the window sums are differences of running
    sums over the days, so a year of weekly scorecards costs one pass over the year's rows
    and the rules' own scoring (`rules.score_values`, as `scorecards_compute`), never one
    query per window. The result counts every scorecard stored; `start` and `end` are the
    first and last Sundays.
    """
    ends = week_ends(first, min(last, yesterday()))
    result = ComputeResult(start=first, end=last, days=max(windows, default=0))
    if not ends or not windows:
        return result
    result.start, result.end = ends[0], ends[-1]
    for days in windows:
        rules.check_days(days)
        check_end(ends[0] - timedelta(days=2 * days))
    if isinstance(accounts, QuerySet):
        scored = [
            _ScoredAccount(*values) for values in accounts.values_list(*_ScoredAccount.FIELDS)
        ]
    else:
        scored = [_ScoredAccount.of(account) for account in accounts]
    # The first day any window or its previous window reads.
    read_from = ends[0] - timedelta(days=2 * max(windows) - 1)
    for at in range(0, len(scored), HISTORY_BATCH):
        batch = scored[at : at + HISTORY_BATCH]
        rows = _history_rows(batch, read_from, ends, windows, result)
        result.computed += _upsert(rows)
    return result


def _history_rows(
    batch: list[_ScoredAccount],
    read_from: date,
    ends: list[date],
    windows: Sequence[int],
    result: ComputeResult,
) -> list[Any]:
    by_id = {account.pk: account for account in batch}
    before = followers_before(account_ids=list(by_id), day=read_from)
    length = (ends[-1] - read_from).days + 1
    as_line = copy_line if connection.vendor == "postgresql" else tuple
    computed_at = timezone.now()
    targets: dict[tuple[Decimal, ...], rules.Targets] = {}
    out: list[Any] = []
    rows_of = daily_rows(account_ids=list(by_id), start=read_from, end=ends[-1])
    seen: set[int] = set()
    # Accounts without a row in the range come last, with no days (the chain reads `seen`
    # only once the rows are exhausted).
    unseen = ((account_id, []) for account_id in by_id if account_id not in seen)
    for account_id, days_rows in chain(_grouped(rows_of), unseen):
        seen.add(account_id)
        _score_history(
            by_id[account_id],
            days_rows,
            before.get(account_id),
            read_from,
            length,
            ends,
            windows,
            targets,
            computed_at,
            as_line,
            out,
            result,
        )
    return out


def _grouped(rows: Any) -> Any:
    """(account_id, [row, ...]) from rows ordered by account id."""
    current, group = None, []
    for row in rows:
        if row[0] != current:
            if group:
                yield current, group
            current, group = row[0], []
        group.append(row)
    if group:
        yield current, group


def _score_history(
    account: _ScoredAccount,
    rows: list[tuple],
    base_before: int | None,
    read_from: date,
    length: int,
    ends: list[date],
    windows: Sequence[int],
    targets: dict[tuple[Decimal, ...], rules.Targets],
    computed_at: datetime,
    as_line: Any,
    out: list[Any],
    result: ComputeResult,
) -> None:
    # Running sums over the days: index i holds the sum of the days before day i, so the
    # sum over days s..e is at[e + 1] - at[s]. Seven counts, then spend and revenue.
    counts = [[0] * length for _ in range(7)]
    money = [[_ZERO_MONEY] * length for _ in range(2)]
    # The latest follower value on or before each day (and its day), and the earliest on
    # or after it: F_end and F_base of docs/scoring.md for any window.
    followers: list[int | None] = [None] * length
    for (
        _,
        day,
        views,
        interactions,
        impressions,
        clicks,
        conversions,
        spend,
        revenue,
        count,
    ) in rows:
        i = (day - read_from).days
        counts[0][i] = 1
        counts[1][i] = 1 if spend > 0 else 0
        counts[2][i] = views
        counts[3][i] = interactions
        counts[4][i] = impressions
        counts[5][i] = clicks
        counts[6][i] = conversions
        money[0][i] = spend
        money[1][i] = revenue
        followers[i] = count
    running = [list(accumulate(column, initial=0)) for column in counts]
    running += [list(accumulate(column, initial=_ZERO_MONEY)) for column in money]
    latest: list[int] = [-1] * length
    mark = -1
    for i in range(length):
        if followers[i] is not None:
            mark = i
        latest[i] = mark
    earliest: list[int] = [length] * length
    mark = length
    for i in range(length - 1, -1, -1):
        if followers[i] is not None:
            mark = i
        earliest[i] = mark

    def sums(first_day: int, last_day: int) -> tuple:
        end_at = latest[last_day]
        followers_end = followers[end_at] if end_at >= first_day else None
        before_at = latest[first_day - 1] if first_day > 0 else -1
        if before_at >= 0:
            base = followers[before_at]
        elif base_before is not None:
            base = base_before
        else:
            first_at = earliest[first_day]
            base = followers[first_at] if first_at <= last_day else None
        return (
            *(column[last_day + 1] - column[first_day] for column in running),
            followers_end,
            base,
        )

    account_targets = targets.get(account.targets)
    if account_targets is None:
        account_targets = rules.Targets(**dict(zip(_TARGET_NAMES, account.targets, strict=True)))
        targets[account.targets] = account_targets
    for days in windows:
        for end in ends:
            last_day = (end - read_from).days
            first_day = last_day - days + 1
            try:
                row = _scorecard_row(
                    account=account,
                    targets=account_targets,
                    start=end - timedelta(days=days - 1),
                    end=end,
                    days=days,
                    sums=sums(first_day, last_day),
                    previous_sums=sums(first_day - days, first_day - 1),
                    computed_at=computed_at,
                )
            except Exception as exc:
                result.not_computed(account, exc, days=days)
                continue
            out.append(as_line(row))

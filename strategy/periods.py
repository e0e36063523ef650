"""Weeks and periods of checklists: pure functions of dates, no ORM.

A checklist covers one ISO week, Monday to Sunday, named like 2026-W47. Each item has a
cadence that decides which period a tick counts for:

- weekly: the tick counts for the week it was made in;
- monthly: the item shows in the checklist of every week, but a tick counts for the whole
  calendar month of the week's Monday (the week of Monday 30 March belongs to March, even
  though its Sunday is in April), so every week of that month shows it ticked, also the
  weeks before the tick;
- once: a tick counts from the week it was made in onwards; earlier weeks stay unticked.

A tick is stored once per account, item and period (`period_key`), so the database can
enforce that there is never more than one row for it.
"""

from __future__ import annotations

from datetime import date, timedelta

from lib.dates import monday_of

# Reading a week's name ('2026-W47' -> its Monday) is lib.dates.week_start_of.


def week_label(week_start: date) -> str:
    year, week, _ = week_start.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_back(last_week: date, count: int) -> list[date]:
    """The Mondays of `count` weeks ending with `last_week`, oldest first."""
    return [last_week - timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def weeks_overlapping(start: date, end: date) -> list[date]:
    """The Mondays of every week that shares at least one day with [start, end]."""
    weeks = []
    week = monday_of(start)
    while week <= end:
        weeks.append(week)
        week += timedelta(weeks=1)
    return weeks


def period_key(cadence: str, week_start: date, active_from: date) -> date:
    """The date a tick made in `week_start` is stored under (see the module's docstring)."""
    if cadence == "monthly":
        return week_start.replace(day=1)
    if cadence == "once":
        return active_from
    return week_start


def counts_in_week(cadence: str, week_start: date, period_start: date, ticked_in: date) -> bool:
    """Whether a tick stored under `period_start`, made in week `ticked_in`, shows in a week."""
    if cadence == "once":
        return ticked_in <= week_start
    return period_start == period_key(cadence, week_start, week_start)

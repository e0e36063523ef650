"""Dates the whole project shares: today, yesterday and this week in the project's zone,
the range of dates a URL or a form may name, and ISO weeks that exist.

Days far in the past or future are never meaningful here, and near the ends of Python's
calendar (year 1, year 9999) date arithmetic overflows, so every date that comes from a
request is checked against this range before anything computes with it.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

# The first day a period may end on, and the first ISO week a checklist may name.
EARLIEST_END = date(2000, 1, 1)
EARLIEST_WEEK = date(2000, 1, 3)  # The Monday of 2000-W01.

ISO_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


def today() -> date:
    """Today in the project's time zone (settings.TIME_ZONE)."""
    return timezone.localdate()


def yesterday() -> date:
    """The default end of a window: yesterday in the project's time zone."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return today - timedelta(days=1)


def monday_of(day: date) -> date:
    """The Monday of the ISO week `day` falls in."""
    return day - timedelta(days=day.weekday())


def this_week() -> date:
    """The Monday of the current week (in the active time zone)."""
    return monday_of(timezone.localdate())


class IsoDateConverter:
    """A day in a URL as 2025-03-28."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)

    def to_url(self, value: date | str) -> str:
        return value if isinstance(value, str) else value.isoformat()


def latest_end(on: date | None = None) -> date:
    """The last day a period may end on: a year after today (28 February for 29 February)."""
    on = on or today()
    try:
        return on.replace(year=on.year + 1)
    except ValueError:
        return on.replace(year=on.year + 1, day=28)


def end_error(value: date, on: date | None = None) -> str:
    """Why `value` cannot end a period, or '' when it can."""
    last = latest_end(on)
    if EARLIEST_END <= value <= last:
        return ""
    return (
        f"{value.isoformat()} is out of range: choose a date between "
        f"{EARLIEST_END.isoformat()} and {last.isoformat()}."
    )


def validate_end(value: date) -> None:
    """A form field validator for the last day of a period."""
    message = end_error(value)
    if message:
        raise ValidationError(message, code="out_of_range")


def week_start_of(value: str) -> date | None:
    """'2026-W47' -> the Monday of that ISO week; None when the text names no existing week."""
    match = ISO_WEEK_RE.match((value or "").strip())
    if not match:
        return None
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def week_error(value: str, *, latest: date) -> str:
    """Why `value` names no week a checklist may show (up to the week of `latest`), or ''."""
    week = week_start_of(value)
    if week is None:
        return f"“{value[:20]}” is not an ISO week: write it like 2026-W05."
    if week < EARLIEST_WEEK or week > latest:
        first = EARLIEST_WEEK.isocalendar()
        last = latest.isocalendar()
        return (
            f"{value} is out of range: choose a week between {first.year}-W{first.week:02d} "
            f"and {last.year}-W{last.week:02d}."
        )
    return ""

"""An account's audience: who its followers are, when they are active, who watches.

Everything here reads one account that the caller has already fetched through the
user's scope, in a constant number of queries whatever the number of rows. Means are
kept as exact fractions: best hours are chosen by comparing them exactly, never as
floats, so that an independent check from the same files finds the same hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from babel import Locale, UnknownLocaleError
from django.db.models import (
    OuterRef,
    Subquery,
)
from django.utils.translation import to_locale

from accounts.models import Account
from analytics.models import AudienceShare, FollowerActivity, ViewerDay
from analytics.scorecards.windows import Window

# The heatmap covers the 28 days ending on the latest day with activity data.
ACTIVITY_DAYS = 28
BEST_HOUR_COUNT = 3
# Hours whose mean is at least this share of the best hour's are named beside the best
# three: a flat afternoon reads as one run (docs/imports.md, "Best hours to post").
NEAR_BEST = Fraction(95, 100)
# Shades of the heatmap above "no one active": 1 (lightest) to HEAT_LEVELS (darkest).
HEAT_LEVELS = 5
# TikTok's line for the audience outside the top territories; it is no country.
OTHERS = "Others"
# ISO weekdays, Monday first (1) to Sunday (7).
WEEKDAYS = (
    (1, "Mon", "Monday"),
    (2, "Tue", "Tuesday"),
    (3, "Wed", "Wednesday"),
    (4, "Thu", "Thursday"),
    (5, "Fri", "Friday"),
    (6, "Sat", "Saturday"),
    (7, "Sun", "Sunday"),
)
FALLBACK_LOCALE = "en"


@dataclass(frozen=True)
class Share:
    key: str
    label: str
    share: Decimal


@dataclass(frozen=True)
class Shares:
    """One dimension (gender or territory) as of one download day."""

    date: date
    rows: list[Share]


def mean_of(total: int, rows: int) -> Fraction | None:
    """The exact mean of `rows` rows adding up to `total`; None without rows."""
    return Fraction(total, rows) if rows else None


def round_half_up(mean: Fraction | None) -> int | None:
    """A mean to the nearest whole follower, halves up (means are never negative)."""
    return None if mean is None else int((mean * 2 + 1) // 2)


@dataclass(frozen=True)
class HeatCell:
    weekday: int
    hour: int
    total: int
    rows: int
    max_mean: Fraction

    @property
    def mean(self) -> Fraction | None:
        return mean_of(self.total, self.rows)

    @property
    def rounded(self) -> int | None:
        return round_half_up(self.mean)

    @property
    def level(self) -> int:
        """0 without data or with no one active, else 1..HEAT_LEVELS by share of the
        busiest cell (exact, rounded up so that any activity is shaded)."""
        mean = self.mean
        if not mean or not self.max_mean:
            return 0
        return int(-(-(mean * HEAT_LEVELS) // self.max_mean))


@dataclass(frozen=True)
class HourRow:
    hour: int
    cells: list[HeatCell]
    total: int
    rows: int
    best_rank: int | None  # 1 for the best hour to post, None outside the best three

    @property
    def label(self) -> str:
        return hour_label(self.hour)

    @property
    def mean(self) -> Fraction | None:
        return mean_of(self.total, self.rows)

    @property
    def rounded(self) -> int | None:
        return round_half_up(self.mean)


@dataclass
class Activity:
    """Mean active followers by weekday and hour over the rows of start..end."""

    start: date
    end: date
    hours: list[HourRow]
    best_hours: list[int]
    # Days with at least one row used (a 7-day file gives 7, not the window's 28).
    days_used: int = 0
    # Every hour whose mean is within NEAR_BEST of the best, as runs ("12:00-16:00").
    near_best: list[str] = field(default_factory=list)
    # Hours of the last day not yet happened at the download (first of them), if any.
    not_yet_from: int | None = None
    not_yet_day: date | None = None

    @property
    def best_hour_labels(self) -> list[str]:
        return [hour_label(hour) for hour in self.best_hours]

    @property
    def not_yet_label(self) -> str:
        return "" if self.not_yet_from is None else hour_label(self.not_yet_from)


@dataclass(frozen=True)
class ActivitySource:
    """Who imported the latest FollowerActivity file: the hours are in their clock."""

    by: str
    on: date | None


@dataclass(frozen=True)
class Audience:
    gender: Shares | None
    territories: Shares | None
    activity: Activity | None
    activity_source: ActivitySource | None = None


@dataclass(frozen=True)
class ViewerPoint:
    day: date
    total: int | None
    new: int | None
    returning: int | None
    known: bool  # False: no Viewers row for this day at all


# -- pure rules --


def hour_label(hour: int) -> str:
    return f"{hour:02d}:00"


def best_hours(totals: dict[int, tuple[int, int]], count: int = BEST_HOUR_COUNT) -> list[int]:
    """The `count` hours with the highest mean, best first; ties go to the earlier hour.

    `totals` maps an hour to (sum of active followers, number of rows with that hour);
    the mean is their exact quotient.
    """
    means = [(Fraction(total, rows), hour) for hour, (total, rows) in totals.items() if rows]
    means.sort(key=lambda item: (-item[0], item[1]))
    return [hour for _, hour in means[:count]]


def near_best_runs(totals: dict[int, tuple[int, int]]) -> list[str]:
    """Hours whose mean is within 5% of the best, as runs of consecutive hours.

    `totals` is as for best_hours. A run of one hour is "19:00"; of several,
    "12:00-16:00" (the first and the last hour of the run).
    """
    means = {hour: Fraction(total, rows) for hour, (total, rows) in totals.items() if rows}
    if not means:
        return []
    best = max(means.values())
    near = sorted(hour for hour, mean in means.items() if mean >= best * NEAR_BEST)
    runs: list[list[int]] = []
    for hour in near:
        if runs and hour == runs[-1][1] + 1:
            runs[-1][1] = hour
        else:
            runs.append([hour, hour])
    return [
        hour_label(first) if first == last else f"{hour_label(first)}-{hour_label(last)}"
        for first, last in runs
    ]


def hours_not_yet_happened(last_day: dict[int, int]) -> int | None:
    """The first hour of the last day's run of zeros that lasts to hour 23, else None.

    TikTok writes the hours after the download as 0 (docs/imports.md): a run of zeros on
    the last day reaching 23:00 is hours that had not happened. Zeros elsewhere are real.
    """
    if last_day.get(23) != 0:
        return None
    first = 23
    while first > 0 and last_day.get(first - 1) == 0:
        first -= 1
    return first


def babel_locale(language: str | None) -> Locale:
    """The CLDR locale of a Django language code ('pt-br' -> pt_BR); English if unknown."""
    if language:
        try:
            return Locale.parse(to_locale(language))
        except (UnknownLocaleError, ValueError, TypeError):
            pass
    return Locale.parse(FALLBACK_LOCALE)


def territory_name(code: str, locale: Locale) -> str:
    """The country's name in the locale's language (CLDR); `Others` stays "Others", and a
    code CLDR does not know is shown as it is."""
    if _is_others(code):
        return OTHERS
    return locale.territories.get(code.upper(), code)


def _is_others(key: str) -> bool:
    return key.casefold() == OTHERS.casefold()


# -- reads --


def audience_shares(
    *, account: Account, language: str | None = None
) -> tuple[Shares | None, Shares | None]:
    """Gender and territory shares of the latest download day of each (one query)."""
    latest = (
        AudienceShare.objects.filter(account=account, dimension=OuterRef("dimension"))
        .order_by("-date")
        .values("date")[:1]
    )
    rows = (
        AudienceShare.objects.filter(account=account, date=Subquery(latest))
        # No order: the model's default one joins the account; the lines are sorted below.
        .order_by()
        .values_list("dimension", "date", "key", "share")
    )
    found: dict[str, list[tuple[date, str, Decimal]]] = {}
    for dimension, *line in rows:
        found.setdefault(dimension, []).append(line)

    def shares(dimension: str) -> Shares | None:
        lines = found.get(dimension)
        if not lines:
            return None
        if dimension == AudienceShare.Dimension.TERRITORY:
            # Only territories are named by the locale, and parsing one has a cost.
            locale = babel_locale(language)
            items = [Share(key, territory_name(key, locale), share) for _, key, share in lines]
        else:
            items = [Share(key, key, share) for _, key, share in lines]
        # Largest share first; "Others" last whatever its size, as TikTok lists it.
        items.sort(key=lambda item: (_is_others(item.key), -item.share, item.label))
        return Shares(date=lines[0][0], rows=items)

    return shares(AudienceShare.Dimension.GENDER), shares(AudienceShare.Dimension.TERRITORY)


# The latest rows that can be in a heatmap: at most 24 a day (one per hour, a unique
# constraint), so the newest (ACTIVITY_DAYS + 1) * 24 rows hold every row of the newest
# ACTIVITY_DAYS + 1 days with rows: the window's days and, when the window ends the day
# before the newest (its hours had not happened), that newest day too.
_RECENT_ROWS = (ACTIVITY_DAYS + 1) * 24
# Who imported the account's latest file (FollowerActivityImport), joined to every row.
_IMPORT = "account__follower_activity_import"
_SOURCE_FIELDS = (
    f"{_IMPORT}__id",
    f"{_IMPORT}__as_of",
    f"{_IMPORT}__imported_by__username",
    f"{_IMPORT}__imported_by__first_name",
    f"{_IMPORT}__imported_by__last_name",
)


def follower_activity(*, account: Account) -> Activity | None:
    """The heatmap of the 28 days ending on the account's latest activity day."""
    return activity_with_source(account=account)[0]


def activity_with_source(*, account: Account) -> tuple[Activity | None, ActivitySource | None]:
    """The heatmap of the 28 days ending on the account's latest activity day, and who
    imported its file (as the write API recorded it), from one query of the newest rows.

    The last day's trailing zeros (hours after the download) are left out of every mean
    and of the colour scale; when they are the whole day, the window ends the day before.
    Each cell sums and counts the window's rows of its ISO weekday and hour.
    """
    recent = list(
        FollowerActivity.objects.filter(account=account)
        .order_by("-date", "-hour")
        .values_list("date", "hour", "active_followers", *_SOURCE_FIELDS)[:_RECENT_ROWS]
    )
    if not recent:
        return None, None
    latest = recent[0][0]
    last_day = {hour: active for day, hour, active, *_ in recent if day == latest}
    not_yet = hours_not_yet_happened(last_day)
    anchor = latest
    if not_yet == 0:
        anchor = next((day for day, *_ in recent if day < latest), None)
        if anchor is None:
            return None, None
    start = anchor - timedelta(days=ACTIVITY_DAYS - 1)
    cutoff = 24 if not_yet is None else not_yet
    cells: dict[tuple[int, int], tuple[int, int]] = {}
    first: date | None = None
    end: date | None = None
    for day, hour, active, *_ in recent:
        if day > anchor or (day == latest and hour >= cutoff):
            continue
        if day < start:
            break  # newest first: the rest is older still
        key = (day.isoweekday(), hour)
        total, rows = cells.get(key, (0, 0))
        cells[key] = (total + active, rows + 1)
        first = day
        end = end or day
    if end is None:
        return None, None
    activity = _activity(cells, end=end)
    # The caption names the days actually used: a 7-day file covers 7, not 28.
    activity.start = first or activity.start
    if not_yet is not None and not_yet > 0:
        activity.not_yet_from, activity.not_yet_day = not_yet, latest
    elif not_yet == 0:
        activity.not_yet_from, activity.not_yet_day = 0, latest
    return activity, _source(*recent[0][3:])


def _activity(cells: dict[tuple[int, int], tuple[int, int]], *, end: date) -> Activity:
    by_hour: dict[int, tuple[int, int]] = {}
    for (_, hour), (total, rows) in cells.items():
        hour_total, hour_rows = by_hour.get(hour, (0, 0))
        by_hour[hour] = (hour_total + total, hour_rows + rows)
    best = best_hours(by_hour)
    max_mean = max(Fraction(total, rows) for total, rows in cells.values())
    hours = []
    for hour in range(24):
        total, rows = by_hour.get(hour, (0, 0))
        row_cells = [
            HeatCell(weekday, hour, *cells.get((weekday, hour), (0, 0)), max_mean=max_mean)
            for weekday, _, _ in WEEKDAYS
        ]
        rank = best.index(hour) + 1 if hour in best else None
        hours.append(HourRow(hour, row_cells, total, rows, best_rank=rank))
    # Each day has rows at several hours: the days of a weekday are its busiest hour's rows.
    per_weekday: dict[int, int] = {}
    for (weekday, _), (_, rows) in cells.items():
        per_weekday[weekday] = max(per_weekday.get(weekday, 0), rows)
    return Activity(
        start=end - timedelta(days=ACTIVITY_DAYS - 1),
        end=end,
        hours=hours,
        best_hours=best,
        days_used=sum(per_weekday.values()),
        near_best=near_best_runs(by_hour),
    )


def _source(
    record: int | None, on: date | None, username: str | None, first: str | None, last: str | None
) -> ActivitySource | None:
    """Who imported: the person's full name (else username), or "a command" for none."""
    if record is None:
        return None
    by = (f"{first} {last}".strip() or username) if username is not None else "a command"
    return ActivitySource(by=by, on=on)


def audience_get(*, account: Account, language: str | None = None) -> Audience:
    """Everything the account page's audience panel shows (a few queries)."""
    gender, territories = audience_shares(account=account, language=language)
    activity, source = activity_with_source(account=account)
    return Audience(
        gender=gender,
        territories=territories,
        activity=activity,
        activity_source=source if activity else None,
    )


def viewer_series(*, account: Account, window: Window) -> list[ViewerPoint]:
    """One point per day of the window; a day without a Viewers row has only nulls."""
    # Plain tuples, in no order (the model's default order joins the account for its handle).
    rows = {
        row[0]: row
        for row in ViewerDay.objects.filter(account=account, date__range=(window.start, window.end))
        .order_by()
        .values_list("date", "total_viewers", "new_viewers", "returning_viewers")
    }
    points = []
    for offset in range(window.days):
        day = window.start + timedelta(days=offset)
        row = rows.get(day)
        if row is None:
            points.append(ViewerPoint(day, None, None, None, known=False))
        else:
            points.append(ViewerPoint(day, row[1], row[2], row[3], known=True))
    return points

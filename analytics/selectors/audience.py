"""An account's audience: who its followers are, when they are active, who watches.

Everything here reads one account that the caller has already fetched through the
user's scope, in a constant number of queries whatever the number of rows. Means are
kept as exact fractions: best hours are chosen by comparing them exactly, never as
floats, so that an independent check from the same files finds the same hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from babel import Locale, UnknownLocaleError
from django.db.models import (
    Count,
    DateField,
    ExpressionWrapper,
    Max,
    OuterRef,
    Subquery,
    Sum,
)
from django.utils.translation import to_locale

from accounts.models import Account
from analytics.models import AudienceShare, FollowerActivity, ViewerDay
from analytics.selectors.scorecards import Window

# The heatmap covers the 28 days ending on the latest day with activity data.
ACTIVITY_DAYS = 28
BEST_HOUR_COUNT = 3
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


@dataclass(frozen=True)
class HeatCell:
    weekday: int
    hour: int
    total: int
    rows: int
    max_mean: Fraction

    @property
    def mean(self) -> Fraction | None:
        return Fraction(self.total, self.rows) if self.rows else None

    @property
    def rounded(self) -> int | None:
        """The mean to the nearest whole follower, halves up (means are never negative)."""
        mean = self.mean
        return None if mean is None else int((mean * 2 + 1) // 2)

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
        return Fraction(self.total, self.rows) if self.rows else None

    @property
    def rounded(self) -> int | None:
        mean = self.mean
        return None if mean is None else int((mean * 2 + 1) // 2)


@dataclass(frozen=True)
class Activity:
    """Mean active followers by weekday and hour over the rows of start..end."""

    start: date
    end: date
    hours: list[HourRow]
    best_hours: list[int]

    @property
    def best_hour_labels(self) -> list[str]:
        return [hour_label(hour) for hour in self.best_hours]


@dataclass(frozen=True)
class Audience:
    gender: Shares | None
    territories: Shares | None
    activity: Activity | None


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
    rows = AudienceShare.objects.filter(account=account, date=Subquery(latest)).only(
        "date", "dimension", "key", "share"
    )
    locale = babel_locale(language)
    found: dict[str, list[AudienceShare]] = {}
    for row in rows:
        found.setdefault(row.dimension, []).append(row)

    def shares(dimension: str) -> Shares | None:
        lines = found.get(dimension)
        if not lines:
            return None
        if dimension == AudienceShare.Dimension.TERRITORY:
            items = [Share(row.key, territory_name(row.key, locale), row.share) for row in lines]
        else:
            items = [Share(row.key, row.key, row.share) for row in lines]
        # Largest share first; "Others" last whatever its size, as TikTok lists it.
        items.sort(key=lambda item: (_is_others(item.key), -item.share, item.label))
        return Shares(date=lines[0].date, rows=items)

    return shares(AudienceShare.Dimension.GENDER), shares(AudienceShare.Dimension.TERRITORY)


def follower_activity(*, account: Account) -> Activity | None:
    """The heatmap of the 28 days ending on the account's latest activity day (one query).

    The database sums and counts the window's rows by ISO weekday and hour; the latest
    day is the greatest of the groups' latest days, so it needs no query of its own.
    """
    latest = FollowerActivity.objects.filter(account=account).order_by("-date").values("date")[:1]
    since = ExpressionWrapper(
        Subquery(latest) - timedelta(days=ACTIVITY_DAYS - 1), output_field=DateField()
    )
    groups = (
        FollowerActivity.objects.filter(account=account, date__gte=since)
        .values("date__iso_week_day", "hour")
        .order_by()
        .annotate(total=Sum("active_followers"), rows=Count("pk"), last=Max("date"))
    )
    cells: dict[tuple[int, int], tuple[int, int]] = {}
    end: date | None = None
    for group in groups:
        cells[(group["date__iso_week_day"], group["hour"])] = (group["total"], group["rows"])
        end = group["last"] if end is None else max(end, group["last"])
    if end is None:
        return None
    return _activity(cells, end=end)


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
    return Activity(
        start=end - timedelta(days=ACTIVITY_DAYS - 1), end=end, hours=hours, best_hours=best
    )


def audience_get(*, account: Account, language: str | None = None) -> Audience:
    """Everything the account page's audience panel shows (two queries)."""
    gender, territories = audience_shares(account=account, language=language)
    return Audience(
        gender=gender, territories=territories, activity=follower_activity(account=account)
    )


def viewer_series(*, account: Account, window: Window) -> list[ViewerPoint]:
    """One point per day of the window; a day without a Viewers row has only nulls."""
    rows = {
        row.date: row
        for row in ViewerDay.objects.filter(
            account=account, date__range=(window.start, window.end)
        ).only("date", "total_viewers", "new_viewers", "returning_viewers")
    }
    points = []
    for offset in range(window.days):
        day = window.start + timedelta(days=offset)
        row = rows.get(day)
        if row is None:
            points.append(ViewerPoint(day, None, None, None, known=False))
        else:
            points.append(
                ViewerPoint(
                    day, row.total_viewers, row.new_viewers, row.returning_viewers, known=True
                )
            )
    return points

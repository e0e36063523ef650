"""The period of a report and the period it is compared with: pure functions of dates.

A report covers any whole days from `start` to `end` (both inclusive). It is compared
either with the previous period of the same length (the days just before `start`) or with
the same days a year earlier. A year earlier keeps the period's length, so its figures are
scored by the same rules over as many days: it ends on the same day of the year before
(28 February for a 29 February) and starts `days - 1` days before that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# A report is read in one go and printed: past a year, a page of weeks and days stops
# being readable, and the checklists of every week would be read for every account.
MAX_DAYS = 366
PREVIOUS = "previous"
YEAR = "year"
COMPARE_CHOICES = [
    (PREVIOUS, "the previous period of the same length"),
    (YEAR, "the same period a year earlier"),
]


def year_earlier(day: date) -> date:
    """The same day of the year before (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class ReportPeriod:
    start: date
    end: date
    compare: str = PREVIOUS

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"A period cannot start ({self.start}) after it ends ({self.end}).")
        if self.compare not in (PREVIOUS, YEAR):
            raise ValueError(f"Unknown comparison {self.compare!r}.")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> tuple[date, date]:
        """The period of the same length that ends the day before this one starts."""
        return self.start - timedelta(days=self.days), self.start - timedelta(days=1)

    @property
    def comparison(self) -> tuple[date, date]:
        """The period this one is compared with, as (start, end)."""
        if self.compare == PREVIOUS:
            return self.previous
        end = year_earlier(self.end)
        return end - timedelta(days=self.days - 1), end

    @property
    def comparison_label(self) -> str:
        return "previous period" if self.compare == PREVIOUS else "a year earlier"

    def query(self) -> str:
        """The period as a report URL's query string."""
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}&compare={self.compare}"

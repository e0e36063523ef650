"""The window of days a scorecard covers, shared by every reader of a period's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from analytics import rules

DEFAULT_DAYS = 28


@dataclass(frozen=True)
class Window:
    days: int
    start: date
    end: date

    @property
    def previous(self) -> Window:
        start, end = rules.previous_period(self.end, self.days)
        return Window(days=self.days, start=start, end=end)


def window_of(*, end: date, days: int) -> Window:
    start, end = rules.period(end, days)
    return Window(days=days, start=start, end=end)

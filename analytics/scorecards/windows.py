"""The window of days a scorecard covers, shared by every reader of a period's figures:
its default end for an account, and the form of the pages that show one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

from accounts.models import Account
from analytics.models import Scorecard
from analytics.scorecards import rules
from lib.dates import validate_end, yesterday
from lib.forms import PlainDateInput, PlainSelect, StyledFormMixin

DEFAULT_DAYS = 28
WINDOW_DAYS = (7, 28, 90)
WINDOW_CHOICES = [(days, f"{days} days") for days in WINDOW_DAYS]


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


def account_default_end(*, account: Account, days: int) -> date:
    """The end of the account's latest scorecard of `days` days; yesterday when it has none."""
    # The newest row's end rather than an aggregate: the same day, which the ORM builds
    # for less.
    ends = Scorecard.objects.filter(account_id=account.pk, days=days).order_by("-period_end")
    latest = next(iter(ends.values_list("period_end", flat=True)[:1]), None)
    return default_end_after(latest)


def default_end_after(latest: date | None) -> date:
    """The default end of an account's window: the end of its latest scorecard of those
    days (`latest`, None without one), else yesterday."""
    return latest or yesterday()


class WindowForm(StyledFormMixin, forms.Form):
    """The period a page shows: a length in days and the last day."""

    days = forms.TypedChoiceField(
        label="Period",
        # A callable: every form deep-copies its fields, choices and all.
        choices=lambda: WINDOW_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=PlainSelect,
    )
    end = forms.DateField(
        label="Ending on",
        required=False,
        widget=PlainDateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_end],
    )

    def window_values(self) -> tuple[int, Any]:
        """(days, end) from valid input; end is None when the page should choose it."""
        # cleaned_data keeps only the valid fields, so a bad value falls back to the default.
        self.is_valid()
        return self.cleaned_data.get("days") or DEFAULT_DAYS, self.cleaned_data.get("end")

    def window_error(self) -> str:
        """Why the end asked for is not used (the page shows its default period instead)."""
        self.is_valid()
        return " ".join(self.errors.get("end", []))

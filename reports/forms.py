"""The report's period form and the share link form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms

from lib.dates import end_error, latest_end, today, validate_end, yesterday
from lib.forms import StyledFormMixin
from reports.periods import COMPARE_CHOICES, MAX_DAYS, PREVIOUS, ReportPeriod

DEFAULT_DAYS = 28


def default_period() -> ReportPeriod:
    """The last 28 whole days, compared with the 28 days before them."""
    end = yesterday()
    return ReportPeriod(start=end - timedelta(days=DEFAULT_DAYS - 1), end=end)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportPeriodForm(StyledFormMixin, forms.Form):
    """Any period from `start` to `end`, both inclusive, and what it is compared with."""

    FIELDS = ("start", "end", "compare")

    start = forms.DateField(label="From", widget=_date_input(), validators=[validate_end])
    end = forms.DateField(label="To", widget=_date_input(), validators=[validate_end])
    compare = forms.ChoiceField(label="Compared with", choices=COMPARE_CHOICES)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(
                    f"The period starts ({start.isoformat()}) after it ends ({end.isoformat()}): "
                    "choose a start on or before the end.",
                    code="reversed",
                )
            if (end - start).days + 1 > MAX_DAYS:
                raise forms.ValidationError(
                    f"A report covers at most {MAX_DAYS} days; this period has "
                    f"{(end - start).days + 1}.",
                    code="too_long",
                )
        return data

    def asks(self) -> bool:
        """Whether the query names a period at all (?format=pdf alone does not)."""
        return any(name in self.data for name in self.FIELDS)

    def period(self) -> ReportPeriod:
        """The period asked for, or the default one when the query names none or a bad one."""
        if not self.asks() or not self.is_valid():
            return default_period()
        data = self.cleaned_data
        return ReportPeriod(start=data["start"], end=data["end"], compare=data["compare"])

    def period_error(self) -> str:
        """Why the period asked for is not shown ('' when it is, or none was asked for)."""
        if not self.asks() or self.is_valid():
            return ""
        messages = [
            f"{self.fields[name].label if name in self.fields else 'Period'}: {message}"
            for name, errors in self.errors.items()
            for message in errors
        ]
        return " ".join(messages).replace("__all__: ", "")

    @classmethod
    def showing(cls, period: ReportPeriod) -> ReportPeriodForm:
        """An unbound form that shows `period` in its fields."""
        return cls(initial={"start": period.start, "end": period.end, "compare": period.compare})


def period_from_values(*, start: Any, end: Any, compare: str = PREVIOUS) -> ReportPeriod:
    """A period from stored values, checked as the form checks them."""
    form = ReportPeriodForm(data={"start": start, "end": end, "compare": compare})
    if not form.is_valid():
        raise forms.ValidationError(form.errors.as_text())
    return form.period()


class ShareLinkForm(StyledFormMixin, forms.Form):
    """A share link of the report shown, until the end of `expires_on`."""

    start = forms.DateField(widget=forms.HiddenInput, validators=[validate_end])
    end = forms.DateField(widget=forms.HiddenInput, validators=[validate_end])
    compare = forms.ChoiceField(choices=COMPARE_CHOICES, widget=forms.HiddenInput)
    # The account's handle for an account's report; empty for the team's.
    account = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    expires_on = forms.DateField(label="Link works until", widget=_date_input())

    def clean_expires_on(self) -> Any:
        value = self.cleaned_data["expires_on"]
        if value < today():
            raise forms.ValidationError(
                f"{value.isoformat()} has passed: choose today or a later day.", code="past"
            )
        if message := end_error(value):
            raise forms.ValidationError(message, code="out_of_range")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end"):
            period_form = ReportPeriodForm(
                data={"start": data["start"], "end": data["end"], "compare": data.get("compare")}
            )
            if not period_form.is_valid():
                raise forms.ValidationError(period_form.period_error())
        return data

    @classmethod
    def for_period(cls, period: ReportPeriod, handle: str = "") -> ShareLinkForm:
        return cls(
            initial={
                "account": handle,
                "start": period.start,
                "end": period.end,
                "compare": period.compare,
                "expires_on": min(today() + timedelta(days=30), latest_end()),
            }
        )

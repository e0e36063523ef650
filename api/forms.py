from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from django import forms

from accounts.models import Account, Membership
from lib.dates import latest_end, today
from lib.forms import StyledFormMixin


class ApiKeyForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        max_length=100, help_text="Say where the key is used, like “Looker Studio report”."
    )
    accounts = forms.ModelMultipleChoiceField(
        queryset=Account.objects.none(),
        required=False,
        help_text="Leave empty for every account of the team.",
    )
    expires_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional: the key stops working at the start of this day (UTC).",
    )
    hourly_cap = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text="Optional: requests per hour; empty for the team's default.",
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = (
            Account.objects.filter(team=membership.team).active().order_by("handle")
        )

    def clean_expires_on(self) -> datetime | None:
        value = self.cleaned_data.get("expires_on")
        if value is None:
            return None
        if value <= today() or value > latest_end():
            raise forms.ValidationError("Choose a day after today and within a year.")
        return datetime.combine(value, time.min, tzinfo=UTC)

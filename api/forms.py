from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from django import forms

from accounts.models import Account, Membership
from api.selectors import MAX_KEY_HANDLES, key_accounts_of
from lib.dates import latest_end, today
from lib.forms import StyledFormMixin


class ApiKeyForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        max_length=100, help_text="Say where the key is used, like “Looker Studio report”."
    )
    # Handles typed rather than picked from a list: a team of a thousand accounts would
    # make a select of a thousand options, on every visit of the page.
    accounts = forms.CharField(
        required=False,
        max_length=MAX_KEY_HANDLES * 26,
        help_text="The handles the key may read, separated by commas or spaces, like "
        "@acmecoffee, @acme.deals. Leave empty for every account of the team.",
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
        self.team = membership.team

    def clean_accounts(self) -> list[Account]:
        try:
            found, missing = key_accounts_of(team=self.team, text=self.cleaned_data["accounts"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if missing:
            names = ", ".join(f"@{name}" for name in missing[:10])
            more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
            raise forms.ValidationError(f"No such account in {self.team.name}: {names}{more}.")
        return found

    def clean_expires_on(self) -> datetime | None:
        value = self.cleaned_data.get("expires_on")
        if value is None:
            return None
        if value <= today() or value > latest_end():
            raise forms.ValidationError("Choose a day after today and within a year.")
        return datetime.combine(value, time.min, tzinfo=UTC)

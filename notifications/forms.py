from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from notifications.models import Condition, DigestFrequency, Webhook


class ProfileForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        max_length=254,
        help_text="Digests and alerts go here.",
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "email"}),
    )
    digest = forms.ChoiceField(
        label="Weekly digest",
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
    )


class AlertSettingsForm(forms.Form):
    conditions = forms.MultipleChoiceField(
        label="Alert me when",
        choices=Condition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recipients = forms.ModelMultipleChoiceField(
        label="E-mail the alerts to",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Members without an e-mail address get nothing until they add one.",
    )

    def __init__(self, *args: Any, members: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = members
        self.fields["recipients"].label_from_instance = lambda user: (
            f"{user.get_username()} ({user.email or 'no e-mail address'})"
        )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="Webhook URL",
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(
            attrs={"class": "form-control", "placeholder": "https://hooks.slack.com/services/…"}
        ),
    )
    format = forms.ChoiceField(
        label="Format", choices=Webhook.Format.choices, widget=forms.RadioSelect
    )

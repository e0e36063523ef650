from __future__ import annotations

from django import forms

from notifications.models import DigestFrequency


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

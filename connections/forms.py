from __future__ import annotations

from django import forms


class ConnectForm(forms.Form):
    advertiser_id = forms.RegexField(
        regex=r"^\d{1,30}$",
        required=False,
        label="Advertiser id",
        help_text="The Ads Manager advertiser to sync (digits). Leave empty when TikTok "
        "authorizes exactly one.",
        error_messages={"invalid": "An advertiser id is digits only, as Ads Manager shows it."},
    )

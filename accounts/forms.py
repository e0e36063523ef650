from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from accounts.models import (
    DEFAULT_GOAL,
    DEFAULT_TARGETS,
    TARGET_FIELDS,
    Account,
    Goal,
    Kind,
    Membership,
    Role,
    goal_misfit_message,
    normalize_handle,
)
from lib.forms import StyledFormMixin

TARGET_LABELS = {
    "target_engagement_rate": "Engagement rate",
    "target_follower_growth": "Follower growth per 28 days",
    "target_ctr": "Click-through rate (CTR)",
    "target_conversion_rate": "Conversion rate",
    "target_roi": "Return on investment (ROI)",
}


class PercentField(forms.DecimalField):
    """Typed as a percentage (4.5), kept as a fraction (0.045)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 100000)
        super().__init__(**kwargs)
        self.widget.attrs.update({"step": "0.01", "inputmode": "decimal"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            # normalize() drops trailing zeros; format "f" avoids "1E+2" for 100.
            return format((value * 100).normalize(), "f")
        return value

    def to_python(self, value: Any) -> Decimal | None:
        percent = super().to_python(value)
        return None if percent is None else percent / 100

    def validate(self, value: Any) -> None:
        # Range checks apply to what the user typed, the percentage.
        super().validate(None if value is None else value * 100)

    def run_validators(self, value: Any) -> None:
        super().run_validators(None if value is None else value * 100)


def target_initial(kind: str) -> dict[str, Decimal]:
    return dict(DEFAULT_TARGETS.get(kind, DEFAULT_TARGETS[Kind.OFFICIAL]))


class AccountForm(StyledFormMixin, forms.ModelForm):
    target_engagement_rate = PercentField(label=TARGET_LABELS["target_engagement_rate"])
    target_follower_growth = PercentField(label=TARGET_LABELS["target_follower_growth"])
    target_ctr = PercentField(label=TARGET_LABELS["target_ctr"])
    target_conversion_rate = PercentField(label=TARGET_LABELS["target_conversion_rate"])
    target_roi = PercentField(label=TARGET_LABELS["target_roi"])

    class Meta:
        model = Account
        fields = [
            "handle",
            "display_name",
            "kind",
            "verified",
            "primary_goal",
            "goal_note",
            "currency",
            "managers",
            *TARGET_FIELDS,
        ]
        widgets = {
            "managers": forms.CheckboxSelectMultiple,
            "goal_note": forms.Textarea(attrs={"rows": 2}),
            "kind": forms.RadioSelect,
        }
        help_texts = {
            "handle": "The TikTok username, without the @.",
            "currency": "ISO 4217 code of the ad account's money, like USD or EUR.",
            "managers": "Team members who run this account week by week.",
        }

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from accounts.selectors import team_users

        self.fields["managers"].queryset = team_users(membership=membership)
        self.fields["managers"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["handle"].widget.attrs.update({"autocapitalize": "none", "spellcheck": "false"})
        self.fields["kind"].choices = Kind.choices
        self.fields["primary_goal"].required = False
        self.fields["primary_goal"].help_text = (
            "Leave empty for the kind's usual goal: brand image for official, "
            "conversions for marketing."
        )
        self.fields["primary_goal"].choices = [("", "The kind's usual goal"), *Goal.choices]
        self.team = membership.team
        if not self.instance.pk:
            kind = self.initial.get("kind") or Kind.OFFICIAL
            self.initial.setdefault("kind", kind)
            for name, value in target_initial(kind).items():
                self.initial.setdefault(name, value)

    def misfit(self) -> str:
        """The goal-fit warning for the kind and goal as currently chosen in the form."""
        kind = self["kind"].value() or ""
        goal = self["primary_goal"].value() or DEFAULT_GOAL.get(kind, "")
        return goal_misfit_message(kind, goal)

    def clean_handle(self) -> str:
        handle = normalize_handle(self.cleaned_data["handle"])
        clash = Account.objects.filter(team=self.team, handle=handle)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"@{handle} is already an account of this team.")
        return handle

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()

    def _post_clean(self) -> None:
        # The team is not a form field; model validation needs it.
        self.instance.team = self.team
        if not self.cleaned_data.get("primary_goal") and self.cleaned_data.get("kind"):
            self.cleaned_data["primary_goal"] = DEFAULT_GOAL[self.cleaned_data["kind"]]
        super()._post_clean()


class AccountFilterForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds"), *Kind.choices], required=False)
    q = forms.CharField(required=False, label="Search handle", max_length=30)
    # The accounts of one manager (a username), which the members page links to.
    manager = forms.CharField(required=False, max_length=150, widget=forms.HiddenInput)


class InvitationForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MANAGER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class JoinForm(StyledFormMixin, UserCreationForm):
    """A new user's name and password, for someone who follows an invitation link."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username",)

from __future__ import annotations

import functools
from typing import Any

from django import forms

from accounts.models import Kind
from lib.forms import StyledFormMixin
from strategy import evidence
from strategy.models import Cadence, Check, ChecklistItem


class TickForm(forms.Form):
    ticked = forms.BooleanField(required=False)


class NoteForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=Check._meta.get_field("note").max_length,
        error_messages={"max_length": "Keep the note under %(limit_value)d characters."},
    )


class WeekFilterForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds"), *Kind.choices], required=False)
    # The lead's managers (`managers`, read once for both the choice and the select): the
    # chosen manager's id. A ModelChoiceField would ask the database again to validate it.
    manager = forms.TypedChoiceField(
        choices=[("", "All managers")], coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, managers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if managers is not None:

            @functools.cache
            def choices() -> list[tuple[Any, str]]:
                return [
                    ("", "All managers"),
                    *((u.pk, u.get_full_name() or u.username) for u in managers),
                ]

            self.fields["manager"].choices = choices


class HistoryForm(forms.Form):
    weeks = forms.TypedChoiceField(
        choices=[(4, "4 weeks"), (12, "12 weeks"), (26, "26 weeks")],
        coerce=int,
        required=False,
        empty_value=12,
    )


def rule_choices() -> list[tuple[str, str]]:
    return [
        ("", "Ticked by hand"),
        *((name, f"From data: {label}") for name, label in evidence.LABELS.items()),
    ]


class ChecklistItemForm(StyledFormMixin, forms.Form):
    """Adds an item; the practice may be an existing one or a new name."""

    practice = forms.CharField(
        max_length=100,
        widget=forms.TextInput(attrs={"list": "practice-names", "autocomplete": "off"}),
        help_text="A practice of this checklist, or a new one.",
    )
    title = forms.CharField(
        max_length=ChecklistItem._meta.get_field("title").max_length,
        help_text="Plain words someone can check off, e.g. “Replied to comments on three days”.",
    )
    help_text = forms.CharField(
        required=False,
        label="Help text",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown under the item: what counts, how to check it.",
    )
    cadence = forms.ChoiceField(
        choices=Cadence.choices,
        initial=Cadence.WEEKLY,
        help_text="Monthly: a tick counts for the whole month. Once: stays ticked afterwards.",
    )
    evidence_rule = forms.ChoiceField(
        label="Ticked",
        choices=rule_choices,
        required=False,
        help_text="An item from data is ticked by the data and cannot be ticked by hand.",
    )


class ChecklistItemEditForm(StyledFormMixin, forms.Form):
    practice = forms.CharField(
        max_length=100,
        widget=forms.TextInput(attrs={"list": "practice-names", "autocomplete": "off"}),
        help_text="A practice of this checklist, or a new one.",
    )
    title = forms.CharField(max_length=ChecklistItem._meta.get_field("title").max_length)
    help_text = forms.CharField(
        required=False, label="Help text", widget=forms.Textarea(attrs={"rows": 2})
    )

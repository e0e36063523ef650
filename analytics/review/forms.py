"""Forms of the analytics pages: the scorecard filters, the review and the recompute."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Kind
from analytics.review.cards_read import DEFAULT_SORT, SORT_COLUMNS
from analytics.scorecards import rules
from analytics.scorecards.windows import WINDOW_CHOICES, WindowForm
from lib.dates import validate_end
from lib.forms import PlainSelect, PlainTextInput

SORT_CHOICES = [(name, name) for name in SORT_COLUMNS] + [
    (f"-{name}", f"-{name}") for name in SORT_COLUMNS
]


# The filters' choices, each given to its field by a callable: every form deep-copies its
# fields, and a list of choices costs that copy a few calls per choice.
KIND_CHOICES = [("", "All kinds"), *Kind.choices]
GRADE_CHOICES = [("", "All grades"), *((grade, grade) for grade in rules.GRADES)]
QUADRANT_CHOICES = [("", "All quadrants"), *rules.QUADRANT_LABELS.items()]
FLAG_CHOICES = [("", "Any or none"), *rules.FLAG_LABELS.items()]


class ScorecardFilterForm(WindowForm):
    kind = forms.ChoiceField(
        label="Kind",
        choices=lambda: KIND_CHOICES,
        required=False,
        widget=PlainSelect,
    )
    grade = forms.ChoiceField(
        label="Grade",
        choices=lambda: GRADE_CHOICES,
        required=False,
        widget=PlainSelect,
    )
    quadrant = forms.ChoiceField(
        label="Quadrant",
        choices=lambda: QUADRANT_CHOICES,
        required=False,
        widget=PlainSelect,
    )
    flag = forms.ChoiceField(
        label="Flag",
        choices=lambda: FLAG_CHOICES,
        required=False,
        widget=PlainSelect,
    )
    q = forms.CharField(label="Search handle", required=False, max_length=30, widget=PlainTextInput)
    sort = forms.ChoiceField(choices=lambda: SORT_CHOICES, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        search = self.fields["q"].widget
        # The widget's own type: an attribute would write a second `type` after "text".
        search.input_type = "search"
        search.attrs.update({"placeholder": "@handle", "autocapitalize": "none"})

    def filters(self) -> dict[str, str]:
        """The valid filters, each '' when not set; invalid values are ignored."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "grade": data.get("grade") or "",
            "quadrant": data.get("quadrant") or "",
            "flag": data.get("flag") or "",
            "search": data.get("q") or "",
            "sort": data.get("sort") or DEFAULT_SORT,
        }


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label="Review comment", required=False, max_length=2000, widget=forms.Textarea
    )
    reviewed = forms.TypedChoiceField(
        choices=[("1", "reviewed"), ("0", "not reviewed")],
        coerce=lambda value: value == "1",
        required=False,
        empty_value=True,
    )


class RecomputeForm(forms.Form):
    days = forms.TypedChoiceField(choices=WINDOW_CHOICES, coerce=int)
    end = forms.DateField(validators=[validate_end])


MAX_BULK_REVIEW = 500


class BulkReviewForm(forms.Form):
    """Several scorecards of one window marked reviewed at once: the handles ticked."""

    days = forms.TypedChoiceField(choices=WINDOW_CHOICES, coerce=int)
    end = forms.DateField(validators=[validate_end])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        handles = [h for h in self.data.getlist("handle") if h.strip()]
        if not handles:
            raise forms.ValidationError("Tick at least one scorecard to mark it reviewed.")
        if len(handles) > MAX_BULK_REVIEW:
            raise forms.ValidationError(
                f"At most {MAX_BULK_REVIEW} scorecards can be marked at once, not {len(handles)}."
            )
        data["handles"] = handles
        return data

    def error_text(self) -> str:
        if "days" in self.errors or "end" in self.errors:
            return "Nothing was marked: the period of the scorecards was missing or invalid."
        return " ".join(self.non_field_errors())

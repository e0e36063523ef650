"""Forms of the Content pages: the table's period and order, a video's mark, the markers."""

from __future__ import annotations

from typing import Any

from django import forms

from analytics.content.videos import DEFAULT_SORT, SORT_CHOICES
from analytics.promotion import MAX_MARKER_LENGTH, MAX_MARKERS, fold
from analytics.scorecards.windows import WindowForm
from lib.forms import PlainHiddenInput, StyledFormMixin

# What a person may say about a video, and what it means for promotional_mark.
MARKS: dict[str, bool | None] = {"promotional": True, "authentic": False, "title": None}
# Far above any real list, but a bound on what one request may make the server fold.
MAX_MARKERS_TEXT = MAX_MARKERS * (MAX_MARKER_LENGTH + 2) * 2


class VideoListForm(WindowForm):
    # Choices given by a callable: each form deep-copies its fields, and a list of 14
    # choices costs that copy some hundred calls (a page builds two of these forms).
    sort = forms.ChoiceField(choices=lambda: SORT_CHOICES, required=False, widget=PlainHiddenInput)

    def sort_value(self) -> str:
        """The chosen order, or the default one for a missing or unknown value."""
        self.is_valid()
        return self.cleaned_data.get("sort") or DEFAULT_SORT


class VideoMarkForm(forms.Form):
    promotional = forms.ChoiceField(
        choices=[
            ("promotional", "Promotional"),
            ("authentic", "Authentic"),
            ("title", "By title"),
        ],
        error_messages={
            "required": "Say whether the video is promotional, authentic or decided by its title.",
            "invalid_choice": "Choose promotional, authentic or by title, not %(value)s.",
        },
    )

    def mark(self) -> bool | None:
        return MARKS[self.cleaned_data["promotional"]]


class PromotionalMarkersForm(StyledFormMixin, forms.Form):
    markers = forms.CharField(
        label="Promotional markers",
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        max_length=MAX_MARKERS_TEXT,
        strip=False,
        help_text=(
            f"One marker a line: a word or phrase (sale, promo code, % off) or a hashtag "
            f"(#ad). At most {MAX_MARKERS} markers of up to {MAX_MARKER_LENGTH} characters. "
            "Case and accents do not matter; markers match whole words, and a word also "
            "matches as a hashtag (sale matches #sale)."
        ),
        error_messages={
            "required": "Enter at least one marker, one a line. To use the usual markers "
            "again, choose Reset to defaults.",
        },
    )

    def clean_markers(self) -> list[str]:
        lines = self.cleaned_data["markers"].splitlines()
        markers: list[str] = []
        errors: list[str] = []
        for number, line in enumerate(lines, start=1):
            text = " ".join(line.split())
            if not text:
                # Blank lines only space the list out; they are not markers.
                continue
            if len(text) > MAX_MARKER_LENGTH:
                errors.append(
                    f"Line {number}: a marker has at most {MAX_MARKER_LENGTH} characters "
                    f"(this one has {len(text)})."
                )
            elif not any(char.isalnum() for char in fold(text)):
                errors.append(f"Line {number}: “{text}” needs at least one letter or digit.")
            else:
                markers.append(text)
        if errors:
            raise forms.ValidationError(errors)
        if not markers:
            raise forms.ValidationError(self.fields["markers"].error_messages["required"])
        distinct = {fold(marker) for marker in markers}
        if len(distinct) > MAX_MARKERS:
            raise forms.ValidationError(
                f"At most {MAX_MARKERS} markers, not {len(distinct)}: remove "
                f"{len(distinct) - MAX_MARKERS}."
            )
        return markers

    @staticmethod
    def text_of(markers: Any) -> str:
        return "\n".join(markers)

"""The upload form of the metrics import."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from imports.services.imports import EARLIEST_AS_OF, as_of_problem
from lib.forms import StyledFormMixin

FORMAT_CHOICES = [
    ("auto", "Detect from the file"),
    ("canonical", "Playbook CSV (date, handle, video_views, …)"),
    ("tiktok-studio", "TikTok Studio download (Overview, FollowerHistory, …)"),
    ("ads-manager", "TikTok Ads Manager report (daily breakdown)"),
]
# More files than a TikTok download ever holds; a zip counts as one.
MAX_FILES = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or several files from one <input type="file" multiple>."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data]
        files = [super(MultipleFileField, self).clean(item, initial) for item in items if item]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


class ImportUploadForm(StyledFormMixin, forms.Form):
    files = MultipleFileField(
        label="Files",
        # clean_files names the empty file, which Django's own message does not.
        allow_empty_file=True,
        help_text=(
            "CSV or XLSX files as TikTok exports them, several at once, or a .zip of them. "
            "Up to {limit} each, unpacked. Text is best saved as CSV UTF-8; UTF-16 "
            "(Excel's Unicode text) and Windows-1252 are read too."
        ),
        widget=MultipleFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx,.zip,text/csv,text/plain"}),
    )
    format = forms.ChoiceField(label="Format", choices=FORMAT_CHOICES, initial="auto")
    as_of = forms.DateField(
        label="Downloaded on",
        help_text=(
            "TikTok Studio dates carry no year: the last row is taken as on or before this day. "
            "Days after it are errors. Follower gender and territories are the audience of "
            "this day."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("as_of", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.max_bytes = settings.METRICS_MAX_UPLOAD_BYTES
        # The browser's date picker offers only the days the form accepts.
        self.fields["as_of"].widget.attrs.update(
            min=EARLIEST_AS_OF.isoformat(), max=timezone.localdate().isoformat()
        )
        field = self.fields["files"]
        field.help_text = field.help_text.format(limit=_megabytes(self.max_bytes).replace(".0", ""))

    def clean_as_of(self) -> date:
        as_of = self.cleaned_data["as_of"]
        problem = as_of_problem(as_of)
        if problem is not None:
            raise forms.ValidationError(f"The download day {problem}.")
        return as_of

    def clean_files(self) -> list[UploadedFile]:
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                f"{len(files)} files: upload at most {MAX_FILES} at once, or a .zip of them."
            )
        too_big = [item for item in files if item.size > self.max_bytes]
        if too_big:
            limit = _megabytes(self.max_bytes)
            raise forms.ValidationError(
                [
                    f"{item.name} is {_megabytes(item.size)}, over the {limit} size limit."
                    for item in too_big
                ]
            )
        total = sum(item.size for item in files)
        if total > self.max_bytes:
            # The files are read into memory and kept until the import is confirmed.
            raise forms.ValidationError(
                f"The files add up to {_megabytes(total)}, over the {_megabytes(self.max_bytes)} "
                "an upload may hold: upload them in parts."
            )
        empty = [item for item in files if item.size == 0]
        if empty:
            raise forms.ValidationError([f"{item.name} is empty." for item in empty])
        return files

    def uploads(self) -> list[tuple[str, bytes]]:
        """The files as (name, content), read once they passed the size check."""
        return [(item.name, item.read()) for item in self.cleaned_data["files"]]

"""lib.forms' widgets write what Django's own widgets write, byte for byte."""

from __future__ import annotations

import datetime

import pytest
from django import forms

from lib.forms import PlainDateInput, PlainHiddenInput, PlainSelect, PlainTextInput

CHOICES = [
    ("", "All kinds"),
    ("official", "Official"),
    ("mark<eting>", 'Marketing & "ads"'),
    ("Grouped", [("a", "A"), ("b", "B <b>")]),
]
ATTRS = [
    None,
    {"class": "form-select is-invalid", "aria-invalid": "true", "id": "id_kind"},
    {"required": True, "disabled": False, "data-x": '"><script>'},
]


@pytest.mark.parametrize("value", [None, "", "official", "mark<eting>", "b", ["a", "b"], "x"])
@pytest.mark.parametrize("attrs", ATTRS)
def test_the_select_is_django_s(value, attrs) -> None:
    ours = PlainSelect(choices=CHOICES).render("kind", value, attrs=attrs)
    theirs = forms.Select(choices=CHOICES).render("kind", value, attrs=attrs)
    assert ours == theirs


@pytest.mark.parametrize(
    ("plain", "django"),
    [
        (PlainTextInput, forms.TextInput),
        (PlainDateInput, forms.DateInput),
        (PlainHiddenInput, forms.HiddenInput),
    ],
)
@pytest.mark.parametrize(
    "value", [None, "", "acme", '"><script>alert(1)</script>', datetime.date(2026, 12, 7)]
)
@pytest.mark.parametrize("attrs", ATTRS)
def test_the_inputs_are_django_s(plain, django, value, attrs) -> None:
    extra = {"type": "search", "maxlength": 30}
    assert plain(attrs=extra).render("q", value, attrs=attrs) == django(attrs=extra).render(
        "q", value, attrs=attrs
    )

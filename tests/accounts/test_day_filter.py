"""The day filter writes exactly what Django's date filter writes, only faster."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.utils.translation import override

from accounts.templatetags.playbook import _DAY_FORMS, day, days_in

# Two years (a leap year among them) and the ends of the calendar a page may name.
DAYS = [date(2024, 1, 1) + timedelta(days=n) for n in range(731)] + [
    date(1, 1, 1),
    date(999, 12, 31),
    date(9999, 12, 31),
]


@pytest.mark.parametrize("form", sorted(_DAY_FORMS))
@pytest.mark.parametrize("language", ["en-us", "de", "fr"])
def test_it_writes_what_the_date_filter_writes(form: str, language: str) -> None:
    with override(language):
        for value in DAYS:
            assert day(value, form) == date_filter(value, form), (value, form)


@pytest.mark.parametrize("form", [*sorted(_DAY_FORMS), "l j F Y"])
@pytest.mark.parametrize("language", ["en-us", "de", "fr"])
def test_days_in_a_form_are_the_days_of_the_filter(form: str, language: str) -> None:
    with override(language):
        write = days_in(form)
        for value in [*DAYS, None, "not a date", datetime(2025, 3, 28, 23, 30, tzinfo=UTC)]:
            assert write(value) == date_filter(value, form), (value, form)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "not a date",
        datetime(2025, 3, 28, 23, 30, tzinfo=UTC),
        datetime(2025, 3, 28, 23, 30),  # noqa: DTZ001 - a naive one, as a template may hold
    ],
)
@pytest.mark.parametrize("form", [*sorted(_DAY_FORMS), "D j M, H:i", "l j F Y"])
def test_it_leaves_anything_else_to_the_date_filter(value: object, form: str) -> None:
    assert day(value, form) == date_filter(value, form)


def test_it_is_a_template_filter_of_every_template() -> None:
    html = Template('{{ d|day:"D j M" }} {{ d|day:"j M Y" }}').render(
        Context({"d": date(2025, 3, 28)})
    )
    assert html == "Fri 28 Mar 28 Mar 2025"

"""lib.html.escape_text writes what Django's conditional_escape writes."""

from __future__ import annotations

from datetime import UTC, date
from decimal import Decimal

import pytest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from lib.html import escape_text

VALUES = [
    "",
    "plain",
    "<script>alert('x')</script>",
    'a "quoted" & <tagged> value\'s',
    "déjà vu ✓ —",
    mark_safe("<b>already safe</b>"),
    SafeString("&amp; kept"),
    gettext_lazy("Grade <A> & 'B'"),
    42,
    Decimal("12.50"),
    date(2025, 3, 28),
    None,
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_it_escapes_as_conditional_escape(value) -> None:
    assert escape_text(value) == str(conditional_escape(value))
    assert type(escape_text(value)) in (str, SafeString)


def test_the_csrf_field_is_what_the_csrf_token_tag_writes() -> None:
    from django.template import Context, Template

    from lib.html import csrf_input

    context = Context({"csrf_token": "a1B2c3&<>"})
    assert csrf_input(context) == Template("{% csrf_token %}").render(context)
    assert csrf_input(context).startswith('<input type="hidden" name="csrfmiddlewaretoken"')
    # No token (the tag writes nothing then too).
    for context in (Context({"csrf_token": "NOTPROVIDED"}), Context({"csrf_token": ""}), Context()):
        assert csrf_input(context) == ""


@pytest.mark.parametrize("fmt", ["Y-m-d", "j M Y", "j M Y, H:i", "D j M, H:i", "c", "F"])
def test_dates_are_written_as_the_date_filter_writes_them(fmt, settings) -> None:
    from datetime import datetime

    from django.template import Context, Template
    from django.utils import translation

    from lib.html import date_text

    settings.TIME_ZONE = "Europe/Berlin"
    moment = datetime(2025, 3, 30, 0, 30, tzinfo=UTC)
    for language in ("en", "de"):
        with translation.override(language):
            # A day has no time to format: only the formats without one are asked of it.
            days = () if "H" in fmt else (date(2025, 3, 28),)
            for value in (moment, *days):
                expected = Template("{{ v|date:f }}").render(Context({"v": value, "f": fmt}))
                assert date_text(value, fmt) == expected

"""lib.html.escape_text writes what Django's conditional_escape writes."""

from __future__ import annotations

from datetime import date
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

"""json_data writes exactly what Django's json_script writes, only faster."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils.html import json_script

from accounts.templatetags.playbook import json_data

HOSTILE = [
    {"handle": "</script><script>alert(1)</script>", "note": "a & b <c> 'd' \"e\""},
    {"day": date(2025, 3, 28), "amount": Decimal("12.50"), "none": None, "é": "ü—✓"},
    "<!-- & -->",
    [1, 2.5, True],
]


@pytest.mark.parametrize("value", HOSTILE)
def test_it_writes_what_json_script_writes(value) -> None:
    assert json_data(value, "chart-data") == json_script(value, "chart-data")


def test_it_never_lets_markup_out_of_the_script_element() -> None:
    html = Template('{{ value|json_data:"x" }}').render(Context({"value": HOSTILE[0]}))
    assert html.count("</script>") == 1
    assert "<script>" not in html.removeprefix('<script id="x" type="application/json">')
    assert "\\u003C/script\\u003E" in html

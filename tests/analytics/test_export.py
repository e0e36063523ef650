"""The scorecard export's protection against spreadsheet formulas."""

from __future__ import annotations

import pytest

from analytics.scorecards.export import spreadsheet_safe


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+x", "'+x"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        # Plain numbers, negative ones included, stay numbers.
        ("-0.5", "-0.5"),
        ("12", "12"),
        ("-12", "-12"),
        ("", ""),
        ("acme.deals", "acme.deals"),
    ],
)
def test_it_neutralises_formulas_and_keeps_numbers(cell: str, written: str) -> None:
    assert spreadsheet_safe(cell) == written

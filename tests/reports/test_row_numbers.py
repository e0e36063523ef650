"""The team report's rows write each score change as Django's `localize` writes it: the
row writer looks the language's number format up once instead of once per number."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.formats import localize

from reports.selectors.rows import RowWriter

CHANGES = [Decimal("4.5"), Decimal("-14.5"), Decimal("1234.5"), Decimal("-0.1"), Decimal("0.0")]


@pytest.mark.parametrize("language", ["en", "de", "fr", "es"])
def test_a_change_is_written_as_localize_writes_it(language) -> None:
    with translation.override(language):
        writer = RowWriter()
        for change in CHANGES:
            written = writer.change(change)
            if change > 0:
                assert written == f"▲ +{localize(change)}"
            elif change < 0:
                assert written == f"▼ {localize(change)}"
            else:
                assert written == "▬ 0.0"
    assert RowWriter().change(None) == "—"

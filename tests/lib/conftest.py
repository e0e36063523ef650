"""Fixtures of the lib tests."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import ScorecardFactory

# The day the page cache tests' scorecards end.
END = date(2025, 3, 28)


@pytest.fixture
def cards(acmecoffee, acme_deals) -> None:
    for account in (acmecoffee, acme_deals):
        ScorecardFactory(account=account, period_end=END)

"""An account's default window end: its latest scorecard's of that length, else yesterday."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.scorecards.windows import account_default_end
from lib.dates import yesterday
from tests.factories import ScorecardFactory

pytestmark = pytest.mark.django_db


def test_it_ends_where_the_latest_scorecard_of_that_length_ends(acmecoffee) -> None:
    for end in (date(2025, 3, 2), date(2025, 3, 30), date(2025, 3, 16)):
        ScorecardFactory(account=acmecoffee, days=28, period_end=end)
    # Other lengths and other accounts end later, and do not count.
    ScorecardFactory(account=acmecoffee, days=7, period_end=date(2025, 4, 6))
    ScorecardFactory(days=28, period_end=date(2025, 5, 4))

    assert account_default_end(account=acmecoffee, days=28) == date(2025, 3, 30)
    assert account_default_end(account=acmecoffee, days=7) == date(2025, 4, 6)


def test_it_ends_yesterday_without_a_scorecard_of_that_length(acmecoffee) -> None:
    ScorecardFactory(account=acmecoffee, days=28, period_end=date(2025, 3, 30))

    assert account_default_end(account=acmecoffee, days=90) == yesterday()

"""The week in question for checklist tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lib.dates import this_week


@pytest.fixture
def week() -> date:
    return this_week()


@pytest.fixture
def last_week(week: date) -> date:
    return week - timedelta(weeks=1)

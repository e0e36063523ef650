"""The heavy pages ask the database the same number of questions at 10 and 1,000 accounts.

The data is what bench/pages.py loads (fewer days of metrics), and the counts are what it
prints: the review page with its sort and filter partials, an account's scorecard, its
checklist and its Content page, each for a team of 10 accounts and one of 1,000.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _bench_pages():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_pages", BENCH / "pages.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


@pytest.fixture
def bench(db: None):
    pages = _bench_pages()
    end = pages.end_day()
    # Enough days for the four stored 28-day scorecards' windows.
    days = pages.WINDOW_DAYS * pages.SCORECARD_PERIODS + 1
    pages.load_team(pages.SMALL_TEAM, pages.SMALL_ACCOUNTS, pages.SMALL_LEAD, days, end)
    pages.load_team(pages.BIG_TEAM, 1000, pages.LEAD, days, end)
    return pages


def test_it_asks_the_same_number_of_queries_at_10_and_1000_accounts(bench) -> None:
    from accounts.models import Account
    from analytics.models import Scorecard, Video
    from strategy.models import Check

    big = Account.objects.filter(team__slug=bench.BIG_TEAM)
    assert big.count() == 1000
    # The data is really there: scorecards, videos and ticked checklists for every account.
    assert Scorecard.objects.filter(account__in=big, period_end=bench.end_day()).count() == 1000
    assert Video.objects.filter(account__in=big).count() == 1000 * bench.VIDEOS_PER_ACCOUNT
    assert Check.objects.filter(account__in=big, ticked=True).exists()

    counts = bench.query_counts()

    assert set(counts) == set(bench.PAGES)
    for page, (small, large) in counts.items():
        assert small == large, f"{page}: {small} queries at 10 accounts, {large} at 1,000"
        # A page that asked nothing would prove nothing.
        assert small > 3, page

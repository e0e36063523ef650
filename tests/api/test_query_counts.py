"""Each list endpoint of the API asks the same number of queries at 10 and 1,000 accounts.

The data is bench/pages_data.py's (fewer days), and the counts are what bench/api.py prints.
"""

from __future__ import annotations

import pytest

from tests.bench_scripts import bench_module


@pytest.mark.django_db
def test_it_asks_the_same_number_of_queries_at_10_and_1000_accounts() -> None:
    from accounts.models import Account

    bench, data = bench_module("api"), bench_module("pages_data")
    days = data.WINDOW_DAYS * data.SCORECARD_PERIODS + 1
    data.load_team(data.SMALL_TEAM, data.SMALL_ACCOUNTS, data.SMALL_LEAD, days, data.end_day())
    data.load_team(data.BIG_TEAM, 1000, data.LEAD, days, data.end_day())
    assert Account.objects.filter(team__slug=data.BIG_TEAM).count() == 1000

    counts = bench.query_counts()

    assert set(counts) == set(bench.ENDPOINTS)
    for name, (small, large) in counts.items():
        assert small == large, f"{name}: {small} queries at 10 accounts, {large} at 1,000"
        assert small >= 2, name

"""The daily-figures rule with numbers alone (imports.md, "Daily figures from API snapshots")."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from connections.daily import Totals, VideoDays, derive_organic, plan_day

D = date(2025, 3, 11)


def totals(views: int, likes: int = 0, comments: int = 0, shares: int = 0) -> Totals:
    return Totals(views, likes, comments, shares)


def test_it_sums_differences_and_new_videos_posted_on_d_or_the_day_before() -> None:
    videos = {
        "both days": VideoDays(
            totals(150, 9, 3, 1), totals(100, 4, 4, 1), True, D - timedelta(days=9)
        ),
        "new today": VideoDays(totals(20, 2, 1, 0), None, False, D),
        "new, posted yesterday": VideoDays(totals(7, 1, 0, 1), None, False, D - timedelta(days=1)),
        "new, posted before": VideoDays(totals(999, 99, 9, 9), None, False, D - timedelta(days=2)),
        "gap: seen earlier, not yesterday": VideoDays(
            totals(50), None, True, D - timedelta(days=1)
        ),
        "gone today": VideoDays(None, totals(80, 8), True, D - timedelta(days=5)),
    }
    assert derive_organic(D, videos) == {
        "video_views": 50 + 20 + 7,
        "likes": 5 + 2 + 1,
        "comments": -1 + 1,
        "shares": 0 + 0 + 1,
    }


def test_it_plans_the_baseline_and_followers_only_without_the_day_before() -> None:
    # Studio's days (once a case here) are the write API's rule now:
    # tests/analytics/test_writes.py asserts them through analytics.writes.
    organic = {"video_views": 5, "likes": 1, "comments": 0, "shares": 0}
    common = {"followers": 10, "organic": organic}
    baseline = plan_day(first_snapshot=True, has_previous=False, **common)
    assert (baseline.organic, baseline.followers) == (None, None)
    gap = plan_day(first_snapshot=False, has_previous=False, **common)
    assert (gap.organic, gap.followers) == (None, 10)
    normal = plan_day(first_snapshot=False, has_previous=True, **common)
    assert (normal.organic, normal.followers) == (organic, 10)


counts = st.integers(min_value=0, max_value=10**9)


@given(st.lists(st.tuples(counts, counts), min_size=1, max_size=20))
def test_it_is_the_change_of_the_summed_totals_when_every_video_has_both_days(pairs) -> None:
    videos = {
        str(i): VideoDays(totals(now), totals(before), True, D - timedelta(days=30))
        for i, (now, before) in enumerate(pairs)
    }
    assert derive_organic(D, videos)["video_views"] == sum(n for n, _ in pairs) - sum(
        b for _, b in pairs
    )

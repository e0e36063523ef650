"""lib.pg.copy_upsert against the real PostgreSQL: staged by COPY, merged by ON CONFLICT."""

from __future__ import annotations

from datetime import date

from analytics.models import DailyMetric
from lib.pg import copy_line, copy_upsert

TABLE = DailyMetric._meta.db_table
COLUMNS = ("account_id", "date", "video_views", "followers")
UPSERT = f"""
    INSERT INTO {TABLE} AS m (account_id, date, video_views, followers, profile_views, likes,
        comments, shares, spend, impressions, clicks, conversions, revenue, updated_at)
    SELECT t.account_id, t.date, t.video_views, t.followers, 0, 0, 0, 0, 0, 0, 0, 0, 0, now()
    FROM stage_test t
    ON CONFLICT (account_id, date) DO UPDATE SET video_views = EXCLUDED.video_views,
        followers = EXCLUDED.followers
    RETURNING m.date, (xmax = 0)
"""  # noqa: S608 - constants of this test


def upsert(rows, **kwargs):
    return copy_upsert(
        stage="stage_test", like=TABLE, columns=COLUMNS, rows=rows, upsert=UPSERT, **kwargs
    )


def test_it_inserts_then_updates_and_returns_what_the_insert_returns(acmecoffee) -> None:
    day1, day2 = date(2025, 3, 1), date(2025, 3, 2)
    staged, written = upsert(iter([(acmecoffee.pk, day1, 10, None), (acmecoffee.pk, day2, 5, 7)]))
    assert staged == 2
    assert sorted(written) == [(day1, True), (day2, True)]
    # The staging table is gone, so a second call in the same transaction works.
    staged, written = upsert([(acmecoffee.pk, day1, 11, 3)])
    assert (staged, written) == (1, [(day1, False)])
    assert dict(DailyMetric.objects.values_list("date", "video_views")) == {day1: 11, day2: 5}
    assert DailyMetric.objects.get(date=day1).followers == 3
    assert DailyMetric.objects.get(date=day2).followers == 7


def test_it_sends_rows_as_text_lines_with_nulls(acmecoffee) -> None:
    rows = [(acmecoffee.pk, date(2025, 3, d), d, None) for d in range(1, 29)]
    staged, written = upsert(rows, as_text=True)
    assert staged == 28 and len(written) == 28
    assert DailyMetric.objects.filter(followers__isnull=True).count() == 28
    assert sum(DailyMetric.objects.values_list("video_views", flat=True)) == sum(range(1, 29))


def test_it_stages_but_writes_nothing_when_told_not_to_proceed(acmecoffee) -> None:
    asked = []

    def proceed() -> bool:
        asked.append(True)
        return False

    staged, written = upsert([(acmecoffee.pk, date(2025, 3, 1), 1, 1)], proceed=proceed)
    assert (staged, written, asked) == (1, [], [True])
    assert not DailyMetric.objects.exists()


def test_it_writes_copys_text_format() -> None:
    assert copy_line((1, date(2025, 3, 1), None, "a_b")) == "1\t2025-03-01\t\\N\ta_b\n"

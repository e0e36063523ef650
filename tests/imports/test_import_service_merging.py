"""The import service: merging a file with the rows already there."""

from __future__ import annotations

from datetime import date

from django.db import connection

from analytics.models import METRIC_FIELDS, DailyMetric
from imports.services import imports
from tests.imports.import_service_files import day, read, run, snapshot

# ---------------------------------------------------------------------------
# Merging with what is there


def test_it_changes_nothing_when_the_same_file_comes_twice(acme, alice, official, deals):
    run(acme, [("canonical.csv", read("canonical.csv"))], user=alice)
    before = snapshot()

    result = run(acme, [("canonical.csv", read("canonical.csv"))], user=alice)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 6)
    assert result.message == imports.NOTHING_CHANGED
    assert result.scorecard_run is None
    # updated_at is part of the checksum: no row was even rewritten.
    assert snapshot() == before


def test_it_keeps_a_known_field_where_the_new_cell_is_empty(acme, official):
    DailyMetric.objects.create(
        account=official, date=date(2024, 10, 1), video_views=500, likes=40, followers=900
    )
    file = b"date,video_views,likes,followers,spend\n2024-10-01,600,,,\n2024-10-02,700,,,\n"

    result = run(acme, [("days.csv", file)], account=official)

    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    kept = day("acmeofficial", "2024-10-01")
    assert (kept.video_views, kept.likes, kept.followers, kept.spend) == (600, 40, 900, 0)
    new = day("acmeofficial", "2024-10-02")
    assert (new.video_views, new.likes, new.followers) == (700, 0, None)


def test_it_replaces_a_day_rather_than_adding_to_it(acme, official):
    DailyMetric.objects.create(account=official, date=date(2024, 10, 1), likes=40, shares=3)

    run(acme, [("days.csv", b"date,likes\n2024-10-01,45\n")], account=official)

    assert (day("acmeofficial", "2024-10-01").likes, day("acmeofficial", "2024-10-01").shares) == (
        45,
        3,
    )


def test_it_counts_rows_whose_figures_are_already_there_as_unchanged(acme, official):
    DailyMetric.objects.create(account=official, date=date(2024, 10, 1), likes=40)

    result = run(acme, [("days.csv", b"date,likes,shares\n2024-10-01,40,\n")], account=official)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_it_writes_the_same_rows_through_copy_and_through_the_orm(acme, official, deals):
    # The suite runs on PostgreSQL, so both paths are really taken.
    assert connection.vendor == "postgresql"
    steps = [
        [("canonical.csv", read("canonical.csv"))],
        [
            (
                "more.csv",
                b"date,handle,likes,followers,spend\n2024-10-01,acmeofficial,900,,\n"
                b"2024-10-04,acme.deals,5,,1.50\n2024-10-02,acmeofficial,701,15240,\n",
            )
        ],
        [("canonical.csv", read("canonical.csv"))],
    ]

    def replay(fast: bool) -> tuple[list, list]:
        DailyMetric.objects.all().delete()
        counts = []
        for files in steps:
            result = run(acme, files, fast=fast)
            assert result.ok, result.errors
            counts.append((result.created, result.updated, result.unchanged))
        rows = list(
            DailyMetric.objects.order_by("account_id", "date").values_list(
                "account_id", "date", *METRIC_FIELDS
            )
        )
        return counts, rows

    assert replay(fast=True) == replay(fast=False)
    counts, rows = replay(fast=False)
    assert counts == [(6, 0, 0), (1, 1, 1), (0, 1, 5)]
    assert len(rows) == 7

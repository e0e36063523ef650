from __future__ import annotations

from datetime import date

import pytest

from lib.dates import week_start_of
from strategy.periods import (
    counts_in_week,
    monday_of,
    period_key,
    week_label,
    weeks_back,
    weeks_overlapping,
)


def test_it_names_iso_weeks_and_reads_them_back() -> None:
    assert week_label(date(2026, 11, 16)) == "2026-W47"
    assert week_start_of("2026-W47") == date(2026, 11, 16)
    # ISO week 1 of 2026 starts on Monday 29 December 2025.
    assert week_start_of("2026-W01") == date(2025, 12, 29)
    assert week_label(date(2025, 12, 29)) == "2026-W01"


@pytest.mark.parametrize("value", ["", "2026-47", "2026-W54", "2026-W00", "W47", "2026-w47x"])
def test_it_rejects_what_is_not_a_week(value: str) -> None:
    assert week_start_of(value) is None


def test_it_finds_the_monday_of_any_day() -> None:
    assert monday_of(date(2026, 11, 22)) == date(2026, 11, 16)  # a Sunday
    assert monday_of(date(2026, 11, 16)) == date(2026, 11, 16)


def test_it_lists_weeks_oldest_first() -> None:
    assert weeks_back(date(2026, 11, 16), 3) == [
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
    ]
    assert weeks_overlapping(date(2026, 11, 1), date(2026, 11, 10)) == [
        date(2026, 10, 26),
        date(2026, 11, 2),
        date(2026, 11, 9),
    ]


def test_it_keys_ticks_by_the_cadence_of_the_item() -> None:
    week = date(2026, 11, 16)
    assert period_key("weekly", week, date(2000, 1, 3)) == week
    assert period_key("monthly", week, date(2000, 1, 3)) == date(2026, 11, 1)
    assert period_key("once", week, date(2026, 10, 5)) == date(2026, 10, 5)


def test_it_gives_a_week_to_the_month_of_its_monday() -> None:
    # Monday 30 March 2026 to Sunday 5 April: a March week.
    assert period_key("monthly", date(2026, 3, 30), date(2000, 1, 3)) == date(2026, 3, 1)
    assert counts_in_week("monthly", date(2026, 3, 2), date(2026, 3, 1), date(2026, 3, 30))
    assert not counts_in_week("monthly", date(2026, 4, 6), date(2026, 3, 1), date(2026, 3, 30))


def test_it_keeps_a_one_off_tick_from_its_week_on() -> None:
    ticked_in = date(2026, 11, 9)
    assert counts_in_week("once", date(2026, 11, 9), date(2026, 1, 5), ticked_in)
    assert counts_in_week("once", date(2026, 12, 7), date(2026, 1, 5), ticked_in)
    assert not counts_in_week("once", date(2026, 11, 2), date(2026, 1, 5), ticked_in)


def test_it_counts_a_weekly_tick_in_its_week_only() -> None:
    assert counts_in_week("weekly", date(2026, 11, 9), date(2026, 11, 9), date(2026, 11, 9))
    assert not counts_in_week("weekly", date(2026, 11, 16), date(2026, 11, 9), date(2026, 11, 9))

"""Audience rules of docs/imports.md: hours not yet happened, days used, near-best hours."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from analytics.content.audience import (
    follower_activity,
    hours_not_yet_happened,
    near_best_runs,
)
from analytics.models import FollowerActivity
from imports.services.imports import import_apply, import_preview
from tests.imports.studio_files import ACTIVITY, studio_csv

pytestmark = pytest.mark.django_db

DOWNLOADED = date(2026, 2, 27)
# Seven days ending on the download day; the download was made at 14:xx, so the last
# day's hours from 14:00 on are written as 0.
DAYS = [DOWNLOADED - timedelta(days=back) for back in range(6, -1, -1)]


def active(day: date, hour: int) -> int:
    if day == DOWNLOADED and hour >= 14:
        return 0
    # 13:00 best, 14:00 and 12:00 within 1%, 12:00-16:00 and 19:00-20:00 within 5%.
    flat = {12: 990, 13: 1000, 14: 995, 15: 960, 16: 955, 19: 970, 20: 951}
    return flat.get(hour, 300) + (0 if day != DOWNLOADED else 0)


def import_activity(user, account) -> None:
    rows = [(f"{day:%B} {day.day}", hour, active(day, hour)) for day in DAYS for hour in range(24)]
    files = [("FollowerActivity.csv", studio_csv(ACTIVITY, rows))]
    run = import_preview(
        membership=user.memberships.get(), user=user, files=files, account=account, as_of=DOWNLOADED
    )
    assert not run.error_count, run.errors
    import_apply(run=run, user=user)


def test_the_last_days_trailing_zeros_are_left_out(alice, acmecoffee) -> None:
    import_activity(alice, acmecoffee)
    result = follower_activity(account=acmecoffee)
    assert result.days_used == 7
    assert result.end == DOWNLOADED
    # 14:00 is counted over the six earlier days only, not dragged down by the last day.
    fourteen = result.hours[14]
    assert (fourteen.rows, fourteen.mean) == (6, 995)
    assert result.hours[13].rows == 7
    assert result.not_yet_from == 14 and result.not_yet_day == DOWNLOADED
    # No cell of the colour scale holds a zero that is not data.
    friday = DOWNLOADED.isoweekday()
    assert result.hours[20].cells[friday - 1].rows == 0
    assert result.best_hours == [13, 14, 12]
    assert result.near_best == ["12:00-16:00", "19:00-20:00"]


def test_zeros_elsewhere_are_real(acmecoffee) -> None:
    day = DOWNLOADED
    FollowerActivity.objects.bulk_create(
        FollowerActivity(account=acmecoffee, date=day, hour=h, active_followers=0 if h == 5 else 9)
        for h in range(24)
    )
    result = follower_activity(account=acmecoffee)
    assert result.hours[5].rows == 1 and result.hours[5].mean == 0
    assert result.not_yet_from is None


def test_a_last_day_of_zeros_only_ends_the_window_the_day_before(acmecoffee) -> None:
    for back, value in ((1, 7), (0, 0)):
        FollowerActivity.objects.bulk_create(
            FollowerActivity(
                account=acmecoffee,
                date=DOWNLOADED - timedelta(days=back),
                hour=h,
                active_followers=value,
            )
            for h in range(24)
        )
    result = follower_activity(account=acmecoffee)
    assert result.end == DOWNLOADED - timedelta(days=1)
    assert result.days_used == 1
    assert result.hours[3].mean == 7


def test_pure_rules() -> None:
    assert hours_not_yet_happened({21: 5, 22: 0, 23: 0}) == 22
    assert hours_not_yet_happened({22: 0, 23: 4}) is None
    assert hours_not_yet_happened(dict.fromkeys(range(24), 0)) == 0
    totals = {8: (100, 1), 9: (96, 1), 10: (94, 1), 11: (95, 1), 23: (99, 2)}
    assert near_best_runs(totals) == ["08:00-09:00", "11:00"]
    assert near_best_runs({}) == []


def test_the_panel_counts_days_and_names_the_clock(login, alice, acmecoffee) -> None:
    import_activity(alice, acmecoffee)
    url = reverse("accounts:account-detail", args=["acme", "acmecoffee"])
    html = login(alice).get(url).content.decode()
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "over 7 days of data, 21 Feb to 27 Feb 2026" in plain
    assert "Within 5% of the best hour: 12:00-16:00 and 19:00-20:00." in plain
    assert "the person who downloaded the Followers data: alice, who imported it" in plain
    assert "(downloaded on 27 Feb 2026)" in plain
    assert (
        "The hours from 14:00 on 27 Feb 2026 had not happened when the file was downloaded" in plain
    )
    assert "over the 28 days" not in plain

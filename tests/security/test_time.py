"""Time with a frozen clock and a project time zone other than UTC.

The product's day is the day in settings.TIME_ZONE (DJANGO_TIME_ZONE): a week starts on
that zone's Monday, "yesterday" is that zone's yesterday, whatever UTC says.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from lib import dates
from lib.dates import this_week, yesterday
from strategy.models import Check, Checklist
from strategy.tasks import open_weekly_checklists
from tests.strategy.helpers import item, open_checklist, tick_url

LOS_ANGELES = "America/Los_Angeles"  # UTC-8 in winter
AUCKLAND = "Pacific/Auckland"  # UTC+13 in (southern) summer


def at(*args: int) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=False)


@pytest.fixture
def zone(settings):
    def set_zone(name: str) -> None:
        settings.TIME_ZONE = name

    return set_zone


def test_the_week_rolls_over_at_the_zones_midnight_not_utcs(zone) -> None:
    # Monday 2026-11-30, 05:00 UTC: still Sunday evening in Los Angeles.
    zone(LOS_ANGELES)
    with at(2026, 11, 30, 5, 0):
        assert this_week() == date(2026, 11, 23)
    with at(2026, 11, 30, 8, 0):
        assert this_week() == date(2026, 11, 30)
    # Sunday 2026-11-29, 11:30 UTC: already Monday 00:30 in Auckland.
    zone(AUCKLAND)
    with at(2026, 11, 29, 10, 59):
        assert this_week() == date(2026, 11, 23)
    with at(2026, 11, 29, 11, 30):
        assert this_week() == date(2026, 11, 30)


def test_a_tick_late_on_sunday_counts_for_the_week_that_is_ending(
    zone, login, bob, acmecoffee
) -> None:
    zone(LOS_ANGELES)
    # Sunday 2026-11-29, 23:50 in Los Angeles; Monday 07:50 UTC.
    with at(2026, 11, 30, 7, 50):
        hosted = item(open_checklist(acmecoffee), "Hosted")
        response = login(bob).post(tick_url(acmecoffee, hosted), {"ticked": "1"})
        assert response.status_code == 302
        page = login(bob).get(reverse("strategy:checklist", args=["acme", "acmecoffee"]))
        assert "2026-W48" in page.content.decode()
    assert Check.objects.get().checklist.week_start == date(2026, 11, 23)
    # Ten minutes later the new week is open and the old one is read-only for managers.
    with at(2026, 11, 30, 8, 0):
        response = login(bob).post(
            tick_url(acmecoffee, hosted), {"ticked": "0", "week": "2026-W48"}
        )
        assert response.status_code == 403
        assert open_weekly_checklists() == 1
    assert Checklist.objects.filter(week_start=date(2026, 11, 30)).count() == 1
    assert Check.objects.get().ticked


def test_iso_week_53_is_a_week_like_any_other(zone, login, bob, acmecoffee) -> None:
    zone(AUCKLAND)
    # Thursday 2026-12-31 in Auckland (2026 has 53 ISO weeks).
    with at(2026, 12, 30, 12, 0):
        assert this_week() == date(2026, 12, 28)
        client = login(bob)
        html = client.get(
            reverse("strategy:checklist", args=["acme", "acmecoffee"])
        ).content.decode()
        assert "2026-W53" in html
        assert "2026-W52" in html  # the link to the week before
        url = reverse("strategy:checklist", args=["acme", "acmecoffee"])
        assert client.get(f"{url}?week=2026-W53").status_code == 200
        assert client.get(f"{url}?week=2027-W01").status_code == 404  # not begun yet
    # Monday 2027-01-04 in Auckland: week 1 of 2027; week 53 is the week before.
    with at(2027, 1, 3, 12, 0):
        assert this_week() == date(2027, 1, 4)
        html = login(bob).get(reverse("strategy:checklist", args=["acme", "acmecoffee"])).content
        assert "2027-W01" in html.decode() and "2026-W53" in html.decode()
    # 2025 has no week 53.
    with at(2026, 1, 1, 12, 0):
        assert login(bob).get(f"{url}?week=2025-W53").status_code == 404


def test_yesterday_follows_the_zones_midnight(zone) -> None:
    zone(LOS_ANGELES)
    # 2026-03-02 06:30 UTC is 1 March, 22:30 in Los Angeles.
    with at(2026, 3, 2, 6, 30):
        assert yesterday() == date(2026, 2, 28)
    # 08:30 UTC is 2 March, 00:30 there.
    with at(2026, 3, 2, 8, 30):
        assert yesterday() == date(2026, 3, 1)
    zone(AUCKLAND)
    # 2026-03-01 11:30 UTC is already 2 March, 00:30 in Auckland (UTC+13).
    with at(2026, 3, 1, 11, 30):
        assert yesterday() == date(2026, 3, 1)


def test_the_scorecards_page_defaults_to_the_zones_yesterday(zone, login, bob, acmecoffee) -> None:
    zone(LOS_ANGELES)
    with at(2026, 3, 2, 7, 59):
        html = login(bob).get(reverse("analytics:scorecard-review", args=["acme"])).content.decode()
    assert 'value="2026-02-28"' in html


def test_the_end_range_is_a_year_from_the_zones_today(zone) -> None:
    zone(AUCKLAND)
    # 2026-12-31 11:30 UTC is 1 January 2027 in Auckland.
    with at(2026, 12, 31, 11, 30):
        assert dates.latest_end() == date(2028, 1, 1)
        assert dates.end_error(date(2028, 1, 1)) == ""
        assert dates.end_error(date(2028, 1, 2)) != ""

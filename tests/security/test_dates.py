"""Dates from URLs and forms stay within 2000-01-01 .. today + 1 year; weeks must exist.

Out of range is the page with a clear message, or a 400 page; never a 500.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from analytics.models import ScorecardRun
from analytics.scorecards.runs import scorecard_run_create
from lib import dates
from strategy.models import Check
from tests.factories import ScorecardFactory
from tests.security.checksum import checksum
from tests.strategy.helpers import item, open_checklist, tick_url

OUT_OF_RANGE = ["0001-01-05", "1999-12-31", "9999-12-31", "2100-01-01"]
RANGE_WORDS = "is out of range: choose a date between 2000-01-01 and"


@time_machine.travel(date(2026, 12, 2), tick=False)
def test_the_range_runs_from_2000_to_a_year_from_today() -> None:
    assert dates.end_error(date(2000, 1, 1)) == ""
    assert dates.end_error(date(2027, 12, 2)) == ""
    assert dates.end_error(date(2027, 12, 3)) == (
        "2027-12-03 is out of range: choose a date between 2000-01-01 and 2027-12-02."
    )
    assert dates.end_error(date(1999, 12, 31)).startswith("1999-12-31 is out of range")
    assert dates.latest_end(date(2028, 2, 29)) == date(2029, 2, 28)


def test_only_iso_weeks_that_exist_are_weeks() -> None:
    assert dates.week_start_of("2026-W53") == date(2026, 12, 28)
    assert dates.week_start_of("2025-W53") is None
    assert dates.week_start_of("2026-W00") is None
    assert dates.week_start_of("0001-W01") == date(1, 1, 1)
    latest = date(2026, 12, 28)
    assert dates.week_error("0001-W01", latest=latest) == (
        "0001-W01 is out of range: choose a week between 2000-W01 and 2026-W53."
    )
    assert "not an ISO week" in dates.week_error("2025-W53", latest=latest)
    assert dates.week_error("2026-W53", latest=latest) == ""


@pytest.mark.parametrize("end", OUT_OF_RANGE)
def test_the_scorecards_page_shows_its_default_period_and_says_why(
    login, bob, acmecoffee, end: str
) -> None:
    response = login(bob).get(reverse("analytics:scorecard-review", args=["acme"]) + f"?end={end}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{end} {RANGE_WORDS}" in html
    assert "instead." in html


def test_the_scorecards_table_alone_says_why_too(login, bob, acmecoffee) -> None:
    url = reverse("analytics:scorecard-review", args=["acme"]) + "?end=0001-01-05"
    response = login(bob).get(url, headers={"HX-Request": "true", "HX-Target": "scorecards-table"})
    assert response.status_code == 200
    assert RANGE_WORDS in response.content.decode()
    assert "<html" not in response.content.decode()


@pytest.mark.parametrize("end", OUT_OF_RANGE)
def test_the_csv_export_is_a_400_page_saying_why(login, bob, acmecoffee, end: str) -> None:
    response = login(bob).get(reverse("analytics:scorecard-export", args=["acme"]) + f"?end={end}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert f"{end} {RANGE_WORDS}" in response.content.decode()


@pytest.mark.parametrize("end", OUT_OF_RANGE)
def test_the_account_scorecard_shows_its_default_period_and_says_why(
    login, bob, acmecoffee, end: str
) -> None:
    url = (
        reverse("analytics:account-scorecard", args=["acme", "acmecoffee"]) + f"?days=90&end={end}"
    )
    response = login(bob).get(url)
    assert response.status_code == 200
    assert f"{end} {RANGE_WORDS}" in response.content.decode()


def test_a_period_in_range_is_shown_without_a_message(login, bob, acmecoffee) -> None:
    ScorecardFactory(account=acmecoffee, days=28, period_end=date(2025, 3, 28))
    url = (
        reverse("analytics:account-scorecard", args=["acme", "acmecoffee"])
        + "?days=28&end=2025-03-28"
    )
    html = login(bob).get(url).content.decode()
    assert "out of range" not in html
    assert "1 Mar 2025 to 28 Mar 2025" in html


def test_the_checklist_of_a_week_before_2000_is_a_400_page(login, bob, acmecoffee) -> None:
    url = reverse("strategy:checklist", args=["acme", "acmecoffee"]) + "?week=0001-W01"
    response = login(bob).get(url)
    assert response.status_code == 400
    assert "0001-W01 is out of range: choose a week between 2000-W01 and" in (
        response.content.decode()
    )


def test_a_tick_for_a_week_before_2000_is_refused_and_writes_nothing(
    login, bob, acmecoffee
) -> None:
    hosted = item(open_checklist(acmecoffee), "Hosted")
    before = checksum()
    response = login(bob).post(tick_url(acmecoffee, hosted), {"ticked": "1", "week": "0001-W01"})
    assert response.status_code == 400
    assert "out of range" in response.content.decode()
    assert checksum() == before
    assert not Check.objects.exists()


def test_a_tick_for_a_week_before_2000_is_still_a_404_for_outsiders(
    login, charlie, acmecoffee
) -> None:
    hosted = item(open_checklist(acmecoffee), "Hosted")
    response = login(charlie).post(tick_url(acmecoffee, hosted), {"week": "0001-W01"})
    assert response.status_code == 404


@pytest.mark.parametrize("end", OUT_OF_RANGE)
def test_a_recompute_refuses_an_end_out_of_range_with_a_clear_message(
    login, alice, acme, end: str
) -> None:
    response = login(alice).post(
        reverse("analytics:scorecard-recompute", args=["acme"]), {"days": "28", "end": end}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{end} {RANGE_WORDS}" in html
    assert "Error" not in html and "Traceback" not in html
    assert not ScorecardRun.objects.exists()


def test_the_recompute_service_and_command_refuse_it_too(acme) -> None:
    with pytest.raises(ValidationError, match="out of range"):
        scorecard_run_create(scope="team", team=acme, end=date(1, 1, 5), days=(7,))
    with pytest.raises(CommandError, match="out of range"):
        call_command("compute_scorecards", "--team", "acme", "--end", "0001-01-05", "--sync")
    assert not ScorecardRun.objects.exists()


@pytest.mark.parametrize("as_of", ["0001-01-05", "9999-12-31"])
def test_an_upload_downloaded_on_a_day_out_of_range_is_refused(
    login, bob, acmecoffee, as_of: str
) -> None:
    file = SimpleUploadedFile("m.csv", b"date,likes\n2024-12-30,5\n", content_type="text/csv")
    url = reverse("imports:import-upload", args=["acme"]) + "?account=acmecoffee"
    before = checksum()
    response = login(bob).post(url, {"format": "auto", "as_of": as_of, "files": [file]})
    assert response.status_code == 200
    assert f"{as_of} is not between 2000-01-01 and" in (response.content.decode())
    assert checksum() == before

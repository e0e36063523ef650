"""The audience panel on the account page: shares, country names, heatmap, best hours."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.models import AudienceShare, FollowerActivity

pytestmark = pytest.mark.django_db

LATEST = date(2025, 3, 28)  # a Friday
GENDER, TERRITORY = AudienceShare.Dimension.GENDER, AudienceShare.Dimension.TERRITORY


def url(handle: str = "acmecoffee", team: str = "acme") -> str:
    return reverse("accounts:account-detail", args=[team, handle])


def panel(html: str) -> str:
    match = re.search(
        r'<section class="mb-4" aria-labelledby="audience-h".*?</section>', html, re.S
    )
    assert match, "no audience panel on the page"
    return match.group(0)


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def heat_cell(html: str, weekday: int, hour: int) -> tuple[str, str, str]:
    """(class, title, text) of the heatmap cell of an ISO weekday and hour."""
    match = re.search(
        rf'<td class="([^"]*)" title="([^"]*)" data-cell="{weekday}-{hour}">(.*?)</td>', html
    )
    assert match, f"no heatmap cell {weekday}-{hour}"
    return match.group(1), match.group(2), text(match.group(3))


def add_shares(account, dimension: str, lines: dict[str, str], day: date = LATEST) -> None:
    for key, value in lines.items():
        AudienceShare.objects.create(
            account=account, date=day, dimension=dimension, key=key, share=Decimal(value)
        )


def add_activity(account, rows: dict[tuple[date, int], int]) -> None:
    FollowerActivity.objects.bulk_create(
        FollowerActivity(account=account, date=day, hour=hour, active_followers=active)
        for (day, hour), active in rows.items()
    )


def test_it_requires_login(client, acmecoffee) -> None:
    response = client.get(url())
    assert response.status_code == 302 and "/login/" in response.url


def test_it_hides_another_teams_account(login, charlie, acmecoffee) -> None:
    add_shares(acmecoffee, GENDER, {"Female": "1"})
    response = login(charlie).get(url())
    assert response.status_code == 404
    assert b"Female" not in response.content


def test_it_shows_the_latest_gender_split_with_its_date(login, alice, acmecoffee) -> None:
    add_shares(acmecoffee, GENDER, {"Female": "0.2", "Male": "0.8"}, LATEST - timedelta(days=7))
    add_shares(acmecoffee, GENDER, {"Female": "0.59", "Male": "0.38", "Other": "0.03"})

    html = panel(login(alice).get(url()).content.decode())

    assert "Followers on 28 Mar 2025, the day of the latest download." in html
    rows = re.findall(r'<tr data-share="(\w+)">(.*?)</tr>', html, re.S)
    assert [(key, text(row)) for key, row in rows] == [
        ("Female", "Female 59.0%"),
        ("Male", "Male 38.0%"),
        ("Other", "Other 3.0%"),
    ]
    assert 'value="0.590000" max="1" aria-hidden="true"></progress>' in html  # the bar
    assert "20.0%" not in html


def test_it_names_territories_in_the_requests_language(login, alice, acmecoffee) -> None:
    add_shares(acmecoffee, TERRITORY, {"US": "0.41", "DE": "0.12", "Others": "0.47"})
    client = login(alice)

    english = text(panel(client.get(url()).content.decode()))
    german = text(panel(client.get(url(), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()))
    spanish = text(panel(client.get(url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()))

    # Largest first, "Others" last however large, and never translated.
    assert "United States 41.0% Germany 12.0% Others 47.0%" in english
    assert "Vereinigte Staaten 41.0% Deutschland 12.0% Others 47.0%" in german
    assert "Estados Unidos 41.0% Alemania 12.0% Others 47.0%" in spanish


def test_it_escapes_what_the_file_said(login, alice, acmecoffee) -> None:
    add_shares(acmecoffee, GENDER, {"<b>x</b>": "1"})
    html = panel(login(alice).get(url()).content.decode())
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_it_shows_the_heatmap_and_the_best_hours(login, alice, acmecoffee) -> None:
    rows = {}
    for weeks_back in range(4):
        friday = LATEST - timedelta(weeks=weeks_back)
        rows[(friday, 18)] = 1000 + weeks_back  # Friday 18:00, mean 1001.5
        rows[(friday, 7)] = 400
        rows[(friday - timedelta(days=1), 18)] = 600  # Thursday 18:00
        rows[(friday - timedelta(days=1), 21)] = 700
        rows[(friday - timedelta(days=2), 7)] = 400  # Wednesday: 07:00 ties with 21:00 below
        rows[(friday - timedelta(days=2), 21)] = 100
    # Older than the 28 days ending 28 Mar: left out, even though it would win 03:00.
    rows[(LATEST - timedelta(days=28), 3)] = 10**9
    add_activity(acmecoffee, rows)

    html = panel(login(alice).get(url()).content.decode())

    # Hour means: 18:00 (1001.5 * 4 + 600 * 4) / 8 = 800.75; 07:00 400; 21:00 400.
    best = re.search(r'<p class="mb-1" id="best-hours">(.*?)</p>', html, re.S).group(1)
    assert text(best).startswith("Best hours to post: 18:00 07:00 21:00")
    assert "over 12 days of data, 5 Mar to 28 Mar 2025" in text(best)
    assert "in the clock (time zone) of the person who downloaded the Followers data" in html
    assert heat_cell(html, 5, 18) == (
        "text-end pb-heat pb-heat-5",
        "Friday 18:00: 1,002 active followers on average over 4 days",
        "1,002",
    )
    assert heat_cell(html, 4, 18)[0].endswith("pb-heat-3")  # 600 / 1001.5 of the darkest
    assert heat_cell(html, 1, 18) == (
        "text-end pb-heat pb-heat-none",
        "Monday 18:00: no data",
        "— (no data)",
    )
    assert heat_cell(html, 5, 3)[2] == "— (no data)"
    assert text(re.search(r'data-hour-mean="18">(.*?)</td>', html).group(1)) == "801"
    assert len(re.findall(r'data-cell="\d-\d+"', html)) == 7 * 24
    starred = re.findall(r'<th scope="row" class="text-nowrap fw-bold">(\d\d:00) <span', html)
    assert starred == ["07:00", "18:00", "21:00"]
    assert '<tr class="pb-best-row">' in html
    assert "(best hour 2 of 3)" in html
    # An hour without a row on any day: the missing mark, saying why.
    assert re.search(
        r'data-hour-mean="3"><span title="No data for this hour">—'
        r'<span class="visually-hidden"> \(no data for this hour\)</span></span></td>',
        html,
    )


def test_it_says_which_download_to_upload_when_empty(login, bob, acmecoffee) -> None:
    html = panel(login(bob).get(url()).content.decode())
    upload = reverse("imports:import-upload", args=["acme"]) + "?account=acmecoffee"
    for what, inside in (
        ("gender", "FollowerGender"),
        ("territories", "FollowerTopTerritories"),
        ("activity", "FollowerActivity"),
    ):
        empty = re.search(rf'<p [^>]*data-empty="{what}">(.*?)</p>', html, re.S).group(1)
        assert "<strong>Followers</strong> tab" in empty
        assert f"Followers_acmecoffee.zip, with {inside} inside" in empty
        assert f'href="{upload}"' in empty
    assert "Best hours to post" not in html
    assert "pb-heatmap" not in html


def test_it_shows_one_part_and_the_others_empty_states(login, alice, acmecoffee) -> None:
    add_activity(acmecoffee, {(LATEST, 9): 12})
    html = panel(login(alice).get(url()).content.decode())
    assert 'data-empty="activity"' not in html
    assert 'data-empty="gender"' in html and 'data-empty="territories"' in html
    assert "Best hours to post" in html and "09:00" in html


def test_it_reads_the_panel_in_constant_queries(login, alice, acmecoffee) -> None:
    client = login(alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url()).status_code == 200
        return len(queries)

    empty = count()
    add_shares(acmecoffee, GENDER, {"Male": "1"})
    add_activity(acmecoffee, {(LATEST, 1): 1})
    small = count()
    add_activity(
        acmecoffee,
        {
            (LATEST - timedelta(days=day), hour): day + hour
            for day in range(1, 40)
            for hour in range(24)
        },
    )
    add_shares(acmecoffee, TERRITORY, {"US": "0.3", "DE": "0.3", "FR": "0.2", "Others": "0.2"})
    # No data asks less; with data, the count does not grow with the rows.
    assert empty <= small == count()

"""New and returning viewers beside the daily figures on the account's scorecard page."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.models import ViewerDay

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)


def url(handle: str = "acmecoffee", team: str = "acme") -> str:
    return reverse("analytics:account-scorecard", args=[team, handle])


def week(client, handle: str = "acmecoffee"):
    return client.get(url(handle), {"days": 7, "end": END.isoformat()})


def viewers(account, day: date, total: int | None, new: int | None, returning: int | None):
    return ViewerDay.objects.create(
        account=account,
        date=day,
        total_viewers=total,
        new_viewers=new,
        returning_viewers=returning,
    )


def chart_data(html: str) -> dict:
    match = re.search(r'<script id="viewer-data" type="application/json">(.*?)</script>', html)
    assert match, "no viewer chart data"
    return json.loads(match.group(1))


def row_text(html: str, day: date) -> str:
    match = re.search(rf'<tr data-viewers="{day.isoformat()}">(.*?)</tr>', html, re.S)
    assert match, f"no viewers row for {day}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_it_hides_another_teams_viewers(login, charlie, acmecoffee) -> None:
    viewers(acmecoffee, END, 10, 6, 4)
    assert week(login(charlie)).status_code == 404


def test_it_charts_new_and_returning_viewers_of_the_window(login, alice, acmecoffee) -> None:
    viewers(acmecoffee, END, 1500, 1200, 300)
    viewers(acmecoffee, END - timedelta(days=2), 90, None, None)  # `undefined` in the file
    viewers(acmecoffee, END - timedelta(days=6), 10, 7, 3)
    viewers(acmecoffee, END - timedelta(days=7), 999, 998, 1)  # the day before the window

    html = week(login(alice)).content.decode()
    data = chart_data(html)

    assert data["labels"] == [(END - timedelta(days=6 - n)).isoformat() for n in range(7)]
    assert data["new"] == [7, None, None, None, None, None, 1200]
    assert data["returning"] == [3, None, None, None, None, None, 300]
    assert 'canvas data-chart="viewers" role="img"' in html
    assert "js/viewers.js" in html
    # The same figures as a table, for no JavaScript and for screen readers.
    assert row_text(html, END) == "Fri 28 Mar 1,200 300 1,500"
    # Each missing figure says why, also to a screen reader.
    assert row_text(html, END - timedelta(days=2)) == (
        "Wed 26 Mar — (TikTok had no figure yet) — (TikTok had no figure yet) 90"
    )
    assert row_text(html, END - timedelta(days=1)) == "Thu 27 Mar — no viewer figures for this day"
    assert "998" not in html


def test_it_says_to_upload_the_viewers_tab_without_figures(login, bob, acmecoffee) -> None:
    viewers(acmecoffee, END - timedelta(days=30), 10, 6, 4)
    html = week(login(bob)).content.decode()
    empty = re.search(r'<p [^>]*data-empty="viewers">(.*?)</p>', html, re.S).group(1)
    assert "between 22 Mar 2025 and 28 Mar 2025" in empty
    assert "<strong>Viewers</strong> tab" in empty
    assert "Viewers_acmecoffee.zip" in empty
    assert reverse("imports:import-upload", args=["acme"]) + "?account=acmecoffee" in empty
    assert 'id="viewer-data"' not in html


def test_it_reads_viewers_in_constant_queries(login, alice, acmecoffee) -> None:
    client = login(alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert week(client).status_code == 200
        return len(queries)

    viewers(acmecoffee, END, 1, 1, 0)
    one = count()
    for offset in range(1, 7):
        viewers(acmecoffee, END - timedelta(days=offset), offset * 3, offset * 2, offset)
    assert count() == one

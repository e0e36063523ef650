"""The review table's practice column: checklist completion over each scorecard's window."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account, Kind
from analytics.models import Scorecard
from analytics.scorecards.export import EXPORT_COLUMNS
from strategy.models import Checklist
from strategy.services import check_set
from tests.factories import AccountFactory, ScorecardFactory
from tests.strategy.helpers import item, open_checklist

pytestmark = pytest.mark.django_db

# The 28-day window 1 Mar to 28 Mar 2025 touches the weeks of 24 Feb to 24 Mar.
END = date(2025, 3, 28)
WEEK = date(2025, 3, 17)
HTMX = {"HX-Request": "true", "HX-Target": "scorecards-table"}


@pytest.fixture(autouse=True)
def broker_up(monkeypatch) -> None:
    monkeypatch.setattr("analytics.scorecards.queue.broker_available", lambda: True)


def url(team: str = "acme") -> str:
    return reverse("analytics:scorecard-review", args=[team])


def handles(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+">@([^<]+)</a>', html)


def practice_cells(html: str) -> dict[str, str]:
    """Each row's handle and the text of its practice cell, tags removed."""
    rows = re.findall(
        r'<th scope="row"><a href="[^"]+">@([^<]+)</a>.*?'
        r'<td class="text-end" data-column="practice"[^>]*>(.*?)</td>',
        html,
        flags=re.S,
    )
    return {handle: re.sub(r"<[^>]+>", "", cell) for handle, cell in rows}


def tick(checklist: Checklist, *titles: str, user) -> None:
    for title in titles:
        check_set(checklist=checklist, item=item(checklist, title), user=user, ticked=True)


@pytest.fixture
def cards(acme, acmecoffee, acme_deals, bob) -> dict[str, Scorecard]:
    """acmecoffee: 4 of 7 done in one week (57.1%); acme.deals and acme.ads: the KPI item
    of 7 in each of two weeks (2 of 14, 14.3%); acme.brand: no checklist (—)."""
    ads = AccountFactory(team=acme, handle="acme.ads", kind=Kind.MARKETING)
    brand = AccountFactory(team=acme, handle="acme.brand", kind=Kind.OFFICIAL)
    # Hosted, replied, took part, and verified from data: 4 of the 7 official items.
    tick(open_checklist(acmecoffee, WEEK), "Hosted", "Replied", "Took part", user=bob)
    for account in (acme_deals, ads):
        open_checklist(account, WEEK)
        open_checklist(account, WEEK - timedelta(weeks=1))
    # Outside the window (the week after it): does not count.
    later = open_checklist(acmecoffee, date(2025, 4, 7))
    tick(later, "This week's posts", "Took part", "Shared an", user=bob)
    return {
        account.handle: ScorecardFactory(account=account, period_end=END)
        for account in (acmecoffee, acme_deals, ads, brand)
    }


def test_it_requires_login(client, acme) -> None:
    response = client.get(url(), {"sort": "practice"})
    assert response.status_code == 302 and "/login/" in response.url


def test_it_hides_other_teams(login, charlie, cards) -> None:
    assert login(charlie).get(url(), {"sort": "practice"}).status_code == 404


def test_it_lets_managers_see_their_accounts_practice_but_not_review(login, bob, cards) -> None:
    html = login(bob).get(url(), {"sort": "-practice"}).content.decode()
    assert practice_cells(html) == {"acmecoffee": "57.1%"}
    review = reverse(
        "analytics:scorecard-mark-reviewed", args=["acme", "acmecoffee", 28, "2025-03-28"]
    )
    assert login(bob).post(review, {"reviewed": "1"}).status_code == 403


def test_it_shows_the_share_of_checklist_items_done_in_the_windows_weeks(
    login, alice, cards
) -> None:
    html = login(alice).get(url()).content.decode()
    assert practice_cells(html) == {
        "acme.ads": "14.3%",
        "acme.brand": "— (no checklist items in the weeks of this period)",
        "acme.deals": "14.3%",
        "acmecoffee": "57.1%",
    }
    assert 'title="No checklist items in the weeks of this period"' in html
    assert 'title="Share of checklist items done in the weeks of this period"' in html


def test_it_shows_a_tick_at_once(login, alice, bob, cards, acmecoffee) -> None:
    client = login(alice)
    assert practice_cells(client.get(url()).content.decode())["acmecoffee"] == "57.1%"
    checklist = Checklist.objects.get(account=acmecoffee, week_start=WEEK)
    tick(checklist, "Shared an", user=bob)
    # 5 of 7, computed on read: no recompute needed.
    assert practice_cells(client.get(url()).content.decode())["acmecoffee"] == "71.4%"


def test_it_sorts_by_practice_with_nulls_last_and_ties_by_handle(login, alice, cards) -> None:
    client = login(alice)
    get = lambda sort: handles(client.get(url(), {"sort": sort}).content.decode())  # noqa: E731
    assert get("practice") == ["acme.ads", "acme.deals", "acmecoffee", "acme.brand"]
    assert get("-practice") == ["acmecoffee", "acme.ads", "acme.deals", "acme.brand"]
    # Filters still apply when the table is sorted by practice score.
    response = client.get(url(), {"sort": "-practice", "kind": "marketing"})
    assert handles(response.content.decode()) == ["acme.ads", "acme.deals"]


def test_it_links_the_practice_heading_both_ways(login, alice, cards) -> None:
    html = login(alice).get(url(), {"sort": "practice"}).content.decode()
    assert 'aria-sort="ascending"' in html
    assert 'href="/t/acme/scorecards/?sort=-practice"' in html
    assert '<input type="hidden" name="sort" value="practice"' in html
    html = login(alice).get(url()).content.decode()
    assert 'hx-get="/t/acme/scorecards/?sort=practice"' in html


def test_it_answers_htmx_with_the_sorted_table_only(login, alice, cards) -> None:
    response = login(alice).get(url(), {"sort": "-practice"}, headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="scorecards-table"') and "<html" not in html
    assert handles(html) == ["acmecoffee", "acme.ads", "acme.deals", "acme.brand"]
    assert practice_cells(html)["acmecoffee"] == "57.1%"


def test_it_pages_a_table_sorted_by_practice(login, alice, bob, acme) -> None:
    for n in range(30):
        account = AccountFactory(team=acme, handle=f"acct{n:02d}")
        ScorecardFactory(account=account, period_end=END)
    # Three accounts with a checklist: 1, 2 and 3 of 7 done (verified, plus ticks).
    titles = ("Hosted", "Replied")
    for n, handle in enumerate(("acct27", "acct03", "acct15")):
        checklist = open_checklist(Account.objects.get(handle=handle), WEEK)
        tick(checklist, *titles[:n], user=bob)
    client = login(alice)
    first = client.get(url(), {"sort": "-practice"}).content.decode()
    assert handles(first)[:4] == ["acct15", "acct03", "acct27", "acct00"]
    assert len(handles(first)) == 25
    assert 'href="/t/acme/scorecards/?sort=-practice&amp;page=2"' in first
    second = client.get(url(), {"sort": "-practice", "page": "2"}).content.decode()
    # The nulls come last, in handle order, without the three scored accounts.
    assert handles(second) == ["acct24", "acct25", "acct26", "acct28", "acct29"]
    assert practice_cells(first)["acct15"] == "42.9%"


def test_it_sorts_by_practice_in_the_database_reading_only_the_pages_cards(
    login, alice, bob, acme
) -> None:
    many_accounts(acme, bob, 30, 0)
    client = login(alice)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(), {"sort": "-practice", "page": "2"})
    assert response.status_code == 200
    cards = [
        q["sql"] for q in captured.captured_queries if 'FROM "analytics_scorecard"' in q["sql"]
    ]
    # The page's cards come ordered by the stored figures: the last 5 of 30, from the 26th.
    page = [sql for sql in cards if "LIMIT 5 OFFSET 25" in sql]
    assert len(page) == 1
    assert "strategy_weekpractice" in page[0].rsplit("ORDER BY", 1)[1]
    assert len(handles(response.content.decode())) == 5


def test_it_places_accounts_without_a_scorecard_by_their_practice(
    login, alice, bob, acme, cards
) -> None:
    # acme.new has no scorecard of the window: 2 of 7 done puts it between acmecoffee
    # (4 of 7) and acme.ads; without a checklist it would go with the nulls, by handle.
    new = AccountFactory(team=acme, handle="acme.new", kind=Kind.OFFICIAL, verified=True)
    tick(open_checklist(new, WEEK), "Hosted", user=bob)
    AccountFactory(team=acme, handle="acme.zero", kind=Kind.OFFICIAL)
    client = login(alice)
    get = lambda sort: handles(client.get(url(), {"sort": sort}).content.decode())  # noqa: E731
    descending = ["acmecoffee", "acme.new", "acme.ads", "acme.deals", "acme.brand", "acme.zero"]
    assert get("-practice") == descending
    assert get("practice") == [
        "acme.ads",
        "acme.deals",
        "acme.new",
        "acmecoffee",
        "acme.brand",
        "acme.zero",
    ]


def test_it_keeps_the_export_columns_and_follows_the_practice_order(login, alice, cards) -> None:
    export = reverse("analytics:scorecard-export", args=["acme"])
    response = login(alice).get(export, {"sort": "-practice"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == list(EXPORT_COLUMNS)
    assert "practice" not in ",".join(rows[0])
    assert [row[0] for row in rows[1:]] == ["acmecoffee", "acme.ads", "acme.deals", "acme.brand"]


def many_accounts(team, bob, count: int, start: int) -> None:
    for n in range(start, start + count):
        account = AccountFactory(
            team=team, handle=f"many{n:03d}", kind=Kind.OFFICIAL if n % 2 else Kind.MARKETING
        )
        ScorecardFactory(account=account, period_end=END)
        checklist = open_checklist(account, WEEK)
        title = "Hosted" if account.kind == Kind.OFFICIAL else "Tried an ad"
        tick(checklist, title, user=bob)
        if n % 3:
            open_checklist(account, WEEK - timedelta(weeks=2))


def queries(client, sort: str, page: str = "1") -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(), {"sort": sort, "page": page})
    assert response.status_code == 200
    assert response.context["page"].object_list[0].practice_score is not None
    return len(captured)


def test_it_runs_the_same_number_of_queries_for_5_and_60_accounts(login, alice, bob, acme) -> None:
    client = login(alice)
    many_accounts(acme, bob, 5, 0)
    few = {sort: queries(client, sort) for sort in ("practice", "-practice", "-overall_score")}
    many_accounts(acme, bob, 55, 5)
    many = {sort: queries(client, sort) for sort in ("practice", "-practice", "-overall_score")}
    assert few == many
    assert queries(client, "-practice", page="3") == many["-practice"]


def test_it_ignores_an_unknown_sort_rather_than_failing(login, alice, cards) -> None:
    html = login(alice).get(url(), {"sort": "practice_score"}).content.decode()
    assert handles(html) == ["acme.ads", "acme.brand", "acme.deals", "acmecoffee"]
    assert practice_cells(html)["acmecoffee"] == "57.1%"

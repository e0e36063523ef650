"""An account's history: a week-by-week grid of the checklist."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from strategy.periods import week_label
from strategy.services import check_set
from tests.strategy.helpers import item, open_checklist

pytestmark = pytest.mark.django_db


def url(account) -> str:
    return reverse("strategy:checklist-history", args=[account.team.slug, account.handle])


def test_it_requires_login(client, acmecoffee) -> None:
    assert client.get(url(acmecoffee)).url.startswith(reverse("login"))


def test_it_hides_other_teams_accounts(login, charlie, acmecoffee) -> None:
    assert login(charlie).get(url(acmecoffee)).status_code == 404


def test_it_hides_accounts_a_manager_does_not_manage(login, bob, acme_deals) -> None:
    assert login(bob).get(url(acme_deals)).status_code == 404


def test_it_shows_twelve_weeks_of_ticks(login, bob, acmecoffee, week, last_week) -> None:
    checklist = open_checklist(acmecoffee, last_week)
    for title in ("Hosted", "Replied", "Took part"):
        check_set(checklist=checklist, item=item(checklist, title), user=bob, ticked=True)
    open_checklist(acmecoffee)
    page = login(bob).get(url(acmecoffee)).content.decode()
    assert "<title>@acmecoffee checklist history" in page
    assert page.count('<th scope="col" class="text-center small">') == 12
    assert f"?week={week_label(week - timedelta(weeks=11))}" in page
    # Last week: 3 by hand + verified from data, of 7; this week only verified.
    assert ">57%<" in page and ">14%<" in page
    assert page.count('<span class="visually-hidden">done</span>') == 4 + 1
    assert "Hosted or joined a live session" in page


def test_it_shows_fewer_weeks_on_request_and_to_htmx(login, bob, acmecoffee) -> None:
    open_checklist(acmecoffee)
    response = login(bob).get(
        url(acmecoffee), {"weeks": "4"}, headers={"HX-Request": "true", "HX-Target": "history-grid"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="history-grid"')
    assert "<html" not in page
    assert page.count('<th scope="col" class="text-center small">') == 4


def test_it_says_what_to_do_before_any_checklist(login, bob, acmecoffee) -> None:
    page = login(bob).get(url(acmecoffee)).content.decode()
    assert "No checklist in these weeks" in page

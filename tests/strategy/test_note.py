"""A note on an item, added inline."""

from __future__ import annotations

import pytest
from django.urls import reverse

from strategy.models import Check
from strategy.periods import week_label
from tests.strategy.helpers import checklist_url, item, note_url, open_checklist, tick_url

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_it_requires_login(client, acmecoffee) -> None:
    hosted = item(open_checklist(acmecoffee), "Hosted")
    response = client.post(note_url(acmecoffee, hosted), {"note": "hi"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_hides_other_teams_accounts(login, charlie, acmecoffee) -> None:
    hosted = item(open_checklist(acmecoffee), "Hosted")
    assert login(charlie).post(note_url(acmecoffee, hosted), {"note": "hi"}).status_code == 404
    assert not Check.objects.exists()


def test_it_keeps_past_weeks_read_only_for_managers(login, bob, acmecoffee, last_week) -> None:
    hosted = item(open_checklist(acmecoffee, last_week), "Hosted")
    response = login(bob).post(
        note_url(acmecoffee, hosted), {"note": "late", "week": week_label(last_week)}
    )
    assert response.status_code == 403


def test_it_adds_a_note_and_returns_the_item_to_htmx(login, bob, acmecoffee) -> None:
    hosted = item(open_checklist(acmecoffee), "Hosted")
    response = login(bob).post(
        note_url(acmecoffee, hosted), {"note": "  Live from the roastery  "}, headers=HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(
        f'<li class="list-group-item pb-item" id="item-{hosted.public_id}"'
    )
    assert "Note:</span> Live from the roastery" in page
    assert 'hx-swap-oob="innerHTML"' in page
    check = Check.objects.get()
    assert (check.note, check.ticked) == ("Live from the roastery", False)


def test_it_keeps_the_note_when_ticking_and_the_tick_when_noting(login, bob, acmecoffee) -> None:
    hosted = item(open_checklist(acmecoffee), "Hosted")
    client = login(bob)
    client.post(note_url(acmecoffee, hosted), {"note": "40 minutes"}, headers=HTMX)
    page = client.post(tick_url(acmecoffee, hosted), {"ticked": "1"}, headers=HTMX).content.decode()
    assert "40 minutes" in page and "Ticked by bob" in page
    page = client.post(
        note_url(acmecoffee, hosted), {"note": "45 minutes"}, headers=HTMX
    ).content.decode()
    assert "45 minutes" in page and "Ticked by bob" in page
    check = Check.objects.get()
    assert (check.note, check.ticked, check.ticked_by) == ("45 minutes", True, bob)


def test_it_rerenders_a_too_long_note_with_the_error(login, bob, acmecoffee) -> None:
    hosted = item(open_checklist(acmecoffee), "Hosted")
    client = login(bob)
    response = client.post(note_url(acmecoffee, hosted), {"note": "x" * 501}, headers=HTMX)
    assert response.status_code == 200
    assert "Keep the note under 500 characters." in response.content.decode()
    # Without JavaScript the whole page comes back with the error at the item.
    response = client.post(note_url(acmecoffee, hosted), {"note": "x" * 501})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page and "Keep the note under 500 characters." in page
    assert not Check.objects.exists()


def test_it_goes_back_to_the_checklist_without_javascript(login, bob, acmecoffee) -> None:
    hosted = item(open_checklist(acmecoffee), "Hosted")
    response = login(bob).post(note_url(acmecoffee, hosted), {"note": "done"})
    assert response.status_code == 302
    assert response.url == f"{checklist_url(acmecoffee)}#item-{hosted.public_id}"

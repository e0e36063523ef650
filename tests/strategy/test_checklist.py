"""An account's checklist page: this week by default, earlier weeks one click away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Kind
from strategy.models import Checklist, ChecklistItem, ChecklistTemplate, WeekPractice
from strategy.periods import week_label
from strategy.services import check_set
from tests.factories import AccountFactory
from tests.strategy.helpers import checklist_url, item, open_checklist

pytestmark = pytest.mark.django_db


def test_it_requires_login(client, acmecoffee) -> None:
    response = client.get(checklist_url(acmecoffee))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_hides_other_teams_accounts(login, charlie, acmecoffee) -> None:
    assert login(charlie).get(checklist_url(acmecoffee)).status_code == 404


def test_it_hides_accounts_a_manager_does_not_manage(login, bob, acme_deals) -> None:
    assert login(bob).get(checklist_url(acme_deals)).status_code == 404


def test_it_opens_this_weeks_checklist_grouped_by_practice(login, bob, acmecoffee, week) -> None:
    response = login(bob).get(checklist_url(acmecoffee))
    assert response.status_code == 200
    page = response.content.decode()
    # Templates and the checklist are created when first needed.
    assert ChecklistTemplate.objects.filter(team=acmecoffee.team).count() == 2
    assert Checklist.objects.get(account=acmecoffee).week_start == week
    assert "<title>@acmecoffee checklist" in page
    for practice in ("Stay Authentic", "Engage Regularly", "Utilize Verification"):
        assert f">{practice}</h3>" in page
    assert "Avoid overly promotional content" in page  # the practice's guidance
    assert "Leverage Paid Ads" not in page  # a marketing practice
    assert "<progress" in page and "1 of 7</strong>" in page  # verified, from data
    assert 'type="checkbox" name="ticked"' in page
    assert f"?week={week_label(week - timedelta(weeks=1))}" in page
    assert "Week after" not in page


def test_it_shows_an_earlier_week_with_links_both_ways(login, bob, acmecoffee, last_week) -> None:
    checklist = open_checklist(acmecoffee, last_week)
    check_set(checklist=checklist, item=item(checklist, "Hosted"), user=bob, ticked=True)
    page = login(bob).get(checklist_url(acmecoffee, last_week)).content.decode()
    assert f"Week {week_label(last_week)}" in page
    assert "Week after" in page and "This week" in page
    assert "2 of 7</strong>" in page
    assert "Ticked by bob" in page
    # The week is over: read-only for a manager.
    assert "read-only" in page
    assert 'name="ticked"' not in page
    assert "Add a note" not in page


def test_it_says_when_an_earlier_week_has_no_checklist(login, bob, acmecoffee, last_week) -> None:
    response = login(bob).get(checklist_url(acmecoffee, last_week))
    assert response.status_code == 200
    assert f"No checklist for week {week_label(last_week)}" in response.content.decode()
    assert not Checklist.objects.filter(week_start=last_week).exists()


@pytest.mark.parametrize("week", ["2026-W99", "yesterday", "2999-W01"])
def test_it_refuses_weeks_that_are_not_there(login, bob, acmecoffee, week: str) -> None:
    url = reverse("strategy:checklist", args=["acme", acmecoffee.handle])
    assert login(bob).get(f"{url}?week={week}").status_code == 404


def test_it_lets_leads_correct_past_weeks(login, alice, acmecoffee, last_week) -> None:
    open_checklist(acmecoffee, last_week)
    page = login(alice).get(checklist_url(acmecoffee, last_week)).content.decode()
    assert "recorded as a correction" in page
    assert 'name="ticked"' in page


def test_it_swaps_only_the_week_for_htmx(login, bob, acmecoffee, last_week) -> None:
    open_checklist(acmecoffee, last_week)
    response = login(bob).get(
        checklist_url(acmecoffee, last_week),
        headers={"HX-Request": "true", "HX-Target": "checklist-week"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="checklist-week">')
    assert "<html" not in page
    assert 'id="checklist-progress"' in page
    assert "HX-Request" in response["Vary"]


def test_it_follows_the_accounts_kind(login, alice, acme) -> None:
    promo = AccountFactory(team=acme, handle="promo", kind=Kind.MARKETING)
    page = login(alice).get(checklist_url(promo)).content.decode()
    assert "Leverage Paid Ads" in page and "Stay Authentic" not in page
    assert "Edit the marketing checklist" in page


def test_it_shows_the_checklist_on_the_account_page(login, bob, acmecoffee) -> None:
    page = (
        login(bob)
        .get(reverse("accounts:account-detail", args=["acme", "acmecoffee"]))
        .content.decode()
    )
    assert "Best practices this week" in page
    assert "No checklist is open for this week yet" in page
    assert not Checklist.objects.exists()  # the account page only reads
    open_checklist(acmecoffee)
    page = (
        login(bob)
        .get(reverse("accounts:account-detail", args=["acme", "acmecoffee"]))
        .content.decode()
    )
    assert "1 of 7 checklist items done" in page
    assert checklist_url(acmecoffee) in page


def test_it_shows_this_weeks_stored_figures_on_the_account_page(login, bob, acmecoffee) -> None:
    checklist = open_checklist(acmecoffee)
    check_set(checklist=checklist, item=item(checklist, "Hosted"), user=bob, ticked=True)
    url = reverse("accounts:account-detail", args=["acme", "acmecoffee"])
    stored = WeekPractice.objects.get(checklist=checklist)
    assert (stored.done, stored.counted) == (2, 7)  # the tick kept them current
    with CaptureQueriesContext(connection) as queries:
        page = login(bob).get(url).content.decode()
    assert "2 of 7 checklist items done, 5 left" in page
    # One read of the stored figures, none of the items.
    assert not any(ChecklistItem._meta.db_table in q["sql"] for q in queries.captured_queries)
    # Without stored figures the page computes them from the items: the same figures.
    stored.delete()
    page = login(bob).get(url).content.decode()
    assert "2 of 7 checklist items done, 5 left" in page

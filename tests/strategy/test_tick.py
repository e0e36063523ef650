"""Ticking an item: htmx swaps the item and the progress bar; a plain post goes back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import Kind
from analytics.evidence import evidence_days_changed
from analytics.models import DailyMetric
from strategy.models import Check, ChecklistItem
from strategy.periods import week_label
from strategy.selectors import checklist_states
from strategy.services import item_create, item_retire, template_ensure
from tests.factories import AccountFactory
from tests.strategy.helpers import checklist_url, item, open_checklist, tick_url

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_it_requires_login(client, acmecoffee) -> None:
    checklist = open_checklist(acmecoffee)
    response = client.post(tick_url(acmecoffee, item(checklist, "Hosted")), {"ticked": "1"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Check.objects.exists()


def test_it_hides_other_teams_accounts(login, charlie, acmecoffee) -> None:
    checklist = open_checklist(acmecoffee)
    response = login(charlie).post(tick_url(acmecoffee, item(checklist, "Hosted")), {"ticked": "1"})
    assert response.status_code == 404
    assert not Check.objects.exists()


def test_it_lets_managers_tick_only_their_accounts(login, bob, acme_deals) -> None:
    checklist = open_checklist(acme_deals)
    response = login(bob).post(
        tick_url(acme_deals, item(checklist, "Tried an ad")), {"ticked": "1"}
    )
    assert response.status_code == 404
    assert not Check.objects.exists()


def test_it_refuses_an_item_of_another_checklist(login, bob, acmecoffee, acme_deals) -> None:
    marketing_item = item(open_checklist(acme_deals), "Tried an ad")
    open_checklist(acmecoffee)
    response = login(bob).post(tick_url(acmecoffee, marketing_item), {"ticked": "1"})
    assert response.status_code == 404


def test_it_returns_the_item_and_the_progress_to_htmx(login, bob, acmecoffee) -> None:
    checklist = open_checklist(acmecoffee)
    hosted = item(checklist, "Hosted")
    response = login(bob).post(
        tick_url(acmecoffee, hosted), {"ticked": "1", "week": ""}, headers=HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(
        f'<li class="list-group-item pb-item pb-item-done" id="item-{hosted.public_id}"'
    )
    assert "<html" not in page and "<nav" not in page
    assert page.count("<li ") == 1
    assert 'id="checklist-progress"' in page and 'hx-swap-oob="innerHTML"' in page
    assert '<progress class="pb-progress" max="7" value="2"' in page
    assert "Ticked by bob" in page
    assert "HX-Request" in response["Vary"]
    check = Check.objects.get()
    assert (check.item, check.ticked, check.ticked_by, check.checklist) == (
        hosted,
        True,
        bob,
        checklist,
    )
    assert check.corrected_by is None


def test_it_unticks_in_one_click(login, bob, acmecoffee) -> None:
    checklist = open_checklist(acmecoffee)
    hosted = item(checklist, "Hosted")
    client = login(bob)
    client.post(tick_url(acmecoffee, hosted), {"ticked": "1"}, headers=HTMX)
    response = client.post(tick_url(acmecoffee, hosted), {}, headers=HTMX)
    page = response.content.decode()
    assert 'value="1"' in page and "checked" not in page.split("</form>")[0]
    assert '<progress class="pb-progress" max="7" value="1"' in page
    assert "Ticked by" not in page
    check = Check.objects.get()
    assert not check.ticked and check.ticked_by is None


def test_it_redirects_a_plain_post_back_to_the_checklist(login, bob, acmecoffee) -> None:
    checklist = open_checklist(acmecoffee)
    hosted = item(checklist, "Hosted")
    client = login(bob)
    response = client.post(tick_url(acmecoffee, hosted), {"ticked": "1"})
    assert response.status_code == 302
    assert response.url == f"{checklist_url(acmecoffee)}#item-{hosted.public_id}"
    page = client.get(checklist_url(acmecoffee)).content.decode()
    assert "Ticked by bob" in page
    assert "2 of 7</strong>" in page


def test_it_refuses_to_tick_an_automatic_item(login, bob, acmecoffee) -> None:
    checklist = open_checklist(acmecoffee)
    verified = item(checklist, "The account is verified")
    response = login(bob).post(tick_url(acmecoffee, verified), {"ticked": "1"})
    assert response.status_code == 400
    assert "ticked from data and cannot be ticked by hand" in response.content.decode()
    assert not Check.objects.exists()


def test_it_shows_htmx_users_why_a_tick_was_refused(login, bob, acmecoffee) -> None:
    # htmx 2 swaps no 4xx but the 422 base.html's htmx config allows, into #htmx-errors.
    checklist = open_checklist(acmecoffee)
    verified = item(checklist, "The account is verified")
    client = login(bob)
    response = client.post(tick_url(acmecoffee, verified), {"ticked": "1"}, headers=HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#htmx-errors"
    assert response["HX-Reswap"] == "innerHTML"
    html = response.content.decode()
    assert 'role="alert"' in html and "<html" not in html
    assert "ticked from data and cannot be ticked by hand" in html
    assert not Check.objects.exists()
    page = client.get(checklist_url(acmecoffee)).content.decode()
    assert '<div id="htmx-errors"' in page
    assert '{"code": "422", "swap": true}' in page


def test_it_shows_htmx_users_a_week_before_checklists_begin(login, bob, acmecoffee) -> None:
    hosted = item(open_checklist(acmecoffee), "Hosted")
    response = login(bob).post(
        tick_url(acmecoffee, hosted), {"ticked": "1", "week": "1999-W52"}, headers=HTMX
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#htmx-errors"
    assert "2000-W01" in response.content.decode()
    assert not Check.objects.exists()


def test_it_keeps_past_weeks_read_only_for_managers(login, bob, acmecoffee, last_week) -> None:
    checklist = open_checklist(acmecoffee, last_week)
    hosted = item(checklist, "Hosted")
    response = login(bob).post(
        tick_url(acmecoffee, hosted), {"ticked": "1", "week": week_label(last_week)}, headers=HTMX
    )
    assert response.status_code == 403
    assert not Check.objects.exists()


def test_it_records_a_leads_correction_of_a_past_week(login, alice, acmecoffee, last_week) -> None:
    checklist = open_checklist(acmecoffee, last_week)
    hosted = item(checklist, "Hosted")
    client = login(alice)
    response = client.post(
        tick_url(acmecoffee, hosted), {"ticked": "1", "week": week_label(last_week)}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Corrected by alice" in response.content.decode()
    check = Check.objects.get()
    assert check.period_start == last_week
    assert check.corrected_by == alice and check.corrected_at is not None
    page = client.get(checklist_url(acmecoffee, last_week)).content.decode()
    assert "Ticked by alice" in page and "Corrected by alice" in page
    response = client.post(
        tick_url(acmecoffee, hosted), {"ticked": "1", "week": week_label(last_week)}
    )
    assert response.url == f"{checklist_url(acmecoffee, last_week)}#item-{hosted.public_id}"


def test_it_does_not_mark_a_leads_tick_of_this_week_as_a_correction(
    login, alice, acmecoffee
) -> None:
    checklist = open_checklist(acmecoffee)
    login(alice).post(tick_url(acmecoffee, item(checklist, "Hosted")), {"ticked": "1"})
    assert Check.objects.get().corrected_by is None


def test_it_refuses_an_earlier_week_without_a_checklist(
    login, alice, acmecoffee, last_week
) -> None:
    hosted = item(open_checklist(acmecoffee), "Hosted")
    response = login(alice).post(
        tick_url(acmecoffee, hosted), {"ticked": "1", "week": week_label(last_week)}
    )
    assert response.status_code == 404


def test_it_opens_this_weeks_checklist_when_ticking_first(login, bob, acmecoffee, week) -> None:
    template = template_ensure(team=acmecoffee.team, kind=Kind.OFFICIAL)
    hosted = ChecklistItem.objects.get(practice__template=template, title__startswith="Hosted")
    response = login(bob).post(tick_url(acmecoffee, hosted), {"ticked": "1"}, headers=HTMX)
    assert response.status_code == 200
    assert Check.objects.get().checklist.week_start == week


def test_it_counts_a_monthly_tick_for_every_week_of_the_month(login, alice, acme, week) -> None:
    promo = AccountFactory(team=acme, handle="promo", kind=Kind.MARKETING)
    first_of_month = week.replace(day=1)
    # Weeks whose Monday is in this week's month, before it.
    earlier = [
        week - timedelta(weeks=n)
        for n in range(1, 5)
        if week - timedelta(weeks=n) >= first_of_month
    ]
    influencer = item(open_checklist(promo), "Contacted or ran a partnership")
    for other in earlier:
        open_checklist(promo, other)
    login(alice).post(tick_url(promo, influencer), {"ticked": "1"})
    check = Check.objects.get()
    assert check.period_start == first_of_month
    for other in earlier:
        page = login(alice).get(checklist_url(promo, other)).content.decode()
        assert f'id="tick-{influencer.public_id}" checked' in page
    before = week - timedelta(weeks=len(earlier) + 1)  # the last week of the month before
    open_checklist(promo, before)
    page = login(alice).get(checklist_url(promo, before)).content.decode()
    assert f'id="tick-{influencer.public_id}" checked' not in page


def test_it_keeps_a_one_off_item_ticked_in_later_weeks(
    login, alice, acmecoffee, week, last_week
) -> None:
    template = template_ensure(team=acmecoffee.team, kind=Kind.OFFICIAL)
    bio = item_create(
        template=template,
        practice_name="Stay Authentic",
        title="Bio says who runs the account",
        cadence="once",
    )
    # Pretend it had been added two weeks ago.
    ChecklistItem.objects.filter(pk=bio.pk).update(active_from=week - timedelta(weeks=2))
    two_weeks_ago = week - timedelta(weeks=2)
    open_checklist(acmecoffee, two_weeks_ago)
    open_checklist(acmecoffee, last_week)
    client = login(alice)
    client.post(tick_url(acmecoffee, bio), {"ticked": "1", "week": week_label(last_week)})
    ticked = f'id="tick-{bio.public_id}" checked'
    assert ticked in client.get(checklist_url(acmecoffee)).content.decode()
    assert ticked in client.get(checklist_url(acmecoffee, last_week)).content.decode()
    assert ticked not in client.get(checklist_url(acmecoffee, two_weeks_ago)).content.decode()
    assert Check.objects.count() == 1


def marketing_checklist_of(acme, alice, size: int):
    """A marketing account's checklist of `size` items, one of them paid promotion."""
    promo = AccountFactory(team=acme, handle="promo", kind=Kind.MARKETING)
    template = template_ensure(team=acme, kind=Kind.MARKETING)
    items = list(ChecklistItem.objects.filter(practice__template=template))
    for extra in range(size - len(items)):
        item_create(
            template=template, practice_name=f"Practice {extra % 5}", title=f"Extra item {extra}"
        )
    for surplus in items[: max(0, len(items) - size)]:
        if (
            surplus.evidence_rule != "paid_promotion_ran"
            and surplus.title != "Tried an ad format not used last week"
        ):
            item_retire(item=surplus)
    checklist = open_checklist(promo)
    DailyMetric.objects.create(account=promo, date=checklist.week_start, spend=10)
    # What the import or the sync does once it has written the day.
    evidence_days_changed(
        account_ids=[promo.pk], start=checklist.week_start, end=checklist.week_start
    )
    return promo, checklist


# Done after the tick: paid promotion (from data), KPI targets (from data, unless retired to
# make the checklist small) and the ticked item. The queries: the session, the user, the
# membership (team_view), the account with its checklist of the week, the ticked item;
# then services.check_set's transaction (a savepoint inside the test's): the account's
# lock, the upsert, the week's states (items with their checks, one per rule that reads
# data: paid promotion, a promotional video posted), which the answer shows too, and the
# upsert of its stored figures.
@pytest.mark.parametrize(("size", "done"), [(5, 2), (40, 3)])
def test_it_ticks_in_a_fixed_number_of_queries_whatever_the_checklist_size(
    login, acme, alice, size: int, done: int, django_assert_num_queries
) -> None:
    promo, checklist = marketing_checklist_of(acme, alice, size)
    assert len(checklist_states(checklist=checklist)) == size
    client = login(alice)
    target = item(checklist, "Tried an ad format")
    with django_assert_num_queries(5 + 2 + 6) as captured:
        response = client.post(tick_url(promo, target), {"ticked": "1"}, headers=HTMX)
    assert response.status_code == 200
    assert f'max="{size}" value="{done}"' in response.content.decode()
    assert sum('INSERT INTO "strategy_check"' in q["sql"] for q in captured.captured_queries) == 1

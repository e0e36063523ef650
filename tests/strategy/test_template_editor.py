"""Leads edit their team's checklist templates; changes apply from the current week on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Kind
from strategy.models import Check, ChecklistItem
from strategy.periods import week_label
from strategy.selectors import checklist_states
from strategy.services import check_set, template_ensure
from tests.strategy.helpers import checklist_url, item, open_checklist

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
INDEX = reverse("strategy:checklist-templates", args=["acme"])
OFFICIAL = reverse("strategy:checklist-template", args=["acme", "official"])
CREATE = reverse("strategy:checklist-item-create", args=["acme", "official"])


def edit_url(target: ChecklistItem) -> str:
    return reverse("strategy:checklist-item-edit", args=["acme", target.public_id])


def move_url(target: ChecklistItem) -> str:
    return reverse("strategy:checklist-item-move", args=["acme", target.public_id])


def retire_url(target: ChecklistItem) -> str:
    return reverse("strategy:checklist-item-retire", args=["acme", target.public_id])


def titles(practice_name: str) -> list[str]:
    items = ChecklistItem.objects.filter(practice__name=practice_name, retired_from__isnull=True)
    return list(items.order_by("order").values_list("title", flat=True))


@pytest.fixture
def hosted(acme) -> ChecklistItem:
    template = template_ensure(team=acme, kind=Kind.OFFICIAL)
    return ChecklistItem.objects.get(practice__template=template, title__startswith="Hosted")


def test_it_requires_login(client, acme) -> None:
    assert client.get(INDEX).url.startswith(reverse("login"))
    assert client.post(CREATE, {"title": "x"}).url.startswith(reverse("login"))


def test_it_hides_other_teams(login, charlie, hosted) -> None:
    client = login(charlie)
    assert client.get(OFFICIAL).status_code == 404
    assert client.post(move_url(hosted), {"direction": "up"}).status_code == 404
    # Globex's own item is not reachable through Acme's URL either.
    globex_item = ChecklistItem.objects.filter(practice__template__team__slug="globex")
    assert not globex_item.exists()


def test_it_lets_only_leads_edit(login, bob, hosted) -> None:
    client = login(bob)
    assert client.get(INDEX).status_code == 403
    assert client.get(OFFICIAL).status_code == 403
    assert (
        client.post(CREATE, {"practice": "X", "title": "Y", "cadence": "weekly"}).status_code == 403
    )
    assert client.post(retire_url(hosted)).status_code == 403
    assert client.post(edit_url(hosted), {"practice": "X", "title": "Y"}).status_code == 403
    hosted.refresh_from_db()
    assert hosted.retired_from is None and hosted.title.startswith("Hosted")


def test_it_lists_both_kinds(login, alice, acme) -> None:
    page = login(alice).get(INDEX).content.decode()
    assert "Official accounts" in page and "Marketing accounts" in page
    assert "8 items in 3 practices, 3 ticked from data" in page
    assert "7 items in 4 practices, 3 ticked from data" in page


def test_it_shows_a_kind_with_its_practices(login, alice, acme) -> None:
    page = login(alice).get(OFFICIAL).content.decode()
    assert ">Stay Authentic</h2>" in page and "Leverage Paid Ads" not in page
    assert "Move “Hosted or joined a live session”" in page
    assert reverse("strategy:checklist-template", args=["acme", "robots"]) not in page
    assert (
        login(alice)
        .get(reverse("strategy:checklist-template", args=["acme", "robots"]))
        .status_code
        == 404
    )


def test_it_adds_an_item_from_this_week_on(login, alice, acmecoffee, last_week) -> None:
    past = open_checklist(acmecoffee, last_week)
    response = login(alice).post(
        CREATE,
        {
            "practice": "Engage Regularly",
            "title": "Pinned a reply to a top comment",
            "cadence": "weekly",
            "evidence_rule": "",
        },
    )
    assert response.status_code == 302
    assert titles("Engage Regularly")[-1] == "Pinned a reply to a top comment"
    assert "Pinned a reply" in login(alice).get(checklist_url(acmecoffee)).content.decode()
    assert all("Pinned" not in s.item.title for s in checklist_states(checklist=past))


def test_it_adds_an_item_in_a_new_practice_through_htmx(login, alice, acme) -> None:
    response = login(alice).post(
        CREATE,
        {
            "practice": "Safety",
            "title": "Checked comments for spam",
            "cadence": "monthly",
            "evidence_rule": "",
        },
        headers=HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="template-editor">')
    assert ">Safety</h2>" in page and "Checked comments for spam" in page
    assert "HX-Request" in response["Vary"]
    assert ChecklistItem.objects.get(title="Checked comments for spam").cadence == "monthly"


def test_it_rerenders_an_invalid_item_with_its_errors(login, alice, acme) -> None:
    response = login(alice).post(
        CREATE, {"practice": "", "title": "", "cadence": "daily"}, headers=HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert "is-invalid" in page
    assert not ChecklistItem.objects.filter(practice__name="").exists()


def test_it_adds_an_item_ticked_from_data(login, alice, acmecoffee) -> None:
    login(alice).post(
        CREATE,
        {
            "practice": "Leverage Paid Ads",
            "title": "Boosted a post",
            "cadence": "weekly",
            "evidence_rule": "paid_promotion_ran",
        },
    )
    added = ChecklistItem.objects.get(title="Boosted a post")
    assert added.is_automatic
    response = login(alice).post(
        CREATE, {"practice": "X", "title": "Y", "cadence": "weekly", "evidence_rule": "magic"}
    )
    assert "Select a valid choice" in response.content.decode()


def test_it_rewords_an_item_and_keeps_its_ticks(
    login, alice, bob, acmecoffee, hosted, last_week
) -> None:
    checklist = open_checklist(acmecoffee, last_week)
    check_set(checklist=checklist, item=hosted, user=bob, ticked=True)
    client = login(alice)
    assert "Hosted or joined a live session" in client.get(edit_url(hosted)).content.decode()
    response = client.post(
        edit_url(hosted),
        {
            "practice": "Engage Regularly",
            "title": "Went live or joined a live",
            "help_text": "At least 15 minutes.",
        },
    )
    assert response.status_code == 302
    hosted.refresh_from_db()
    assert hosted.title == "Went live or joined a live"
    assert Check.objects.get().item == hosted
    page = client.get(checklist_url(acmecoffee, last_week)).content.decode()
    assert "Went live or joined a live" in page and "Ticked by bob" in page


def test_it_rerenders_an_invalid_edit(login, alice, hosted) -> None:
    response = login(alice).post(edit_url(hosted), {"practice": "Engage Regularly", "title": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_it_moves_items_up_and_down(login, alice, hosted) -> None:
    client = login(alice)
    assert titles("Engage Regularly") == [
        "Replied to comments on at least three days",
        "Hosted or joined a live session",
        "Took part in a trend in the brand's voice",
        "Posted at least three videos this week",
    ]
    response = client.post(move_url(hosted), {"direction": "up"}, headers=HTMX)
    assert response.content.decode().lstrip().startswith('<div id="template-editor">')
    assert titles("Engage Regularly")[0] == "Hosted or joined a live session"
    client.post(move_url(hosted), {"direction": "up"})  # already first: nothing moves
    assert titles("Engage Regularly")[0] == "Hosted or joined a live session"
    response = client.post(move_url(hosted), {"direction": "down"})
    assert response.status_code == 302
    client.post(move_url(hosted), {"direction": "down"})
    client.post(move_url(hosted), {"direction": "down"})
    assert titles("Engage Regularly")[-1] == "Hosted or joined a live session"


def test_it_retires_an_item_and_keeps_it_in_past_weeks(
    login, alice, bob, acmecoffee, hosted, last_week
) -> None:
    past = open_checklist(acmecoffee, last_week)
    check_set(checklist=past, item=hosted, user=bob, ticked=True)
    client = login(alice)
    response = client.post(retire_url(hosted))
    assert response.status_code == 302
    page = client.get(checklist_url(acmecoffee)).content.decode()
    assert "was retired" in page
    assert f'id="item-{hosted.public_id}"' not in page
    page = client.get(checklist_url(acmecoffee, last_week)).content.decode()
    assert f'id="item-{hosted.public_id}"' in page and "Ticked by bob" in page
    editor = client.get(OFFICIAL).content.decode()
    assert "Retired items (1)" in editor
    history = client.get(
        reverse("strategy:checklist-history", args=["acme", "acmecoffee"])
    ).content.decode()
    assert "Hosted or joined a live session" in history and ">retired<" in history
    assert f"?week={week_label(last_week)}" in history


def test_it_keeps_ticks_of_items_that_stay(login, alice, bob, acmecoffee) -> None:
    checklist = open_checklist(acmecoffee)
    replied = item(checklist, "Replied")
    check_set(checklist=checklist, item=replied, user=bob, ticked=True)
    login(alice).post(
        CREATE, {"practice": "Engage Regularly", "title": "New thing", "cadence": "weekly"}
    )
    states = {s.item.title: s.done for s in checklist_states(checklist=checklist)}
    assert states["Replied to comments on at least three days"] is True
    assert states["New thing"] is False

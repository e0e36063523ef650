"""Every text a user can write comes out escaped, whatever page shows it.

Each field holds a script tag and an attribute-breaking payload; every page of the product
is read as the lead and as a manager, and none may contain either payload raw. Where a
field is shown, its escaped text must be there, so the test cannot pass by the field not
being rendered.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Team
from analytics.models import Campaign, Scorecard, Video
from analytics.review.marks import scorecard_mark_reviewed
from imports.models import ImportRun
from strategy.models import Practice
from strategy.services import check_note_set, item_create
from tests.access import accounts, analytics, imports, strategy
from tests.access.roles import Cast
from tests.strategy.helpers import item, open_checklist
from tests.test_access_matrix import url_for

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"\' onmouseover="alert(2)" x=\''
PAYLOAD = SCRIPT + ATTRIBUTE
# An uploaded file's name loses everything up to a slash, so its payload has none.
FILE_NAME = "\"'><img src=x onerror=alert(3)>.csv"
RAW = ("<script>alert(1)", 'onmouseover="alert(2)"', "<img src=x onerror")


def assert_no_raw_payload(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{raw!r} unescaped on {where}"


@pytest.fixture
def seeded(acme, globex, alice, bob, charlie, root, acmecoffee, acme_deals, globex_main):
    """Every user-writable text field holding the payload."""
    Team.objects.filter(pk=acme.pk).update(name="Acme " + SCRIPT[:40])
    acme.refresh_from_db()
    acmecoffee.display_name = PAYLOAD
    acmecoffee.goal_note = PAYLOAD
    acmecoffee.save()
    checklist = open_checklist(acmecoffee)
    hosted = item(checklist, "Hosted")
    check_note_set(checklist=checklist, item=hosted, user=bob, note=PAYLOAD)
    added = item_create(
        template=checklist.template,
        practice_name=PAYLOAD[:90],
        title=PAYLOAD,
        help_text=PAYLOAD,
    )
    Campaign.objects.create(account=acmecoffee, name=PAYLOAD)
    Video.objects.create(account=acmecoffee, video_id="7400000000000000001", title=PAYLOAD)
    cast = Cast(acme, globex, alice, bob, charlie, root, acmecoffee, acme_deals, None, globex_main)
    kwargs: dict[str, str] = {}
    for app in (accounts, analytics, imports, strategy):
        kwargs.update(app.url_kwargs(cast))
    # The matrix's own scorecard of @acmecoffee, reviewed with the payload.
    card = Scorecard.objects.get(account=acmecoffee, days=28, period_end=date(2025, 3, 28))
    scorecard_mark_reviewed(scorecard=card, user=alice, comment=PAYLOAD)
    return {"kwargs": kwargs, "item": added, "card": card}


def upload(client, name: str, content: bytes) -> ImportRun:
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    url = reverse("imports:import-upload", args=["acme"]) + "?account=acmecoffee"
    client.post(url, {"format": "auto", "as_of": "2025-01-05", "files": [file]})
    return ImportRun.objects.latest("pk")


def test_no_page_shows_a_payload_raw(seeded, login, alice, bob) -> None:
    client = login(alice)
    upload(client, FILE_NAME, b"date,likes\n2024-12-30,5\n")
    upload(client, "handles.csv", f"date,handle,likes\n2024-12-30,{PAYLOAD},5\n".encode())
    names = [
        name
        for app in (accounts, analytics, imports, strategy)
        for name, entry in app.EXPECTED.items()
        if "GET" in (entry if isinstance(entry, dict) else {entry[0]: None})
        and name not in {"login", "logout", "home"}
    ]
    for user in (alice, bob):
        client = login(user)
        for name in names:
            url = url_for(name, seeded["kwargs"])
            response = client.get(url)
            if response.status_code == 200:
                assert_no_raw_payload(response.content.decode(), f"{url} as {user}")


def shows_escaped(client, url: str, text: str = PAYLOAD) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert_no_raw_payload(html, url)
    assert escape(text) in html, f"the escaped text is not on {url}"


def test_account_texts_are_escaped(seeded, login, alice) -> None:
    client = login(alice)
    shows_escaped(client, reverse("accounts:account-detail", args=["acme", "acmecoffee"]))
    shows_escaped(client, reverse("accounts:account-list", args=["acme"]))
    shows_escaped(client, reverse("accounts:account-edit", args=["acme", "acmecoffee"]))


def test_the_team_name_is_escaped(seeded, login, alice) -> None:
    shows_escaped(login(alice), reverse("accounts:account-list", args=["acme"]), SCRIPT[:40])


def test_the_review_comment_is_escaped(seeded, login, alice) -> None:
    url = reverse("analytics:scorecard-review", args=["acme"]) + "?days=28&end=2025-03-28"
    shows_escaped(login(alice), url)


def test_checklist_notes_and_template_texts_are_escaped(seeded, login, alice, bob) -> None:
    shows_escaped(login(bob), reverse("strategy:checklist", args=["acme", "acmecoffee"]))
    client = login(alice)
    shows_escaped(client, reverse("strategy:checklist-template", args=["acme", "official"]))
    shows_escaped(
        client, reverse("strategy:checklist-template", args=["acme", "official"]), PAYLOAD[:90]
    )
    edit = reverse("strategy:checklist-item-edit", args=["acme", seeded["item"].public_id])
    shows_escaped(client, edit)
    assert Practice.objects.filter(name=PAYLOAD[:90]).exists()


def test_uploaded_file_names_and_handles_are_escaped(seeded, login, alice) -> None:
    client = login(alice)
    named = upload(client, FILE_NAME, b"date,likes\n2024-12-30,5\n")
    assert named.file_names == [FILE_NAME]
    shows_escaped(
        client, reverse("imports:import-detail", args=["acme", named.public_id]), FILE_NAME
    )
    shows_escaped(client, reverse("imports:import-list", args=["acme"]), FILE_NAME)
    handles = upload(client, "h.csv", f"date,handle,likes\n2024-12-30,{PAYLOAD},5\n".encode())
    response = client.get(reverse("imports:import-detail", args=["acme", handles.public_id]))
    assert handles.error_count >= 1
    assert_no_raw_payload(response.content.decode(), "the import's errors")

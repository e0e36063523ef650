"""A right revoked between showing a form (GET) and sending it (POST): the POST is refused.

Each test shows the page, has a lead revoke the right, posts, and compares a checksum of
every product table before and after the POST: a refused write changes nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.access import rights_held
from accounts.models import Membership, Role
from imports.models import ImportRun
from imports.services import imports
from strategy.models import ChecklistItem
from strategy.services import templates_ensure
from tests.factories import ScorecardFactory
from tests.security.checksum import checksum
from tests.strategy.helpers import item, note_url, open_checklist, tick_url

FILES = Path(__file__).resolve().parent.parent / "imports" / "files"
HANDLELESS = b"date,video_views,likes\n2024-12-30,100,7\n2024-12-31,120,9\n"
WITH_HANDLE = b"date,handle,video_views,likes\n2024-12-30,acmecoffee,100,7\n"


def preview(client, name: str, content: bytes, account: str | None = None) -> ImportRun:
    url = reverse("imports:import-upload", args=["acme"])
    if account:
        url += f"?account={account}"
        assert client.get(url).status_code == 200
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    response = client.post(url, {"format": "auto", "as_of": "2025-01-05", "files": [upload]})
    assert response.status_code == 302, response.content.decode()[:2000]
    run = ImportRun.objects.latest("pk")
    assert run.status == ImportRun.Status.PREVIEW, run.errors
    return run


def refused(client, url: str, data: dict | None = None, statuses=(403, 404)) -> None:
    """POSTs and asserts the refusal and that no product table changed."""
    before = checksum()
    response = client.post(url, data or {})
    assert response.status_code in statuses, response.status_code
    assert checksum() == before


def take_off(user, account) -> None:
    account.managers.remove(user)


def demote(user, team) -> None:
    Membership.objects.filter(user=user, team=team).update(role=Role.MANAGER)


# -- imports --


@pytest.mark.parametrize(
    ("name", "content", "account"),
    [
        ("metrics.csv", HANDLELESS, "acmecoffee"),
        ("ads_manager.csv", (FILES / "ads_manager.csv").read_bytes(), "acmecoffee"),
        ("Overview.csv", (FILES / "studio" / "Overview.csv").read_bytes(), "acmecoffee"),
        ("handles.csv", WITH_HANDLE, None),
    ],
)
def test_it_refuses_a_confirm_after_the_manager_left_the_account(
    login, bob, acmecoffee, name: str, content: bytes, account: str | None
) -> None:
    client = login(bob)
    run = preview(client, name, content, account)
    detail = reverse("imports:import-detail", args=["acme", run.public_id])
    assert client.get(detail).status_code == 200
    take_off(bob, acmecoffee)

    before = checksum()
    response = client.post(reverse("imports:import-confirm", args=["acme", run.public_id]))

    assert response.status_code == 403
    assert "no longer manage" in response.content.decode()
    assert checksum() == before


def test_it_refuses_a_confirm_after_the_member_left_the_team(login, bob, acme, acmecoffee) -> None:
    client = login(bob)
    run = preview(client, "metrics.csv", HANDLELESS, "acmecoffee")
    Membership.objects.filter(user=bob, team=acme).delete()
    refused(client, reverse("imports:import-confirm", args=["acme", run.public_id]))


def test_it_refuses_a_confirm_by_a_lead_who_became_a_manager(
    login, alice, acme, acmecoffee, acme_deals
) -> None:
    client = login(alice)
    run = preview(client, "metrics.csv", HANDLELESS, "acme.deals")
    demote(alice, acme)
    refused(
        client, reverse("imports:import-confirm", args=["acme", run.public_id]), statuses=(403,)
    )


def test_it_refuses_a_discard_after_the_member_left_the_team(login, bob, acme, acmecoffee) -> None:
    client = login(bob)
    run = preview(client, "metrics.csv", HANDLELESS, "acmecoffee")
    Membership.objects.filter(user=bob, team=acme).delete()
    refused(client, reverse("imports:import-discard", args=["acme", run.public_id]))


def test_the_service_refuses_a_confirm_whatever_the_view_checked(bob, acme, acmecoffee) -> None:
    run = imports.import_preview(
        membership=bob.memberships.get(),
        user=bob,
        files=[("metrics.csv", HANDLELESS)],
        account=acmecoffee,
        as_of=date(2025, 1, 5),
    )
    take_off(bob, acmecoffee)
    before = checksum()
    with pytest.raises(imports.ImportNotAllowed):
        imports.import_apply(run=run, user=bob)
    assert checksum() == before


# -- scorecards --


def test_it_refuses_a_review_by_a_lead_who_became_a_manager(login, alice, acme, acmecoffee) -> None:
    card = ScorecardFactory(account=acmecoffee)
    client = login(alice)
    page = reverse("analytics:account-scorecard", args=["acme", "acmecoffee"])
    assert client.get(f"{page}?days=28&end=2025-03-28").status_code == 200
    demote(alice, acme)
    url = reverse(
        "analytics:scorecard-mark-reviewed", args=["acme", "acmecoffee", 28, card.period_end]
    )
    refused(client, url, {"reviewed": "1", "comment": "fine"}, statuses=(403,))


def test_it_refuses_a_recompute_by_a_lead_who_became_a_manager(login, alice, acme) -> None:
    client = login(alice)
    assert client.get(reverse("analytics:scorecard-review", args=["acme"])).status_code == 200
    demote(alice, acme)
    url = reverse("analytics:scorecard-recompute", args=["acme"])
    refused(client, url, {"days": "28", "end": "2025-03-28"}, statuses=(403,))


# -- checklists --


@pytest.mark.parametrize("write", ["tick", "note"])
def test_it_refuses_a_tick_or_note_after_the_manager_left_the_account(
    login, bob, acmecoffee, write: str
) -> None:
    client = login(bob)
    checklist = open_checklist(acmecoffee)
    hosted = item(checklist, "Hosted")
    assert client.get(reverse("strategy:checklist", args=["acme", "acmecoffee"])).status_code == 200
    take_off(bob, acmecoffee)
    url = tick_url(acmecoffee, hosted) if write == "tick" else note_url(acmecoffee, hosted)
    refused(client, url, {"ticked": "1", "note": "done"}, statuses=(404,))


@pytest.mark.parametrize("write", ["create", "edit", "move", "retire"])
def test_it_refuses_template_edits_by_a_lead_who_became_a_manager(
    login, alice, acme, write: str
) -> None:
    template = templates_ensure(team=acme)["official"]
    entry = ChecklistItem.objects.filter(practice__template=template, evidence_rule="").first()
    client = login(alice)
    assert (
        client.get(reverse("strategy:checklist-template", args=["acme", "official"])).status_code
        == 200
    )
    demote(alice, acme)
    urls = {
        "create": reverse("strategy:checklist-item-create", args=["acme", "official"]),
        "edit": reverse("strategy:checklist-item-edit", args=["acme", entry.public_id]),
        "move": reverse("strategy:checklist-item-move", args=["acme", entry.public_id]),
        "retire": reverse("strategy:checklist-item-retire", args=["acme", entry.public_id]),
    }
    data = {"practice": "New", "title": "Posted", "cadence": "weekly", "direction": "down"}
    refused(client, urls[write], data, statuses=(403,))


# -- accounts --


@pytest.mark.parametrize("write", ["create", "edit", "archive"])
def test_it_refuses_account_writes_by_a_lead_who_became_a_manager(
    login, alice, acme, acmecoffee, write: str
) -> None:
    client = login(alice)
    assert (
        client.get(reverse("accounts:account-edit", args=["acme", "acmecoffee"])).status_code == 200
    )
    demote(alice, acme)
    args = ["acme"] if write == "create" else ["acme", "acmecoffee"]
    url = reverse(f"accounts:account-{write}", args=args)
    data = {"handle": "newone", "kind": "official", "display_name": "Hijacked", "archived": "1"}
    refused(client, url, data, statuses=(403,))


# -- the primitive --


def test_rights_held_reads_the_right_as_it_is_now(alice, bob, acme, acmecoffee) -> None:
    with rights_held(user=bob, team=acme, account=acmecoffee) as membership:
        assert membership.role == Role.MANAGER
    take_off(bob, acmecoffee)
    with pytest.raises(PermissionDenied), rights_held(user=bob, team=acme, account=acmecoffee):
        pytest.fail("the block must not run")
    demote(alice, acme)
    with pytest.raises(PermissionDenied), rights_held(user=alice, team=acme, lead_only=True):
        pytest.fail("the block must not run")

"""A right revoked after the request's own checks, just before the write: still refused.

The view has already found the membership and the object when the lead's change lands
(simulated by revoking inside the lookup the view makes last); the write re-reads the
right and refuses, and no product table changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from analytics.review.forms import RecomputeForm
from imports.models import ImportRun
from imports.services.imports import import_preview
from strategy.models import ChecklistItem
from strategy.services import templates_ensure
from tests.factories import ScorecardFactory
from tests.security.checksum import checksum, product_tables

CSV = b"date,video_views,likes\n2024-12-30,100,7\n"


def revoking(monkeypatch: pytest.MonkeyPatch, target: str, revoke: Callable[[], object]) -> None:
    """Makes the view's last lookup (`target`) revoke the right before returning."""
    module, name = target.rsplit(".", 1)
    original = getattr(__import__(module, fromlist=[name]), name)

    def lookup(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        revoke()
        return found

    monkeypatch.setattr(target, lookup)


def post_refused(client, url: str, data: dict, status: int = 403) -> None:
    """The write is refused; only the revocation itself (memberships) changed."""
    tables = [table for table in product_tables() if table != "accounts_membership"]
    before = checksum(tables)
    response = client.post(url, data)
    assert response.status_code == status
    assert checksum(tables) == before


def demote(user: Any, team: Any) -> None:
    Membership.objects.filter(user=user, team=team).update(role=Role.MANAGER)


def test_a_template_edit(monkeypatch, login, alice, acme) -> None:
    template = templates_ensure(team=acme)["official"]
    entry = ChecklistItem.objects.filter(practice__template=template, evidence_rule="").first()
    revoking(monkeypatch, "strategy.selectors.item_get", lambda: demote(alice, acme))
    url = reverse("strategy:checklist-item-retire", args=["acme", entry.public_id])
    post_refused(login(alice), url, {})
    entry.refresh_from_db()
    assert entry.retired_from is None


def test_an_account_archive(monkeypatch, login, alice, acme, acmecoffee) -> None:
    revoking(monkeypatch, "accounts.selectors.account_get", lambda: demote(alice, acme))
    url = reverse("accounts:account-archive", args=["acme", "acmecoffee"])
    post_refused(login(alice), url, {"archived": "1"})


def test_a_review(monkeypatch, login, alice, acme, acmecoffee) -> None:
    card = ScorecardFactory(account=acmecoffee)
    revoking(
        monkeypatch,
        "analytics.review.scorecard.scorecard_get",
        lambda: demote(alice, acme),
    )
    url = reverse(
        "analytics:scorecard-mark-reviewed", args=["acme", "acmecoffee", 28, card.period_end]
    )
    post_refused(login(alice), url, {"reviewed": "1", "comment": "late"})


def test_a_recompute(monkeypatch, login, alice, acme) -> None:
    class RevokingForm(RecomputeForm):
        def is_valid(self) -> bool:
            demote(alice, acme)
            return super().is_valid()

    monkeypatch.setattr("analytics.review.views.RecomputeForm", RevokingForm)
    monkeypatch.setattr("analytics.scorecards.queue.broker_available", lambda: True)
    url = reverse("analytics:scorecard-recompute", args=["acme"])
    post_refused(login(alice), url, {"days": "28", "end": "2025-03-28"})


@pytest.mark.parametrize("action", ["imports:import-confirm", "imports:import-discard"])
def test_an_import_confirm_or_discard(monkeypatch, login, bob, acme, acmecoffee, action) -> None:
    run = import_preview(
        membership=bob.memberships.get(),
        user=bob,
        files=[("metrics.csv", CSV)],
        account=acmecoffee,
        as_of=date(2025, 1, 5),
    )
    assert run.status == ImportRun.Status.PREVIEW
    revoking(
        monkeypatch,
        "imports.selectors.import_run_get",
        lambda: Membership.objects.filter(user=bob, team=acme).delete(),
    )
    post_refused(login(bob), reverse(action, args=["acme", run.public_id]), {})

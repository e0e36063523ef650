"""A review whose reviewer's user was deleted reads "by a former member" on every page
that shows it: the team's review table, the account's scorecard and the htmx answer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import Scorecard
from tests.factories import ScorecardFactory, UserFactory

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)
PERIOD = {"days": 28, "end": END.isoformat()}


@pytest.fixture(autouse=True)
def broker_up(monkeypatch) -> None:
    monkeypatch.setattr("analytics.scorecards.queue.broker_available", lambda: True)


@pytest.fixture
def card(acmecoffee) -> Scorecard:
    """acmecoffee's scorecard, reviewed by a user who was deleted since."""
    reviewer = UserFactory(username="gone", first_name="Gone", last_name="Away")
    card = ScorecardFactory(
        account=acmecoffee, period_end=END, overall_score=Decimal("80.0"), flags=""
    )
    Scorecard.objects.filter(pk=card.pk).update(
        reviewed_at=timezone.now(), reviewed_by=reviewer, review_comment="Looked at it"
    )
    reviewer.delete()
    card.refresh_from_db()
    assert card.reviewed_at and card.reviewed_by is None
    return card


def reviewed_by_former_member(html: str) -> None:
    assert "✓ Reviewed" in html
    assert "by a former member, <time" in html
    assert "Gone" not in html


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_review_table_names_a_former_member(request, login, card, who) -> None:
    response = login(request.getfixturevalue(who)).get(
        reverse("analytics:scorecard-review", args=["acme"]), PERIOD
    )
    assert response.status_code == 200
    reviewed_by_former_member(response.content.decode())


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_scorecard_page_names_a_former_member(request, login, card, who) -> None:
    response = login(request.getfixturevalue(who)).get(
        reverse("analytics:account-scorecard", args=["acme", "acmecoffee"]), PERIOD
    )
    assert response.status_code == 200
    reviewed_by_former_member(response.content.decode())


@pytest.mark.parametrize("htmx", [True, False])
def test_the_answer_to_a_review_names_a_former_member(login, alice, card, htmx) -> None:
    """A review refused (its comment too long) answers with the card as it stands."""
    mark_url = reverse(
        "analytics:scorecard-mark-reviewed", args=["acme", "acmecoffee", 28, END.isoformat()]
    )
    headers = {"HX-Request": "true"} if htmx else {}
    response = login(alice).post(
        mark_url, {"reviewed": "1", "comment": "x" * 2001}, headers=headers
    )
    assert response.status_code == 200
    reviewed_by_former_member(response.content.decode())

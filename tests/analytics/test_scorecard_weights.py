"""The scorecard page states each score's weight from the rules, not from the template."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Kind
from analytics.scorecards import rules
from tests.factories import ScorecardFactory

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)


def weights(client, handle: str) -> list[str]:
    response = client.get(
        reverse("analytics:account-scorecard", args=["acme", handle]),
        {"days": 7, "end": END.isoformat()},
    )
    assert response.status_code == 200
    return re.findall(r"weighs (\S+)% in the overall score", response.content.decode())


def test_it_weighs_official_and_marketing_accounts_as_the_rules_do(
    login, alice, acmecoffee, acme_deals
) -> None:
    for account in (acmecoffee, acme_deals):
        ScorecardFactory(account=account, days=7, period_end=END)
    client = login(alice)
    assert weights(client, "acmecoffee") == ["80", "20"]
    assert weights(client, "acme.deals") == ["30", "70"]


def test_it_follows_a_change_of_the_rules(monkeypatch, login, alice, acmecoffee) -> None:
    monkeypatch.setitem(rules.WEIGHTS, Kind.OFFICIAL, (Decimal("0.65"), Decimal("0.35")))
    ScorecardFactory(account=acmecoffee, days=7, period_end=END)
    assert weights(login(alice), "acmecoffee") == ["65", "35"]

"""Spec section 6 on the pages: no quadrant and no scatter point without a score; an
official account without paid activity that is engaging is told its goal is met."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Kind
from tests.factories import AccountFactory, ScorecardFactory

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)


@pytest.fixture
def cards(acmecoffee, acme_deals) -> None:
    # acmecoffee: official, engaging with no ROI score (no paid activity).
    ScorecardFactory(
        account=acmecoffee,
        period_end=END,
        engagement_score=Decimal("90.0"),
        roi_score=None,
        overall_score=Decimal("90.0"),
    )
    # acme.deals: marketing, engaging, no ROI score: not an official account's goal.
    ScorecardFactory(
        account=acme_deals,
        period_end=END,
        engagement_score=Decimal("80.0"),
        roi_score=None,
        overall_score=Decimal("80.0"),
    )
    empty = AccountFactory(team=acmecoffee.team, handle="acme.empty", kind=Kind.OFFICIAL)
    ScorecardFactory(
        account=empty,
        period_end=END,
        engagement_score=None,
        roi_score=None,
        overall_score=None,
        flags="no_data;data_gap",
        days_with_rows=0,
    )


def review(client) -> str:
    url = reverse("analytics:scorecard-review", args=["acme"])
    return client.get(url, {"days": 28, "end": END.isoformat()}).content.decode()


def test_an_account_without_a_score_has_no_quadrant_and_no_point(login, alice, cards) -> None:
    html = review(login(alice))
    data = re.search(r'<script id="scatter-data" type="application/json">(.*?)</script>', html)
    points = {point[0] for point in json.loads(data.group(1))["points"]}
    assert points == {"acmecoffee", "acme.deals"}
    row = re.search(r"@acme\.empty</a>.*?</tr>", html, re.S).group(0)
    assert "At risk" not in row


def test_an_engaging_official_account_without_paid_activity_has_met_its_goal(
    login, alice, cards
) -> None:
    html = review(login(alice))
    official = re.search(r"@acmecoffee</a>.*?</tr>", html, re.S).group(0)
    marketing = re.search(r"@acme\.deals</a>.*?</tr>", html, re.S).group(0)
    assert "goal met" in official.lower()
    assert "goal met" not in marketing.lower()

    url = reverse("analytics:account-scorecard", args=["acme", "acmecoffee"])
    page = login(alice).get(url, {"days": 28, "end": END.isoformat()}).content.decode()
    assert "Engaging, not converting (its goal met" in page

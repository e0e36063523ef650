"""The review table's cells, written out in its rows, match the shared partials they copy."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Kind
from analytics.models import Scorecard
from strategy.services import check_set
from tests.factories import AccountFactory, ScorecardFactory
from tests.strategy.helpers import item, open_checklist

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)


@pytest.fixture(autouse=True)
def broker_up(monkeypatch) -> None:
    monkeypatch.setattr("analytics.scorecards.queue.broker_available", lambda: True)


@pytest.fixture
def cards(acmecoffee, acme_deals, bob) -> None:
    """Every branch of the cells: scores and none, trends up, down, level and none,
    grades and none, flags and none, verified and not, official and marketing, a
    practice score and none."""
    checklist = open_checklist(acmecoffee, date(2025, 3, 17))
    check_set(checklist=checklist, item=item(checklist, "Hosted"), user=bob, ticked=True)
    verified = AccountFactory(team=acme_deals.team, handle="acme.v", kind=Kind.OFFICIAL)
    verified.verified = True
    verified.save()
    shop = AccountFactory(team=acme_deals.team, handle="acme.shop", kind=Kind.MARKETING)
    shop.verified = True
    shop.save()
    rows = [
        (acmecoffee, "90.0", "40.0", "80.0", "75.5", ""),
        (acme_deals, "30.0", "95.0", "75.5", "90.0", "no_paid_marketing;declining"),
        (verified, "50.0", None, "50.0", "50.0", "data_gap"),
        (shop, None, None, None, None, ""),
    ]
    for account, engagement, roi, overall, previous, flags in rows:
        ScorecardFactory(
            account=account,
            period_end=END,
            engagement_score=engagement and Decimal(engagement),
            roi_score=roi and Decimal(roi),
            overall_score=overall and Decimal(overall),
            previous_overall_score=previous and Decimal(previous),
            flags=flags,
        )


def partials(card) -> list[str]:
    def render(name: str, **context: object) -> str:
        return render_to_string(name, context)

    account = card.account
    kind = render("includes/kind_badge.html", account=account)
    if account.is_official and not account.verified:
        kind += (
            ' <span class="badge text-bg-light border" '
            'title="Official accounts are usually verified">not verified</span>'
        )
    score = "analytics/partials/score.html"
    return [
        kind,
        render(score, value=card.engagement_score, of="engagement"),
        render(score, value=card.roi_score, of="roi"),
        render(score, value=card.overall_score, of="overall"),
        render("analytics/partials/grade.html", grade=card.grade),
        render("analytics/partials/trend.html", trend=card.trend),
        render("analytics/partials/practice_score.html", value=card.practice_score),
        render("analytics/partials/flags.html", flags=card.flag_list),
    ]


def test_it_writes_the_same_cells_as_the_partials(login, alice, cards) -> None:
    response = login(alice).get(
        reverse("analytics:scorecard-review", args=["acme"]), {"days": 28, "end": END}
    )
    html = response.content.decode()
    shown = list(response.context["page"].object_list)
    assert len(shown) == 4
    assert {card.trend is None for card in shown} == {True, False}
    assert {card.practice_score is None for card in shown} == {True, False}
    for card in shown:
        row = re.search(
            rf'<th scope="row"><a href="[^"]+">@{re.escape(card.account.handle)}</a></th>'
            r"(.*?)</tr>",
            html,
            flags=re.S,
        )[1]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        # Account kind, three scores, grade, trend, practice and flags; quadrant skipped.
        written = [cells[n] for n in (0, 1, 2, 3, 4, 6, 7, 8)]
        assert written == partials(card), card.account.handle


def _tokens_blanked(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)


@pytest.mark.parametrize(("who", "some_reviewed"), [("alice", True), ("bob", True), ("bob", False)])
def test_it_writes_the_same_review_cells_as_the_partial(
    request, login, alice, acmecoffee, cards, who, some_reviewed
) -> None:
    """The rows' review cells (analytics/templatetags/review_table.py) match
    review.html#review-cell, which the scorecard page and the htmx review answer render."""
    reviewed = [acmecoffee.handle, "acme.v"] if some_reviewed else []
    Scorecard.objects.filter(account__handle__in=reviewed).update(
        reviewed_at=timezone.now(), reviewed_by=alice, review_comment='Fine <b>&</b> "ok"\nand more'
    )
    response = login(request.getfixturevalue(who)).get(
        reverse("analytics:scorecard-review", args=["acme"]), {"days": 28, "end": END}
    )
    html = response.content.decode()
    shown = list(response.context["page"].object_list)
    if who == "alice":
        assert {bool(card.reviewed_at) for card in shown} == {True, False}
    for card in shown:
        row = re.search(
            rf'<th scope="row"><a href="[^"]+">@{re.escape(card.account.handle)}</a></th>'
            r"(.*?)</tr>",
            html,
            flags=re.S,
        )[1]
        written = re.findall(r'<td data-label="Reviewed">(.*?)</td>', row, flags=re.S)[0]
        context = {
            "membership": response.context["membership"],
            "card": card,
            "next_url": response.context["next_url"],
            "csrf_token": "token",
        }
        partial = render_to_string("analytics/review.html#review-cell", context)
        assert _tokens_blanked(written) == _tokens_blanked(partial), card.account.handle

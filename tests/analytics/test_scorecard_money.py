"""The scorecard page writes money in the account's currency and the reader's locale."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import ScorecardFactory

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)


def spend_cell(html: str) -> str:
    match = re.search(r'<td class="text-end" data-figure="spend">(.*?)</td>', html)
    assert match, "no spend cell"
    return match.group(1)


@pytest.mark.parametrize(
    ("currency", "accept_language", "expected"),
    [
        ("USD", "en-US,en;q=0.9", "$1,234.50"),
        ("EUR", "de-DE,de;q=0.9", "1.234,50\xa0€"),
        ("JPY", "en-US", "¥1,234"),
        ("KRW", "ko-KR,ko;q=0.9", "₩1,234"),
    ],
)
def test_it_writes_spend_in_the_accounts_currency_and_the_readers_locale(
    client, login, alice, acmecoffee, currency, accept_language, expected
) -> None:
    acmecoffee.currency = currency
    acmecoffee.save(update_fields=["currency"])
    ScorecardFactory(account=acmecoffee, days=7, period_end=END, spend=Decimal("1234.50"))
    response = login(alice).get(
        reverse("analytics:account-scorecard", args=["acme", "acmecoffee"]),
        {"days": 7, "end": END.isoformat()},
        headers={"Accept-Language": accept_language},
    )
    assert response.status_code == 200
    assert spend_cell(response.content.decode()) == expected

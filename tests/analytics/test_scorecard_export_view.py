"""The CSV download of the scorecards table, with the table's filters."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from analytics.scorecards.export import EXPORT_COLUMNS
from tests.factories import ScorecardFactory

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)


def url() -> str:
    return reverse("analytics:scorecard-export", args=["acme"])


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def cards(acmecoffee, acme_deals):
    return [
        ScorecardFactory(
            account=acmecoffee,
            period_end=END,
            views=1200,
            engagement_rate=Decimal("0.0471234567"),
            spend=Decimal("0.00"),
            roi=Decimal("-0.5"),
            overall_score=Decimal("80.0"),
            flags="declining",
        ),
        ScorecardFactory(account=acme_deals, period_end=END, overall_score=Decimal("40.0")),
    ]


def test_it_requires_login(client, acme) -> None:
    response = client.get(url())
    assert response.status_code == 302 and "/login/" in response.url


def test_it_hides_other_teams(login, charlie, cards) -> None:
    assert login(charlie).get(url()).status_code == 404


def test_it_downloads_the_spec_columns_as_a_dated_attachment(login, alice, cards) -> None:
    response = login(alice).get(url(), {"sort": "-overall_score"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="scorecards-acme-28d-2025-03-28.csv"'
    )
    header, *body = rows(response)
    assert tuple(header) == EXPORT_COLUMNS
    assert [row[0] for row in body] == ["acmecoffee", "acme.deals"]
    first = dict(zip(header, body[0], strict=True))
    assert first["period_start"] == "2025-03-01" and first["period_end"] == "2025-03-28"
    assert first["engagement_rate"] == "0.047123" and first["views"] == "1200"
    # A negative number stays a number: it is not mistaken for a formula.
    assert first["roi"] == "-0.500000"
    assert first["flags"] == "declining" and first["ctr"] == ""


def test_it_applies_the_tables_filters_and_window(login, alice, cards, acmecoffee) -> None:
    ScorecardFactory(account=acmecoffee, days=7, period_end=END)
    body = rows(login(alice).get(url(), {"kind": "marketing"}))[1:]
    assert [row[0] for row in body] == ["acme.deals"]
    body = rows(login(alice).get(url(), {"days": "7", "end": "2025-03-28"}))[1:]
    assert [(row[0], row[2]) for row in body] == [("acmecoffee", "2025-03-22")]
    assert rows(login(alice).get(url(), {"flag": "no_data"}))[1:] == []


def test_it_exports_only_a_managers_accounts(login, bob, cards) -> None:
    body = rows(login(bob).get(url()))[1:]
    assert [row[0] for row in body] == ["acmecoffee"]


def test_it_is_linked_from_the_table_with_the_current_filters(
    login, alice, cards, monkeypatch
) -> None:
    monkeypatch.setattr("analytics.scorecards.queue.broker_available", lambda: True)
    html = (
        login(alice)
        .get(
            reverse("analytics:scorecard-review", args=["acme"]),
            {"kind": "official", "page": "1"},
            headers={"HX-Request": "true", "HX-Target": "scorecards-table"},
        )
        .content.decode()
    )
    assert (
        'href="/t/acme/scorecards/export.csv?kind=official&amp;days=28&amp;end=2025-03-28"' in html
    )

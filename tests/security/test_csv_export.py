"""The scorecards CSV, downloaded through the page: no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from django.urls import reverse

from accounts.models import Kind
from tests.factories import AccountFactory, ScorecardFactory

END = date(2025, 3, 28)


def exported(client) -> list[dict[str, str]]:
    url = reverse("analytics:scorecard-export", args=["acme"]) + f"?days=28&end={END.isoformat()}"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_a_formula_like_value_is_neutralised(login, alice, acme) -> None:
    # Handles are validated on every form; one written to the database some other way
    # must still not reach a spreadsheet as a formula.
    for handle in ("=1+2", "@sum(a1)", "+cmd", "-2+3"):
        account = AccountFactory(team=acme, handle=handle, kind=Kind.OFFICIAL)
        ScorecardFactory(account=account, days=28, period_end=END)
    rows = exported(login(alice))
    handles = sorted(row["handle"] for row in rows)
    assert handles == sorted(["'=1+2", "'@sum(a1)", "'+cmd", "'-2+3"])


def test_negative_numbers_stay_numbers(login, alice, acme, acmecoffee) -> None:
    ScorecardFactory(
        account=acmecoffee, days=28, period_end=END, follower_growth=Decimal("-0.012500")
    )
    (row,) = exported(login(alice))
    assert row["handle"] == "acmecoffee"
    assert row["follower_growth"].startswith("-0.0125")

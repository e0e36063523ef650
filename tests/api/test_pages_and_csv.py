"""Cursor pages walk a 1,000-account team without repeats or gaps; CSV equals the page export."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Account, Kind
from tests.api.conftest import fill
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def many_accounts(team, count: int, start: int = 0, handles: list[str] | None = None) -> None:
    template = AccountFactory.build(team=team, kind=Kind.MARKETING)
    fields = {
        f.attname: getattr(template, f.attname)
        for f in Account._meta.concrete_fields
        if f.attname not in ("id", "public_id", "handle", "created_at", "updated_at")
    }
    Account.objects.bulk_create(
        [
            Account(handle=handle, **fields)
            for handle in handles or [f"acc{n:05d}" for n in range(start, start + count)]
        ]
    )


def test_it_walks_a_thousand_accounts_without_repeats_or_gaps(call, key, acme) -> None:
    many_accounts(acme, 1000)
    expected = set(Account.objects.filter(team=acme).values_list("handle", flat=True))
    seen: list[str] = []
    url = "/api/v1/accounts?limit=100"
    inserted_after = []
    pages = 0
    while url:
        body = call(url, key).json()
        pages += 1
        seen += [item["handle"] for item in body["items"]]
        # Accounts added while walking: before the cursor (never shown now) and after it.
        if pages == 3:
            many_accounts(acme, 1, handles=["acc00010a"])  # among the pages already read
            many_accounts(acme, 1, handles=["acc99999"])  # after every page read so far
            inserted_after.append("acc99999")
        url = body["next_cursor"] and f"/api/v1/accounts?limit=100&cursor={body['next_cursor']}"
    assert len(seen) == len(set(seen))
    assert set(seen) == expected | set(inserted_after)
    assert seen == sorted(seen)


def test_a_sessions_pages_walk_the_same_way(call, login, alice, acme) -> None:
    many_accounts(acme, 250)
    client = login(alice)
    seen: list[str] = []
    cursor = ""
    while True:
        body = call(f"/api/v1/accounts?limit=100&cursor={cursor}", client=client).json()
        seen += [item["handle"] for item in body["items"]]
        if not body["next_cursor"]:
            break
        cursor = body["next_cursor"]
    assert len(seen) == len(set(seen)) == 250


def test_the_scorecards_csv_is_the_review_pages_export(
    call, key, login, alice, acmecoffee, acme_deals
) -> None:
    fill(acmecoffee)
    fill(acme_deals)
    acme_deals.handle = "=cmd"  # a handle no form allows, but a file could start with it
    page = login(alice).get(
        reverse("analytics:scorecard-export", args=["acme"]) + "?days=28&end=2025-03-28"
    )
    api = call("/api/v1/scorecards?window=28&end=2025-03-28&format=csv", key)
    assert page.status_code == api.status_code == 200
    assert api["Content-Type"] == "text/csv; charset=utf-8"
    assert api.content == page.content
    assert api.content.count(b"\n") == 3


def test_the_csv_is_formula_safe(call, key, acmecoffee) -> None:
    fill(acmecoffee)
    Account.objects.filter(pk=acmecoffee.pk).update(handle="=cmd")
    body = call("/api/v1/scorecards?window=28&end=2025-03-28&format=csv", key).content.decode()
    assert "\n'=cmd," in body


def test_the_videos_csv_is_the_content_pages_export(call, key, login, alice, acmecoffee) -> None:
    fill(acmecoffee)
    page = login(alice).get(reverse("analytics:video-export", args=["acme", "acmecoffee"]))
    api = call("/api/v1/accounts/acmecoffee/videos?format=csv", key)
    assert page.status_code == api.status_code == 200
    assert api.content == page.content
    assert b"'=Video 0" in api.content


def test_an_accounts_scorecards_page_newest_first(call, key, acmecoffee) -> None:
    from datetime import date, timedelta

    from tests.factories import ScorecardFactory

    for weeks in range(5):
        ScorecardFactory(account=acmecoffee, period_end=date(2025, 3, 28) - timedelta(weeks=weeks))
        ScorecardFactory(
            account=acmecoffee, days=7, period_end=date(2025, 3, 28) - timedelta(weeks=weeks)
        )
    seen = []
    url = "/api/v1/accounts/acmecoffee/scorecards?limit=3"
    while url:
        body = call(url, key).json()
        seen += [(item["period_end"], item["period_start"]) for item in body["items"]]
        cursor = body["next_cursor"]
        url = cursor and f"/api/v1/accounts/acmecoffee/scorecards?limit=3&cursor={cursor}"
    assert len(seen) == len(set(seen)) == 10
    assert [end for end, _ in seen] == sorted((end for end, _ in seen), reverse=True)
    sevens = call("/api/v1/accounts/acmecoffee/scorecards?window=7", key).json()["items"]
    assert len(sevens) == 5

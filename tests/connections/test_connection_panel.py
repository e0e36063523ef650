"""The TikTok connection section of the account page."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from connections.models import AccountSnapshot, Connection, SyncRun

pytestmark = pytest.mark.django_db


def _page(client, account) -> str:  # noqa: ANN001
    return client.get(reverse("accounts:account-detail", args=["acme", account.handle])).content


def test_it_shows_the_display_connection_with_its_followers_and_sync_under_way(
    login, alice, acmecoffee
) -> None:
    display = Connection.objects.create(
        account=acmecoffee, source="display", external_id="open-1", access_token="x"
    )
    done = SyncRun.objects.create(connection=display, date=date(2025, 3, 10), status="done")
    running = SyncRun.objects.create(connection=display, date=date(2025, 3, 11), status="running")
    AccountSnapshot.objects.create(
        account=acmecoffee, date=date(2025, 3, 10), followers=1000, verified=False
    )
    AccountSnapshot.objects.create(
        account=acmecoffee, date=date(2025, 3, 11), followers=1030, verified=True
    )
    page = _page(login(alice), acmecoffee).decode()
    assert "1,030 on 11 Mar 2025, verified" in page
    assert reverse("connections:sync-run", args=["acme", running.public_id]) in page
    assert "A sync is running: follow it" in page
    assert str(done.public_id) not in page
    assert "Sync now" in page


def test_it_reads_neither_syncs_nor_followers_without_a_connection(
    login, alice, acmecoffee
) -> None:
    AccountSnapshot.objects.create(
        account=acmecoffee, date=date(2025, 3, 11), followers=1030, verified=True
    )
    client = login(alice)
    _page(client, acmecoffee)
    with CaptureQueriesContext(connection) as queries:
        page = _page(client, acmecoffee).decode()
    assert "Not connected" in page and "1,030" not in page
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert Connection._meta.db_table in tables
    assert SyncRun._meta.db_table not in tables
    assert AccountSnapshot._meta.db_table not in tables


def test_it_shows_an_ads_connection_without_the_followers(login, alice, acme_deals) -> None:
    Connection.objects.create(
        account=acme_deals, source="ads", external_id="adv-7", access_token="x"
    )
    AccountSnapshot.objects.create(
        account=acme_deals, date=date(2025, 3, 11), followers=1030, verified=True
    )
    page = _page(login(alice), acme_deals).decode()
    assert "advertiser adv-7" in page
    assert "1,030" not in page

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Membership
from analytics.models import DailyMetric, Scorecard
from connections.models import Connection
from imports.models import ImportRun
from lib.dates import monday_of
from notifications.selectors import Topic, attention_get
from strategy.models import Checklist
from strategy.services import checklist_open, templates_ensure
from tests.factories import AccountFactory, ScorecardFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:team-home", args=["acme"])


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def fresh(account) -> None:
    DailyMetric.objects.create(account=account, date=days_ago(1))


def test_it_requires_login(client, acme) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response.url


def test_it_hides_other_teams(login, charlie, acme) -> None:
    assert login(charlie).get(URL).status_code == 404


def test_it_is_the_landing_page_with_an_empty_state(login, alice) -> None:
    response = login(alice).get("/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == URL
    assert "<title>Acme: needs attention · Playbook</title>" in html
    assert "Nothing needs attention" in html


def test_it_names_accounts_whose_data_stopped_with_the_last_import(
    login, alice, acmecoffee, acme_deals
) -> None:
    DailyMetric.objects.create(account=acmecoffee, date=days_ago(5))
    fresh(acme_deals)
    applied = timezone.now() - timedelta(days=5)
    ImportRun.objects.create(
        team=acmecoffee.team,
        status=ImportRun.Status.APPLIED,
        account_handles=["acmecoffee", "acme.deals"],
        applied_at=applied,
    )
    html = login(alice).get(URL).content.decode()
    assert "Data stopped arriving" in html
    assert f"@acmecoffee has no figures since {days_ago(5).strftime('%-d %b %Y')}" in html
    assert f"last import {timezone.localdate(applied).strftime('%-d %b %Y')}" in html
    assert "/imports/new/?account=acmecoffee" in html
    assert "@acme.deals has no" not in html


def test_it_lists_declining_and_unreviewed_scorecards(login, alice, acmecoffee, acme_deals) -> None:
    for account in (acmecoffee, acme_deals):
        fresh(account)
    ScorecardFactory(
        account=acmecoffee,
        flags="declining",
        overall_score=60,
        previous_overall_score=75,
        reviewed_at=timezone.now(),
    )
    ScorecardFactory(account=acme_deals)
    html = login(alice).get(URL).content.decode()
    assert "@acmecoffee is declining (grade" in html and "-15.0 points" in html
    assert "@acme.deals&#x27;s scorecard for" in html and "is not reviewed" in html
    assert reverse("analytics:account-scorecard", args=["acme", "acme.deals"]) in html


def test_it_shows_a_manager_only_their_accounts(login, bob, acmecoffee, acme_deals) -> None:
    html = login(bob).get(URL).content.decode()
    assert "@acmecoffee has no daily figures yet" in html
    assert "acme.deals" not in html
    assert "Your accounts: needs attention" in html


def test_it_lists_connections_to_reconnect_and_failed_syncs(
    login, alice, acmecoffee, acme_deals, display_to_reconnect
) -> None:
    for account in (acmecoffee, acme_deals):
        fresh(account)
    Connection.objects.create(
        account=acme_deals,
        source="ads",
        external_id="2",
        access_token="x",
        last_sync_ok=False,
        last_sync_at=timezone.now(),
        last_error="TikTok answered 500",
    )
    html = login(alice).get(URL).content.decode()
    assert "connection needs reconnecting" in html
    assert reverse("connections:connection-start", args=["acme", "acmecoffee", "display"]) in html
    assert "sync failed on" in html and "TikTok answered 500" in html


def test_it_lists_failed_imports_until_a_later_one_succeeds(login, alice, acme) -> None:
    run = ImportRun.objects.create(
        team=acme, user=alice, status=ImportRun.Status.FAILED, file_names=["march.csv"]
    )
    client = login(alice)
    html = client.get(URL).content.decode()
    assert "The import of march.csv" in html
    assert reverse("imports:import-detail", args=["acme", run.public_id]) in html
    ImportRun.objects.create(team=acme, status=ImportRun.Status.APPLIED, applied_at=timezone.now())
    assert "march.csv" not in client.get(URL).content.decode()


def test_it_lists_checklists_behind_from_thursday(alice, acme, acmecoffee) -> None:
    fresh(acmecoffee)
    templates_ensure(team=acme)
    thursday = monday_of(timezone.localdate()) + timedelta(days=3)
    checklist_open(account=acmecoffee, week_start=monday_of(thursday))
    membership = Membership.objects.get(user=alice, team=acme)
    lines = attention_get(user=alice, membership=membership, today=thursday).lines
    behind = [line for line in lines if line.topic == Topic.CHECKLIST]
    assert len(behind) == 1 and behind[0].text.startswith("@acmecoffee's checklist is ")
    wednesday = thursday - timedelta(days=1)
    lines = attention_get(user=alice, membership=membership, today=wednesday).lines
    assert not [line for line in lines if line.topic == Topic.CHECKLIST]


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def add_accounts(team, n: int, start: int) -> None:
    """n accounts with a line of every kind: stopped data, declining, a checklist, a
    connection to reconnect; written in bulk so that a thousand take a second."""
    templates = templates_ensure(team=team)
    accounts = Account.objects.bulk_create(
        AccountFactory.build(team=team, handle=f"bulk_{start + i}") for i in range(n)
    )
    DailyMetric.objects.bulk_create(DailyMetric(account=a, date=days_ago(6)) for a in accounts)
    Scorecard.objects.bulk_create(
        ScorecardFactory.build(account=a, flags="declining") for a in accounts
    )
    monday = monday_of(timezone.localdate())
    Checklist.objects.bulk_create(
        Checklist(account=a, template=templates[a.kind], week_start=monday) for a in accounts
    )
    Connection.objects.bulk_create(
        Connection(
            account=a,
            source="display",
            external_id=a.handle,
            access_token="x",
            status=Connection.Status.NEEDS_RECONNECT,
        )
        for a in accounts
    )


def test_it_reads_in_the_same_number_of_queries_for_10_and_1000_accounts(
    login, alice, acme
) -> None:
    client = login(alice)
    add_accounts(acme, 10, 0)
    few = count_queries(client)
    add_accounts(acme, 990, 10)
    assert Account.objects.filter(team=acme).count() == 1000
    html = client.get(URL).content.decode()
    # Each section shows its first 50 lines and says how many more there are.
    assert html.count(">Reconnect<") == 50 and "And 950 more like these" in html
    assert count_queries(client) == few


def test_it_escapes_what_uploads_named(login, alice, acme) -> None:
    ImportRun.objects.create(
        team=acme, user=alice, status=ImportRun.Status.FAILED, file_names=["<script>x</script>.csv"]
    )
    html = login(alice).get(URL).content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;.csv" in html


def test_a_manager_lands_on_their_week(login, bob, acme, acmecoffee, acme_deals) -> None:
    templates_ensure(team=acme)
    checklist_open(account=acmecoffee, week_start=monday_of(timezone.localdate()))
    html = login(bob).get(URL).content.decode()
    assert "Your week" in html
    assert "@acmecoffee: " in html and "checklist items done" in html
    assert "acme.deals" not in html
    assert reverse("strategy:checklist", args=["acme", "acmecoffee"]) in html


def test_a_lead_sees_no_week_section(login, alice, acmecoffee) -> None:
    assert "Your week" not in login(alice).get(URL).content.decode()


def test_a_managers_thursday_reads_the_week_once(login, bob, acme, acmecoffee, acme_deals) -> None:
    """From Thursday the lines list checklists behind; they come from the rows of the
    manager's week section, not from a second read of the same checklists."""
    templates_ensure(team=acme)
    client = login(bob)
    with time_machine.travel(datetime(2026, 12, 10, 12, 0, tzinfo=UTC), tick=False):
        thursday = timezone.localdate()
        assert thursday.weekday() == 3
        checklist_open(account=acmecoffee, week_start=monday_of(thursday))
        with CaptureQueriesContext(connection) as queries:
            html = client.get(URL).content.decode()
    checklist_reads = [q for q in queries if 'FROM "strategy_checklist"' in q["sql"]]
    assert len(checklist_reads) == 1
    assert "Your week" in html and re.search(
        r"@acmecoffee&#x27;s checklist is \d+ of \d+ done", html
    )
    assert html.count(reverse("strategy:checklist", args=["acme", "acmecoffee"])) == 2

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
from notifications.selectors import BEHIND_SHARE, SHOWN_LINES, Topic, attention_get
from strategy.models import Checklist, WeekPractice
from strategy.practice_figures import practice_refresh
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
    """n accounts with a line of every kind: stopped data, declining, a checklist behind, a
    connection to reconnect; written in bulk so that a thousand take a few seconds."""
    templates = templates_ensure(team=team)
    accounts = Account.objects.bulk_create(
        AccountFactory.build(team=team, handle=f"bulk_{start + i:04}") for i in range(n)
    )
    DailyMetric.objects.bulk_create(DailyMetric(account=a, date=days_ago(6)) for a in accounts)
    Scorecard.objects.bulk_create(
        ScorecardFactory.build(account=a, flags="declining") for a in accounts
    )
    monday = monday_of(timezone.localdate())
    Checklist.objects.bulk_create(
        Checklist(account=a, template=templates[a.kind], week_start=monday) for a in accounts
    )
    practice_refresh(accounts=accounts, weeks=[monday])
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


class RowsRead:
    """The most rows any one query returned, through connection.execute_wrapper."""

    def __init__(self) -> None:
        self.most = 0

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        self.most = max(self.most, context["cursor"].rowcount)
        return result


# A Thursday: every topic has its lines, the checklists behind included.
THURSDAY = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)


@time_machine.travel(THURSDAY, tick=False)
def test_a_leads_page_reads_the_same_for_10_and_1000_accounts(login, alice, acme) -> None:
    """The database counts each topic's lines and returns the first SHOWN_LINES: a team of a
    thousand accounts costs the same queries as one of ten, and no query returns more rows
    than its sections show (the connections' read serves two)."""
    client = login(alice)
    add_accounts(acme, 10, 0)
    few = count_queries(client)
    add_accounts(acme, 990, 10)
    assert Account.objects.filter(team=acme).count() == 1000
    rows = RowsRead()
    with connection.execute_wrapper(rows):
        html = client.get(URL).content.decode()
    assert rows.most == 2 * SHOWN_LINES
    assert count_queries(client) == few <= 10
    for title, action in [
        ("Data stopped arriving", ">Import figures<"),
        ("Scorecards to look at", ">Open the scorecard<"),
        ("Checklists behind this week", ">Open the checklist<"),
        ("Connections to reconnect", ">Reconnect<"),
    ]:
        assert f'{title} <span class="badge text-bg-secondary">1000</span>' in html
        assert html.count(action) == SHOWN_LINES
    # Each section shows its first 50 lines by handle and says how many more there are.
    assert html.count("And 950 more like these") == 4
    assert "@bulk_0049 has no figures since" in html and "@bulk_0050 has" not in html


@time_machine.travel(THURSDAY, tick=False)
def test_a_checklist_without_stored_figures_is_counted_from_its_items(
    alice, acme, acmecoffee, acme_deals
) -> None:
    templates_ensure(team=acme)
    monday = monday_of(timezone.localdate())
    for account in (acmecoffee, acme_deals):
        checklist_open(account=account, week_start=monday)
    # Written around the services: @acme.deals' checklist has no stored figures.
    WeekPractice.objects.filter(account=acme_deals).delete()
    membership = Membership.objects.get(user=alice, team=acme)
    attention = attention_get(user=alice, membership=membership)
    behind = [line.handle for line in attention.lines if line.topic == Topic.CHECKLIST]
    assert behind == ["acme.deals", "acmecoffee"]
    assert attention.counts[Topic.CHECKLIST] == 2


@time_machine.travel(THURSDAY, tick=False)
@pytest.mark.parametrize("done, counted", [(0, 1), (1, 2), (1, 3), (2, 3), (2, 4), (0, 0), (4, 9)])
def test_the_database_finds_behind_what_the_rule_calls_behind(
    alice, acme, acmecoffee, done, counted
) -> None:
    templates_ensure(team=acme)
    checklist_open(account=acmecoffee, week_start=monday_of(timezone.localdate()))
    WeekPractice.objects.filter(account=acmecoffee).update(done=done, counted=counted)
    membership = Membership.objects.get(user=alice, team=acme)
    lines = attention_get(user=alice, membership=membership).lines
    behind = [line for line in lines if line.topic == Topic.CHECKLIST]
    assert bool(behind) == (bool(counted) and done / counted < BEHIND_SHARE)


def test_reconnects_and_failed_syncs_are_ranked_and_counted_apart(
    login, alice, acme, acmecoffee
) -> None:
    """Sixty connections to reconnect sort before the failed syncs: these are still shown,
    the first fifty of each topic with its own count."""
    fresh(acmecoffee)

    def connections(prefix: str, n: int, **fields) -> None:
        Connection.objects.bulk_create(
            Connection(
                account=AccountFactory(team=acme, handle=f"{prefix}{i:02}"),
                external_id=f"{prefix}{i}",
                access_token="x",
                **fields,
            )
            for i in range(n)
        )

    connections("a", 60, source="display", status=Connection.Status.NEEDS_RECONNECT)
    membership = Membership.objects.get(user=alice, team=acme)
    client = login(alice)
    for failing, shown in ((3, 3), (55, SHOWN_LINES)):
        Connection.objects.filter(source="ads").delete()
        prefix = f"z{failing}_"
        connections(prefix, failing, source="ads", last_sync_ok=False, last_sync_at=timezone.now())
        attention = attention_get(user=alice, membership=membership)
        sections = {section.topic: section for section in attention.sections}
        reconnect, failed = sections[Topic.CONNECTION], sections[Topic.FAILED]
        assert (reconnect.count, len(reconnect.lines), reconnect.more) == (60, SHOWN_LINES, 10)
        assert [line.handle for line in reconnect.lines] == [f"a{i:02}" for i in range(50)]
        assert [line.handle for line in failed.lines] == [f"{prefix}{i:02}" for i in range(shown)]
        assert (failed.count, failed.more) == (failing, failing - shown)
        html = client.get(URL).content.decode()
        assert "And 10 more like these" in html and html.count("sync failed on") == 2 * shown


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

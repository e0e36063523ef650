"""The week's progress of many accounts from the stored figures (week_progress), for the
team home: the same checklist and the same counts as week_overview computes from the items
(the reference), in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from strategy.models import Checklist, WeekPractice
from strategy.selectors import week_overview, week_progress
from strategy.services import check_set
from tests.factories import AccountFactory
from tests.strategy.helpers import item, open_checklist

pytestmark = pytest.mark.django_db


def as_computed(accounts, week) -> list[tuple]:
    return [
        (row.account.pk, row.checklist and row.checklist.pk, row.progress)
        for row in week_overview(accounts=accounts, week_start=week)
    ]


def as_stored(accounts, week) -> list[tuple]:
    return [
        (row.account.pk, row.checklist and row.checklist.pk, row.progress)
        for row in week_progress(accounts=accounts, week_start=week)
    ]


def test_it_gives_the_checklists_and_counts_week_overview_computes(
    acme, bob, acmecoffee, acme_deals, week
) -> None:
    coffee = open_checklist(acmecoffee, week)
    check_set(checklist=coffee, item=item(coffee, "Hosted"), user=bob, ticked=True)
    open_checklist(acme_deals, week)
    not_open = AccountFactory(team=acme, handle="notopen")
    accounts = [acmecoffee, acme_deals, not_open]

    with CaptureQueriesContext(connection) as queries:
        rows = week_progress(accounts=accounts, week_start=week)

    assert len(queries) == 1
    assert [row.account for row in rows] == accounts
    assert as_stored(accounts, week) == as_computed(accounts, week)
    assert rows[0].progress.done >= 2 and rows[0].progress.total > rows[0].progress.done
    assert rows[2].checklist is None and rows[2].progress.total == 0


def test_it_computes_a_checklist_written_without_its_figures(
    acme, acmecoffee, acme_deals, week
) -> None:
    """A checklist written around the services has no stored figures: its counts come
    from its items, as week_overview's do."""
    open_checklist(acmecoffee, week)
    open_checklist(acme_deals, week)
    WeekPractice.objects.filter(account=acme_deals).delete()
    accounts = [acmecoffee, acme_deals]

    assert Checklist.objects.filter(account=acme_deals, week_start=week).exists()
    assert as_stored(accounts, week) == as_computed(accounts, week)
    assert as_stored(accounts, week)[1][2].total > 0


def test_it_reads_nothing_for_no_accounts(week) -> None:
    assert week_progress(accounts=[], week_start=week) == []


def test_by_the_accounts_query_it_gives_the_same_and_leaves_out_accounts_added_since(
    acme, acmecoffee, acme_deals, week
) -> None:
    from accounts.models import Account

    open_checklist(acmecoffee, week)
    accounts = [acmecoffee, acme_deals]
    among = Account.objects.filter(team=acme)
    # One more account of the query, with its checklist, after the accounts were read.
    open_checklist(AccountFactory(team=acme, handle="acme.later"), week)

    with CaptureQueriesContext(connection) as queries:
        rows = week_progress(accounts=accounts, week_start=week, among=among)

    assert len(queries) == 1
    assert [(row.account.pk, row.checklist and row.checklist.pk, row.progress) for row in rows] == (
        as_computed(accounts, week)
    )

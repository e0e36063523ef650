"""notifications.selectors.latest_cards: each account's newest scorecard of the default
window length, one query for any number of accounts."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from analytics.models import Scorecard
from analytics.scorecards.windows import DEFAULT_DAYS
from notifications.selectors import latest_cards
from tests.factories import AccountFactory, ScorecardFactory

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)


def test_each_account_has_its_newest_card_of_the_default_length(acme, globex_main) -> None:
    rng = random.Random(7)
    accounts = [AccountFactory(team=acme, handle=f"acme.n{n}") for n in range(12)]
    for account in accounts:
        for weeks in rng.sample(range(8), rng.randrange(4)):
            ScorecardFactory(account=account, period_end=END - timedelta(weeks=weeks))
        # A shorter window's card, newer than any: not the one.
        if rng.random() < 0.5:
            ScorecardFactory(account=account, days=7, period_end=END + timedelta(days=3))
    ScorecardFactory(account=globex_main, period_end=END + timedelta(days=7))
    # The rule as the pages used to read it: the account's cards of that length, newest first.
    expected = set()
    for account in accounts:
        newest = (
            Scorecard.objects.filter(account=account, days=DEFAULT_DAYS)
            .order_by("-period_end")
            .first()
        )
        if newest is not None:
            expected.add(newest.pk)
    assert 0 < len(expected) < len(accounts)
    with CaptureQueriesContext(connection) as queries:
        found = {card.pk for card in latest_cards(Account.objects.filter(team=acme))}
    assert found == expected
    assert len(queries) == 1


def test_an_account_added_after_the_accounts_were_read_waits_for_the_next_read(acme) -> None:
    from connections.models import Connection
    from notifications import alerts

    team_scope = alerts._accounts(acme)
    team_accounts = list(team_scope)
    # An account and its failing connection come in between the reads.
    new = AccountFactory(team=acme, handle="acme.newcomer")
    ScorecardFactory(account=new, period_end=END, overall_score=None)
    source = Connection._meta.get_field("source").choices[0][0]
    Connection.objects.create(
        account=new, source=source, external_id="x", access_token="t", last_sync_ok=False
    )
    assert alerts._sync_failures(team_accounts, team_scope) == []
    assert alerts._grade_drops(team_accounts, team_scope) == []

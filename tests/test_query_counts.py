"""The heavy pages and the API's list endpoints ask the database the same number of
questions at 10 and 1,000 accounts.

The data is what bench/pages.py loads (fewer days of metrics), and the counts are what
bench/pages.py and bench/api.py print: the review page with its sort and filter partials,
an account's scorecard, its checklist and its Content page, and every list endpoint of
/api/v1/, each for a team of 10 accounts and one of 1,000.

Both tests read the same two teams, so they are loaded once for the module (about 15 s)
in a transaction rolled back after it; each test runs in a savepoint of its own on top,
so what one test writes (a checklist opened, an API key noted) the other never sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from types import ModuleType

import pytest
import time_machine
from django.db import connection, transaction

from tests.bench_scripts import bench_module

# The most queries each page may ask: bench/pages.py's goal, 10. Three of them are every
# signed-in team page's: the session, the user and the memberships. The practice scores
# are one aggregate of strategy's stored weekly figures (strategy.models.WeekPractice).
CEILING = {
    "review": 10,
    "review_sort": 10,
    "review_filter": 10,
    "scorecard": 10,
    "checklist": 10,
    "content": 10,
}


# The account page (/t/<team>/a/<handle>/), which bench/pages.py does not time.
CEILING_ACCOUNT_PAGE = 10


@pytest.fixture(scope="module")
def teams_loaded(django_db_setup, django_db_blocker) -> Iterator[ModuleType]:
    """bench/pages_data.py's 10-account and 1,000-account teams, in a transaction that
    stays open for the module and is rolled back after it: no other module sees them."""
    data = bench_module("pages_data")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            end = data.end_day()
            # Enough days for the four stored 28-day scorecards' windows.
            days = data.WINDOW_DAYS * data.SCORECARD_PERIODS + 1
            data.load_team(data.SMALL_TEAM, data.SMALL_ACCOUNTS, data.SMALL_LEAD, days, end)
            data.load_team(data.BIG_TEAM, 1000, data.LEAD, days, end)
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def data(db: None, teams_loaded: ModuleType) -> ModuleType:
    return teams_loaded


def test_it_asks_the_same_number_of_queries_at_10_and_1000_accounts(data) -> None:
    from accounts.models import Account
    from analytics.models import Scorecard, Video
    from strategy.models import Check

    pages = bench_module("pages")
    big = Account.objects.filter(team__slug=data.BIG_TEAM)
    assert big.count() == 1000
    # The data is really there: scorecards, videos and ticked checklists for every account.
    assert Scorecard.objects.filter(account__in=big, period_end=data.end_day()).count() == 1000
    assert Video.objects.filter(account__in=big).count() == 1000 * data.VIDEOS_PER_ACCOUNT
    assert Check.objects.filter(account__in=big, ticked=True).exists()

    counts = pages.query_counts()

    assert set(counts) == set(pages.PAGES)
    for page, (small, large) in counts.items():
        assert small == large, f"{page}: {small} queries at 10 accounts, {large} at 1,000"
        # A page that asked nothing would prove nothing.
        assert small > 3, page
        assert large <= CEILING[page], f"{page}: {large} queries, more than {CEILING[page]}"


def test_the_account_page_asks_the_same_number_of_queries_at_10_and_1000_accounts(data) -> None:
    """An account's page with every section (the scorecard summary, this week's checklist,
    the content mix, the audience and the connection), for the lead and for a manager."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Account, Team
    from accounts.services import member_add

    pages = bench_module("pages")
    big = Team.objects.get(slug=data.BIG_TEAM)
    manager = member_add(team=big, username="account-page-manager", role="manager").user
    Account.managers.through.objects.bulk_create(
        [
            Account.managers.through(account_id=pk, user_id=manager.pk)
            for pk in Account.objects.filter(team=big).values_list("pk", flat=True)[:50]
        ]
    )
    users = get_user_model().objects
    askers = [
        (data.SMALL_TEAM, users.get(username=data.SMALL_LEAD), pages.handles(data.SMALL_TEAM)[-1]),
        (data.BIG_TEAM, users.get(username=data.LEAD), pages.handles(data.BIG_TEAM)[-1]),
        (data.BIG_TEAM, manager, Account.objects.visible_to(manager).order_by("handle")[0].handle),
    ]
    counts = []
    for team, user, handle in askers:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        path = reverse("accounts:account-detail", args=[team, handle])
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        # The sections have their data: a scorecard, this week's open checklist.
        assert "Open the scorecard" in page and "checklist items done" in page, path
        counts.append(len(queries))

    small, large, managed = counts
    assert small == large == managed, f"{small} at 10 accounts, {large} at 1,000, {managed}"
    assert 3 < large <= CEILING_ACCOUNT_PAGE


def test_each_api_list_endpoint_asks_the_same_number_of_queries_at_10_and_1000_accounts(
    data, api_cap_prefix: str
) -> None:
    from accounts.models import Account

    api = bench_module("api")
    assert Account.objects.filter(team__slug=data.BIG_TEAM).count() == 1000

    counts = api.query_counts()

    assert set(counts) == set(api.ENDPOINTS)
    for name, (small, large) in counts.items():
        assert small == large, f"{name}: {small} queries at 10 accounts, {large} at 1,000"
        assert small >= 2, name


# The team home (Needs attention, and a manager's week): at most 10 queries for a lead and
# for a manager, the same at any number of accounts. A manager's week and the checklists
# behind are one read of the stored weekly figures (strategy.selectors.week_progress).
CEILING_TEAM_HOME = {"lead": 10, "manager": 10}


def test_the_team_home_asks_the_same_number_of_queries_at_10_and_1000_accounts(data) -> None:
    """Counted today and on this week's Thursday, from which the lines also name the
    checklists behind (before Thursday a lead's page reads no checklist)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Account, Team
    from accounts.services import member_add
    from lib.dates import this_week

    def manager_of(team: Team, name: str, accounts: int):
        user = member_add(team=team, username=name, role="manager").user
        Account.managers.through.objects.bulk_create(
            [
                Account.managers.through(account_id=pk, user_id=user.pk)
                for pk in Account.objects.filter(team=team).values_list("pk", flat=True)[:accounts]
            ]
        )
        return user

    def count(team: Team, user) -> int:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        path = reverse("accounts:team-home", args=[team.slug])
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        return len(queries)

    users = get_user_model().objects
    small = Team.objects.get(slug=data.SMALL_TEAM)
    big = Team.objects.get(slug=data.BIG_TEAM)
    askers = {
        "lead": [
            (small, users.get(username=data.SMALL_LEAD)),
            (big, users.get(username=data.LEAD)),
        ],
        "manager": [
            (small, manager_of(small, "home-manager-10", 5)),
            (big, manager_of(big, "home-manager-1000", 50)),
        ],
    }
    thursday = timezone.make_aware(datetime.combine(this_week() + timedelta(days=3), time(12)))
    for role, pair in askers.items():
        at_10, at_1000 = (count(team, user) for team, user in pair)
        assert at_10 == at_1000, f"{role}: {at_10} at 10 accounts, {at_1000} at 1,000"
        assert 3 < at_1000 <= CEILING_TEAM_HOME[role], f"{role}: {at_1000} queries"
        with time_machine.travel(thursday, tick=False):
            assert timezone.localdate().weekday() == 3
            at_10, at_1000 = (count(team, user) for team, user in pair)
        assert at_10 == at_1000, f"{role} on Thursday: {at_10} at 10 accounts, {at_1000} at 1,000"
        assert 3 < at_1000 <= CEILING_TEAM_HOME[role], f"{role} on Thursday: {at_1000} queries"

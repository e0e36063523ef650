"""Practice scores for the later "practice beside outcome": shares of items done."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from accounts.models import Kind
from analytics.evidence import evidence_days_changed
from analytics.models import DailyMetric
from strategy.periods import weeks_back
from strategy.selectors import practice_scores, weekly_progress
from strategy.services import check_set
from tests.factories import AccountFactory
from tests.strategy.helpers import item, open_checklist

pytestmark = pytest.mark.django_db


def tick(checklist, *titles: str, user) -> None:
    for title in titles:
        check_set(checklist=checklist, item=item(checklist, title), user=user, ticked=True)


def test_it_gives_the_share_of_items_done_week_by_week(acmecoffee, bob, week, last_week) -> None:
    tick(open_checklist(acmecoffee, last_week), "Hosted", "Replied", "Took part", user=bob)
    open_checklist(acmecoffee, week)
    progress = weekly_progress(account=acmecoffee, weeks=weeks_back(week, 4))
    # 3 ticked + verified from data, of 7; this week only verified; no checklist before.
    assert {monday: figures.share for monday, figures in progress.items()} == {
        last_week: Decimal("0.5714"),
        week: Decimal("0.1429"),
    }


def test_it_scores_accounts_over_the_weeks_of_a_window(
    acme, acmecoffee, acme_deals, bob, week, last_week
) -> None:
    tick(open_checklist(acmecoffee, last_week), "Hosted", "Replied", "Took part", user=bob)
    tick(open_checklist(acmecoffee, week), "Hosted", user=bob)
    deals = open_checklist(acme_deals, last_week)
    spent_on = last_week + timedelta(days=2)
    DailyMetric.objects.create(account=acme_deals, date=spent_on, spend=20)
    # What an import or the API sync does once it has written the day.
    evidence_days_changed(account_ids=[acme_deals.pk], start=spent_on, end=spent_on)
    idle = AccountFactory(team=acme, handle="idle", kind=Kind.MARKETING)
    # A window from last Sunday to this Tuesday overlaps both weeks.
    scores = practice_scores(
        accounts=[acmecoffee, acme_deals, idle],
        start=week - timedelta(days=1),
        end=week + timedelta(days=1),
    )
    # acmecoffee: (4 + 2) of 14 (one in five is not available without videos). acme.deals:
    # KPI targets and paid promotion, of 7.
    assert scores == {
        acmecoffee.pk: Decimal("0.4286"),
        acme_deals.pk: Decimal("0.2857"),
        idle.pk: None,
    }
    assert deals.week_start == last_week
    only_last_week = practice_scores(accounts=[acmecoffee], start=last_week, end=last_week)
    assert only_last_week == {acmecoffee.pk: Decimal("0.5714")}


def test_it_scores_in_a_constant_number_of_queries(
    acme, bob, week, django_assert_num_queries
) -> None:
    def accounts(count: int, start: int) -> list:
        made = []
        for n in range(count):
            account = AccountFactory(
                team=acme, handle=f"a{start + n}", kind=Kind.MARKETING if n % 2 else Kind.OFFICIAL
            )
            for back in range(3):
                checklist = open_checklist(account, week - timedelta(weeks=back))
                title = "Tried an ad" if account.kind == Kind.MARKETING else "Hosted"
                check_set(checklist=checklist, item=item(checklist, title), user=bob, ticked=True)
            made.append(account)
        return made

    few = accounts(2, 0)
    # One aggregate of the stored weekly figures (strategy.models.WeekPractice).
    with django_assert_num_queries(1):
        practice_scores(accounts=few, start=week - timedelta(weeks=2), end=week)
    many = few + accounts(6, 10)
    with django_assert_num_queries(1):
        scores = practice_scores(accounts=many, start=week - timedelta(weeks=2), end=week)
    assert all(score is not None for score in scores.values())
    # A marketing account, from its stored weekly figures: one query for any number of weeks.
    with django_assert_num_queries(1):
        weekly_progress(account=many[1], weeks=weeks_back(week, 12))
    with django_assert_num_queries(1):
        weekly_progress(account=many[1], weeks=weeks_back(week, 26))


def test_several_periods_are_read_at_once_as_each_alone(
    acme, acmecoffee, acme_deals, bob, week, last_week, django_assert_num_queries
) -> None:
    from strategy.selectors.overview import periods_progress, practice_progress

    tick(open_checklist(acmecoffee, last_week), "Hosted", "Replied", user=bob)
    tick(open_checklist(acmecoffee, week), "Hosted", user=bob)
    # acme.deals has a checklist only last week: nothing in this week's period.
    open_checklist(acme_deals, last_week)
    idle = AccountFactory(team=acme, handle="idle", kind=Kind.MARKETING)
    accounts = [acmecoffee, acme_deals, idle]
    periods = [
        (week, week + timedelta(days=6)),
        (last_week, last_week + timedelta(days=6)),
        (last_week - timedelta(days=1), week + timedelta(days=1)),
    ]

    with django_assert_num_queries(1):
        together = periods_progress(accounts=accounts, periods=periods)

    alone = [practice_progress(accounts=accounts, start=s, end=e) for s, e in periods]
    assert together == alone
    assert together[0][acme_deals.pk].share is None
    assert together[1][acme_deals.pk].share is not None
    assert together[2][idle.pk].share is None


def test_weekly_progress_reads_the_weeks_asked_and_only_those(
    acmecoffee, acme_deals, bob, week
) -> None:
    """Runs of weeks are read as ranges: the same figures as reading the weeks one by one
    (`week_start__in`, kept here as the reference), for runs, gaps, single weeks, weeks
    given twice or out of order, and none; another account's weeks never come with them."""
    from strategy.models import WeekPractice
    from strategy.selectors import Progress

    mondays = [week - timedelta(weeks=n) for n in range(10)]
    for n, monday in enumerate(mondays):
        if n in (4, 7):
            continue  # weeks without a checklist
        checklist = open_checklist(acmecoffee, monday)
        if n % 3 == 0:
            tick(checklist, "Hosted", user=bob)
        open_checklist(acme_deals, monday)

    def reference(weeks: list) -> dict:
        rows = WeekPractice.objects.filter(account=acmecoffee, week_start__in=weeks)
        return {
            start: Progress(done, counted)
            for start, done, counted in rows.values_list("week_start", "done", "counted")
        }

    asked = [
        mondays,
        mondays[::2],
        [mondays[0], mondays[1], mondays[5], mondays[6], mondays[9]],
        [mondays[3]],
        [mondays[4]],
        [mondays[2], mondays[2], mondays[8], mondays[1]],
        [week + timedelta(days=1), mondays[1]],
        [],
    ]
    for weeks in asked:
        progress = weekly_progress(account=acmecoffee, weeks=weeks)
        assert progress == reference(weeks), weeks
    assert len(weekly_progress(account=acmecoffee, weeks=mondays)) == 8

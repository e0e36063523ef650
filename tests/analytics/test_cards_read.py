"""The review table's hand-written reads (analytics.review.cards_read) give what the ORM's
reads gave (tests/analytics/review_reference.py), over random cards, filters, sorts and users."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db.models.expressions import RawSQL

from accounts.models import Account, Kind, Membership
from analytics.models import DailyMetric
from analytics.review import cards_read
from analytics.review.cards_read import CardFilters, Cards, Scope
from analytics.scorecards.terms import FLAGS, QUADRANTS
from analytics.scorecards.windows import window_of
from strategy.models import WeekPractice
from tests.analytics import review_reference as reference
from tests.factories import AccountFactory, ScorecardFactory
from tests.strategy.helpers import open_checklist

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)
WINDOW = window_of(end=END, days=28)
HANDLE_CHARACTERS = "abc01_."


def score(rng: random.Random) -> Decimal | None:
    # Few distinct values, so that ties (broken by handle) are common.
    return None if rng.random() < 0.15 else Decimal(rng.choice(["12.5", "50.0", "74.0", "99.9"]))


@pytest.fixture
def cards(acme, globex, alice, bob, acmecoffee, acme_deals, globex_main) -> list[Account]:
    """Some forty accounts of acme (a few archived, bob managing some), most with a card of
    WINDOW and some with a card of another window; practice figures in some of the
    window's weeks; last days of data before, in and after the window."""
    rng = random.Random(16)
    accounts = [acmecoffee, acme_deals]
    handles = set()
    while len(handles) < 40:
        handles.add("".join(rng.choice(HANDLE_CHARACTERS) for _ in range(5)) + "x")
    for handle in sorted(handles):
        accounts.append(
            AccountFactory(
                team=acme,
                handle=handle,
                kind=rng.choice([Kind.OFFICIAL, Kind.MARKETING]),
                verified=rng.random() < 0.5,
                archived=rng.random() < 0.1,
            )
        )
    for account in accounts:
        if rng.random() < 0.5:
            account.managers.add(bob)
        if rng.random() < 0.85:
            overall = score(rng)
            ScorecardFactory(
                account=account,
                engagement_score=score(rng),
                roi_score=score(rng),
                overall_score=overall,
                previous_overall_score=score(rng),
                grade="" if overall is None else rng.choice("ABCDF"),
                quadrant="" if overall is None else rng.choice(QUADRANTS),
                flags=";".join(rng.sample(FLAGS, rng.choice([0, 0, 1, 2, 3]))),
                days_with_rows=rng.choice([0, 14, 28]),
                reviewed_at=rng.choice([None, datetime(2025, 3, 29, 9, tzinfo=UTC)]),
                reviewed_by=rng.choice([None, alice, bob]),
                review_comment=rng.choice(["", "Fine."]),
                computed_at=datetime(2025, 3, 29, rng.randrange(24), tzinfo=UTC),
            )
        if rng.random() < 0.3:
            ScorecardFactory(account=account, days=7, computed_at=datetime(2025, 4, 2, tzinfo=UTC))
        for offset in rng.sample([-40, -3, 0, 5], rng.randrange(3)):
            DailyMetric.objects.create(account=account, date=END + timedelta(days=offset))
        for week in rng.sample(
            [
                WINDOW.start - timedelta(days=WINDOW.start.weekday()) + timedelta(weeks=n)
                for n in (0, 2, 4)
            ],
            rng.randrange(3),
        ):
            open_checklist(account, week)
    for figures in WeekPractice.objects.all():
        figures.counted = rng.choice([0, 3, 4, 6, 8])
        figures.done = rng.randint(0, figures.counted)
        figures.save(update_fields=["done", "counted"])
    ScorecardFactory(account=globex_main)
    return accounts


FILTERS = [
    CardFilters(),
    CardFilters(kind=Kind.OFFICIAL),
    CardFilters(kind=Kind.MARKETING, search="a"),
    CardFilters(search="@B"),
    CardFilters(search="_"),
    CardFilters(search="1."),
    CardFilters(search="%"),
    CardFilters(grade="A"),
    CardFilters(quadrant=QUADRANTS[0]),
    *(CardFilters(flag=flag) for flag in FLAGS),
]


def membership_of(user, team) -> Membership:
    return Membership.objects.select_related("team").get(user=user, team=team)


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_cards_their_order_and_rows_are_the_orms(request, cards, acme, who) -> None:
    user = request.getfixturevalue(who)
    membership = membership_of(user, acme)
    scope = Scope(user=user, membership=membership)
    compared = 0
    for filters in FILTERS:
        chosen = {name: getattr(filters, name) for name in CardFilters.__dataclass_fields__}
        matching = reference.scorecards_matching(
            user=user, membership=membership, window=WINDOW, **chosen
        )
        read = Cards(scope=scope, window=WINDOW, filters=filters)
        for name in cards_read.SORT_COLUMNS:
            for sort in (name, f"-{name}"):
                expected = list(
                    reference.scorecards_sorted(matching, sort=sort, window=WINDOW).values_list(
                        *reference.ROW_FIELDS
                    )
                )
                ordered = read.in_order(sort)
                assert len(ordered) == len(expected)
                assert [tuple(row) for row in ordered[0 : len(expected)]] == expected, sort
                # A page in the middle reads the same rows.
                assert [tuple(row) for row in ordered[3:9]] == expected[3:9]
                ids = list(
                    reference.scorecards_sorted(matching, sort=sort, window=WINDOW).values_list(
                        "pk", flat=True
                    )
                )
                assert ordered.ids() == ids
                compared += len(expected)
        listed = reference.listed_accounts(
            reference.active_accounts(user=user, membership=membership),
            kind=filters.kind,
            search=filters.search,
        )
        want = reference.overview(matching, listed)
        got = read.overview(points=False)
        assert (got.count, got.computed_at, got.listed) == (
            want["count"],
            want["newest"],
            want["listed"] or 0,
        ), filters
        with_points = read.overview()
        assert sorted(with_points.points) == want["points"]
        # The points' read counts the cards, the newest and the listed accounts too.
        assert (with_points.count, with_points.computed_at) == (want["count"], want["newest"])
        assert with_points.listed == (want["listed"] if want["count"] else None), filters
        # Without cards the page looks for the accounts without one, whatever it lists.
        assert (with_points.count, with_points.every_account_scored) == (
            got.count,
            got.every_account_scored and got.count > 0,
        )
        sql, params = read.without_card()
        assert list(
            Account.objects.filter(pk__in=RawSQL(sql, params))  # noqa: S611
            .order_by("handle")
            .values_list("pk", flat=True)
        ) == reference.without_card(listed, WINDOW)
    # The comparison compared something: rows in every sort, both ways.
    assert compared > 500


def test_an_unknown_sort_sorts_by_account(cards, acme, alice) -> None:
    scope = Scope(user=alice, membership=membership_of(alice, acme))
    read = Cards(scope=scope, window=WINDOW, filters=CardFilters())
    assert read.in_order("bogus").ids() == read.in_order("handle").ids()


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_whether_data_reaches_a_day_is_the_orms(request, cards, acme, who) -> None:
    user = request.getfixturevalue(who)
    membership = Membership.objects.filter(user=user).select_related("team").first()
    scope = Scope(user=user, membership=membership)
    accounts = reference.active_accounts(user=user, membership=membership).annotate(
        last=reference.last_data_day()
    )
    for offset in range(-45, 8):
        day = END + timedelta(days=offset)
        assert scope.has_data_since(day) == accounts.filter(last__gte=day).exists(), day


def test_another_teams_membership_sees_no_card(cards, acme, alice, charlie) -> None:
    # charlie's membership is of globex; read as alice's request it sees nothing.
    scope = Scope(user=alice, membership=Membership.objects.get(user=charlie))
    read = Cards(scope=scope, window=WINDOW, filters=CardFilters())
    assert scope.empty and not read.in_order("handle").ids()
    assert read.overview().count == 0 and not scope.has_data_since(END - timedelta(days=90))

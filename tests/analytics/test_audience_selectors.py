"""Reads of an account's audience: best hours, the activity window, means, country names."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from analytics.content.audience import (
    audience_get,
    audience_shares,
    babel_locale,
    best_hours,
    follower_activity,
    territory_name,
)
from analytics.models import AudienceShare, FollowerActivity

# A Friday (ISO weekday 5).
LATEST = date(2025, 3, 28)


def activity(account, day: date, hour: int, active: int) -> FollowerActivity:
    return FollowerActivity.objects.create(
        account=account, date=day, hour=hour, active_followers=active
    )


def share(account, dimension: str, key: str, value: str, day: date = LATEST) -> AudienceShare:
    return AudienceShare.objects.create(
        account=account, date=day, dimension=dimension, key=key, share=Decimal(value)
    )


def test_it_takes_the_three_highest_means_ties_to_the_earlier_hour() -> None:
    totals = {
        5: (30, 3),  # 10
        9: (20, 2),  # 10, ties with 5 and 21
        21: (40, 4),  # 10
        13: (33, 3),  # 11
        2: (9, 1),  # 9
    }
    assert best_hours(totals) == [13, 5, 9]


def test_it_compares_means_exactly_not_as_floats() -> None:
    # As floats both means are 1.0 and the earlier hour would win; exactly, 5:00 is higher.
    totals = {0: (1, 1), 5: (10**17 + 1, 10**17)}
    assert float(Fraction(*totals[5])) == 1.0
    assert best_hours(totals) == [5, 0]
    # 10/3 and 20/6 are the same mean: a tie, so the earlier hour comes first.
    assert best_hours({7: (20, 6), 4: (10, 3)}) == [4, 7]


def test_it_gives_fewer_hours_when_fewer_have_rows() -> None:
    assert best_hours({8: (5, 1), 3: (0, 0)}) == [8]
    assert best_hours({}) == []


@given(
    st.dictionaries(
        st.integers(0, 23),
        st.tuples(st.integers(0, 10**12), st.integers(1, 31)),
        max_size=24,
    )
)
def test_it_ranks_hours_as_cross_multiplying_does(totals: dict[int, tuple[int, int]]) -> None:
    chosen = best_hours(totals)

    def beats(a: int, b: int) -> bool:
        """Hour a ranks before hour b: a higher mean (compared in integers), or the same
        mean at an earlier hour."""
        (sum_a, rows_a), (sum_b, rows_b) = totals[a], totals[b]
        return sum_a * rows_b > sum_b * rows_a or (sum_a * rows_b == sum_b * rows_a and a < b)

    assert len(chosen) == min(3, len(totals))
    assert all(beats(a, b) for a, b in zip(chosen, chosen[1:], strict=False))
    assert all(beats(chosen[-1], other) for other in totals if other not in chosen)


@pytest.mark.django_db
def test_it_keeps_the_28_days_ending_on_the_latest_day_with_data(acmecoffee) -> None:
    activity(acmecoffee, LATEST, 10, 100)
    # The first day of the window: 27 days before the latest.
    activity(acmecoffee, LATEST - timedelta(days=27), 10, 300)
    # One day too old: left out, however large.
    activity(acmecoffee, LATEST - timedelta(days=28), 10, 1_000_000)
    activity(acmecoffee, LATEST - timedelta(days=28), 3, 1_000_000)

    result = follower_activity(account=acmecoffee)

    assert result.end == LATEST
    assert result.start == LATEST - timedelta(days=27)
    ten = result.hours[10]
    assert (ten.total, ten.rows, ten.mean) == (400, 2, Fraction(200))
    assert result.hours[3].rows == 0
    assert result.best_hours == [10]


@pytest.mark.django_db
def test_it_ends_the_window_on_each_accounts_own_latest_day(acmecoffee, acme_deals) -> None:
    activity(acmecoffee, LATEST, 1, 5)
    activity(acme_deals, LATEST - timedelta(days=60), 2, 7)

    assert follower_activity(account=acme_deals).end == LATEST - timedelta(days=60)
    assert follower_activity(account=acme_deals).hours[2].total == 7
    assert follower_activity(account=acmecoffee).hours[2].rows == 0


@pytest.mark.django_db
def test_it_averages_each_weekday_and_hour_over_its_own_rows(acmecoffee) -> None:
    # Fridays at 18:00: 100, 200, 400 -> 700/3. The Thursday before: 50 at 18:00.
    for weeks_back, active in ((0, 100), (1, 200), (2, 400)):
        activity(acmecoffee, LATEST - timedelta(weeks=weeks_back), 18, active)
    activity(acmecoffee, LATEST - timedelta(days=1), 18, 50)
    activity(acmecoffee, LATEST - timedelta(days=1), 9, 1)

    result = follower_activity(account=acmecoffee)
    friday = result.hours[18].cells[4]
    thursday = result.hours[18].cells[3]

    assert (friday.weekday, friday.hour) == (5, 18)
    assert friday.mean == Fraction(700, 3)
    assert friday.rounded == 233
    assert thursday.mean == Fraction(50)
    # The hour's mean is over all four rows of 18:00, not the mean of the weekday means.
    assert result.hours[18].mean == Fraction(750, 4)
    assert result.hours[18].rounded == 188
    # No Monday rows at all: no mean, no shade.
    assert result.hours[18].cells[0].mean is None
    assert result.hours[18].cells[0].level == 0
    # The busiest cell is the darkest; others are shaded by their share of it, rounded up.
    assert friday.level == 5
    assert thursday.level == 2  # 50 / (700/3) = 0.21 of the way: the second of five shades
    assert result.hours[9].cells[3].level == 1
    assert result.best_hours == [18, 9]


@pytest.mark.django_db
def test_it_has_no_activity_without_rows(acmecoffee, acme_deals) -> None:
    activity(acme_deals, LATEST, 1, 5)
    assert follower_activity(account=acmecoffee) is None


def test_it_names_countries_from_cldr_in_the_requests_language() -> None:
    assert territory_name("DE", babel_locale("en")) == "Germany"
    assert territory_name("DE", babel_locale("de")) == "Deutschland"
    assert territory_name("US", babel_locale("fr")) == "États-Unis"
    assert territory_name("BR", babel_locale("pt-br")) == "Brasil"
    assert territory_name("JP", babel_locale("zh-hans")) == "日本"
    assert territory_name("gb", babel_locale("es")) == "Reino Unido"


def test_it_keeps_others_and_unknown_codes_as_they_are() -> None:
    assert territory_name("Others", babel_locale("de")) == "Others"
    assert territory_name("ZZZ", babel_locale("de")) == "ZZZ"
    # A language CLDR does not know falls back to English names.
    assert territory_name("DE", babel_locale("xx-nope")) == "Germany"
    assert territory_name("DE", babel_locale(None)) == "Germany"


@pytest.mark.django_db
def test_it_shows_each_dimensions_latest_download_day(acmecoffee, acme_deals) -> None:
    gender, territory = AudienceShare.Dimension.GENDER, AudienceShare.Dimension.TERRITORY
    earlier = LATEST - timedelta(days=10)
    share(acmecoffee, gender, "Female", "0.4", earlier)
    share(acmecoffee, gender, "Female", "0.59")
    share(acmecoffee, gender, "Male", "0.38")
    share(acmecoffee, gender, "Other", "0.03")
    share(acmecoffee, territory, "US", "0.5", earlier)
    share(acmecoffee, territory, "Others", "0.6", earlier)
    share(acmecoffee, territory, "DE", "0.9", earlier)
    share(acme_deals, territory, "FR", "1", LATEST)

    genders, territories = audience_shares(account=acmecoffee, language="de")

    assert genders.date == LATEST
    assert [(row.key, row.share) for row in genders.rows] == [
        ("Female", Decimal("0.59")),
        ("Male", Decimal("0.38")),
        ("Other", Decimal("0.03")),
    ]
    # Territories were last downloaded earlier: that day's lines, "Others" last.
    assert territories.date == earlier
    assert [row.label for row in territories.rows] == [
        "Deutschland",
        "Vereinigte Staaten",
        "Others",
    ]


@pytest.mark.django_db
def test_it_reads_the_panel_in_a_constant_number_of_queries(acmecoffee) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            audience_get(account=acmecoffee, language="en")
        return len(queries)

    empty = count()
    activity(acmecoffee, LATEST, 1, 5)
    share(acmecoffee, AudienceShare.Dimension.GENDER, "Male", "1")
    small = count()
    FollowerActivity.objects.bulk_create(
        FollowerActivity(
            account=acmecoffee, date=LATEST - timedelta(days=d), hour=h, active_followers=d * h
        )
        for d in range(1, 60)
        for h in range(24)
    )
    for code in ("US", "DE", "FR", "GB", "Others"):
        share(acmecoffee, AudienceShare.Dimension.TERRITORY, code, "0.2")
    for day in range(1, 5):
        share(acmecoffee, AudienceShare.Dimension.GENDER, "Male", "1", LATEST - timedelta(days=day))

    # The shares; the newest activity rows with the import that brought them joined in.
    assert empty == 2
    assert small == count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(25))
def test_the_heatmap_is_what_the_databases_grouping_gave(seed) -> None:
    """Random files (days with gaps, hours missing, zeros, a newest day whose hours had not
    all happened or none of them): the same heatmap as grouping in the database gave
    (tests/analytics/activity_reference.py)."""
    import random

    from tests.analytics.activity_reference import follower_activity as reference
    from tests.factories import AccountFactory

    rng = random.Random(seed)
    account = AccountFactory()
    days = sorted(rng.sample(range(90), rng.choice([1, 2, 5, 20, 40, 80])))
    newest = LATEST - timedelta(days=days[0])
    zeros_from = rng.choice([None, None, 0, rng.randint(1, 23)])
    rows = []
    for day in days:
        on = LATEST - timedelta(days=day)
        every_hour = rng.random() < 0.7
        hours = range(24) if every_hour else sorted(rng.sample(range(24), rng.randint(1, 24)))
        for hour in hours:
            active = rng.choice([0, rng.randint(0, 5000), rng.randint(0, 5000)])
            if on == newest and zeros_from is not None and hour >= zeros_from:
                active = 0
            rows.append(
                FollowerActivity(account=account, date=on, hour=hour, active_followers=active)
            )
    FollowerActivity.objects.bulk_create(rows)

    assert follower_activity(account=account) == reference(account=account)

"""Weekly history: the scorecards of every Sunday over a range, from sliding sums, hold
exactly what the reference rules give for those dates (tests/analytics/rules_reference.py,
fed with sums added up in Python from the daily rows)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal

import pytest

from accounts.models import Account
from analytics.models import DailyMetric, Scorecard
from analytics.scorecards import rules
from analytics.scorecards.compute import COMPUTED_FIELDS, scorecards_compute
from analytics.scorecards.history import scorecards_history, week_ends
from tests.analytics.chunked import END, accounts_with_history
from tests.analytics.reference_scores import reference_score
from tests.analytics.test_window_totals import added_up

pytestmark = pytest.mark.django_db

WIDE = Context(prec=80, rounding=ROUND_HALF_EVEN)
# Every figure a recompute writes but its window length and time.
COMPARED = tuple(name for name in COMPUTED_FIELDS if name not in ("days", "computed_at"))


def column(name: str, value: object) -> object:
    field = Scorecard._meta.get_field(name)
    if value is None or field.get_internal_type() != "DecimalField":
        return value
    return value.quantize(Decimal(1).scaleb(-field.decimal_places), context=WIDE)


def expected_card(account: Account, end: date, days: int) -> dict[str, object]:
    start, _ = rules.period(end, days)
    totals = added_up(account, start, end) or rules.EMPTY_TOTALS
    score, previous_overall = reference_score(account, start, end)
    figures = score.figures
    values = {
        "days_with_rows": totals.days_with_rows,
        "days_with_spend": totals.days_with_spend,
        "views": figures.views,
        "interactions": figures.interactions,
        "impressions": figures.impressions,
        "clicks": figures.clicks,
        "conversions": figures.conversions,
        "spend": figures.spend,
        "revenue": figures.revenue,
        "followers_base": totals.followers_base,
        "followers_end": totals.followers_end,
        "engagement_rate": figures.engagement_rate,
        "follower_growth": figures.follower_growth,
        "ctr": figures.ctr,
        "conversion_rate": figures.conversion_rate,
        "cpa": figures.cpa,
        "roas": figures.roas,
        "roi": figures.roi,
        "engagement_score": score.engagement_score,
        "roi_score": score.roi_score,
        "overall_score": score.overall_score,
        "previous_overall_score": previous_overall,
        "grade": score.grade,
        "quadrant": score.quadrant,
        "flags": ";".join(score.flags),
    }
    return {name: column(name, value) for name, value in values.items()}


def test_week_ends_are_the_sundays_of_the_range() -> None:
    assert week_ends(date(2025, 3, 1), date(2025, 3, 23)) == [
        date(2025, 3, 2),
        date(2025, 3, 9),
        date(2025, 3, 16),
        date(2025, 3, 23),
    ]
    assert week_ends(date(2025, 3, 3), date(2025, 3, 8)) == []


def test_every_sunday_holds_what_the_reference_rules_give(acme) -> None:
    accounts = accounts_with_history(acme, 6, seed=41)
    Account.objects.filter(pk=accounts[1].pk).update(
        target_engagement_rate=Decimal("0.0125"), target_roi=Decimal("0.40")
    )
    # One account without rows at all; one with follower values only before the range read.
    DailyMetric.objects.filter(account=accounts[2]).delete()
    DailyMetric.objects.filter(account=accounts[3], date__gt=END - timedelta(days=60)).update(
        followers=None
    )
    first, last = END - timedelta(days=69), END
    result = scorecards_history(accounts=Account.objects.filter(team=acme), first=first, last=last)

    sundays = week_ends(first, last)
    assert len(sundays) == 10
    assert result.errors == []
    assert result.computed == 6 * 10 * 3
    for account in Account.objects.filter(team=acme):
        for days in (7, 28, 90):
            for end in sundays:
                card = Scorecard.objects.get(account=account, days=days, period_end=end)
                expected = expected_card(account, end, days)
                stored = {name: getattr(card, name) for name in COMPARED}
                assert stored == expected, (account.handle, days, end)


def test_it_agrees_with_a_single_window_recompute_and_keeps_reviews(acme, alice) -> None:
    accounts = accounts_with_history(acme, 3, seed=5)
    sunday = week_ends(END - timedelta(days=6), END)[0]
    scorecards_compute(accounts=Account.objects.filter(team=acme), end=sunday, days=28)
    single = {
        card.account_id: {name: getattr(card, name) for name in COMPARED}
        for card in Scorecard.objects.filter(period_end=sunday, days=28)
    }
    Scorecard.objects.filter(account=accounts[0]).update(reviewed_by=alice, review_comment="ok")
    scorecards_history(accounts=Account.objects.filter(team=acme), first=sunday, last=END)
    for card in Scorecard.objects.filter(period_end=sunday, days=28):
        assert {name: getattr(card, name) for name in COMPARED} == single[card.account_id]
    assert Scorecard.objects.get(account=accounts[0], days=28).review_comment == "ok"


def test_a_year_of_studio_history_gives_weekly_scorecards_for_the_whole_year(acme, broker) -> None:
    from accounts.models import Kind
    from analytics.scorecards.runs import scorecard_run_execute
    from imports.services.imports import import_files
    from tests.factories import AccountFactory
    from tests.imports.studio_files import HISTORY, OVERVIEW, studio_csv, zipped

    downloaded = date(2025, 3, 30)
    days = [downloaded - timedelta(days=back) for back in range(365, 0, -1)]

    def label(day: date) -> str:
        return f"{day:%B} {day.day}"

    overview = studio_csv(
        OVERVIEW,
        [(label(d), 1000 + 37 * d.day + d.month, 20 + d.day, 50 + d.day % 5, 3, 2) for d in days],
    )
    followers = zipped(
        {
            "FollowerHistory.csv": studio_csv(
                HISTORY, [(label(d), 1000 + 3 * n, 3) for n, d in enumerate(days)]
            )
        }
    )
    account = AccountFactory(team=acme, handle="acmeofficial", kind=Kind.OFFICIAL, verified=True)
    result = import_files(
        team=acme,
        user=None,
        files=[("Overview.csv", overview), ("Followers_acmeofficial.zip", followers)],
        account=account,
        as_of=downloaded,
    )
    assert result.ok, result.errors
    run = result.scorecard_run
    assert run.history_from == days[0]
    run = scorecard_run_execute(run_id=run.pk)
    assert run.status == "done", run.error

    sundays = week_ends(days[0], days[-1])
    assert len(sundays) == 52
    for window in (7, 28, 90):
        stored = set(
            Scorecard.objects.filter(account=account, days=window).values_list(
                "period_end", flat=True
            )
        )
        # Every Sunday of the year, and the last day imported.
        assert stored == {*sundays, days[-1]}, window
        for end in sundays:
            card = Scorecard.objects.get(account=account, days=window, period_end=end)
            stored_values = {name: getattr(card, name) for name in COMPARED}
            assert stored_values == expected_card(account, end, window), (window, end)

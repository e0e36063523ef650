"""Practice beside outcome on an account's scorecard: the practice score, the weekly
outcomes selector, the chart's data, the comparison and its honest wording."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.evidence import evidence_days_changed
from analytics.models import DailyMetric
from analytics.review.practice import (
    NO_CHECKLIST,
    NO_METRICS,
    NO_SPEND,
    NO_VIEWS,
    PracticeWeek,
    compare,
    history_weeks,
    outcome_range,
    practice_of_account,
    weekly_outcomes,
)
from analytics.review.scorecard import daily_figures, daily_series
from analytics.scorecards.windows import window_of
from lib.dates import this_week
from strategy.models import Checklist
from strategy.services import check_set
from tests.analytics import practice_reference as reference
from tests.factories import ScorecardFactory
from tests.strategy.helpers import item, open_checklist

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)
TOO_FEW = (
    "Too few weeks to tell whether doing the practices goes with better results "
    "({} of 12 weeks have both a checklist and metrics)"
)


def url(handle: str = "acmecoffee", team: str = "acme") -> str:
    return reverse("analytics:account-scorecard", args=[team, handle])


def weeks_ago(count: int) -> date:
    return this_week() - timedelta(weeks=count)


def metric(account, day: date, **figures) -> DailyMetric:
    row = DailyMetric.objects.create(account=account, date=day, **figures)
    # What an import or the API sync does once it has written the day.
    evidence_days_changed(account_ids=[account.pk], start=day, end=day)
    return row


def tick(checklist: Checklist, *titles: str, user) -> None:
    for title in titles:
        check_set(checklist=checklist, item=item(checklist, title), user=user, ticked=True)


def chart_data(html: str) -> dict:
    pattern = r'<script id="practice-outcome-data" type="application/json">(.*?)</script>'
    raw = re.search(pattern, html)
    return json.loads(raw.group(1))


def text(html: str) -> str:
    """The page's words without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


# -- the weekly outcomes selector --


def test_it_sums_daily_metrics_by_iso_week(acmecoffee, acme_deals) -> None:
    weeks = [date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 17), date(2025, 3, 24)]
    # Week of 3 Mar, Monday and Sunday: 160 interactions of 4000 views; 80 back on 40 spent.
    metric(
        acmecoffee, date(2025, 3, 3), video_views=1000, likes=30, comments=10, spend=10, revenue=50
    )
    metric(
        acmecoffee,
        date(2025, 3, 9),
        video_views=3000,
        likes=90,
        comments=20,
        shares=10,
        spend=30,
        revenue=30,
    )
    # Week of 10 Mar: 5 of 500 views, 5 back on 20 spent (a loss of 75%).
    metric(acmecoffee, date(2025, 3, 12), video_views=500, shares=5, spend=20, revenue=5)
    # Week of 17 Mar: a row without views or spend, so neither rate can be computed.
    metric(acmecoffee, date(2025, 3, 18), video_views=0, likes=0, revenue=7)
    # Week of 24 Mar: no row at all. Around the weeks asked for, and another account's rows.
    metric(acmecoffee, date(2025, 3, 2), video_views=99, likes=99)
    metric(acmecoffee, date(2025, 3, 31), video_views=99, likes=99)
    metric(acme_deals, date(2025, 3, 4), video_views=99, likes=99, spend=1)
    with CaptureQueriesContext(connection) as queries:
        outcomes = weekly_outcomes(account=acmecoffee, weeks=weeks)
    assert len(queries) == 1
    assert sorted(outcomes) == weeks[:3]
    first, second, third = (outcomes[week] for week in weeks[:3])
    assert (first.days_with_rows, first.views, first.interactions) == (2, 4000, 160)
    assert first.engagement_rate == Decimal("0.04")
    assert (first.spend, first.revenue, first.roi) == (Decimal(40), Decimal(80), Decimal(1))
    assert second.engagement_rate == Decimal("0.01")
    assert second.roi == Decimal("-0.75")
    assert (third.days_with_rows, third.views, third.spend) == (1, 0, Decimal(0))
    assert third.engagement_rate is None and third.roi is None


@pytest.mark.parametrize("end_weeks_ago", [0, 3, 20])
def test_it_reads_the_window_and_the_weeks_in_one_query_as_each_alone(
    acmecoffee, acme_deals, end_weeks_ago
) -> None:
    # A window inside the twelve weeks of history, one at its edge, one long before it:
    # the page's one read gives the daily series and the weekly sums each read alone gives.
    for days_ago in range(0, 200, 3):
        day = this_week() - timedelta(days=days_ago)
        metric(acmecoffee, day, video_views=days_ago, likes=1, spend=days_ago % 7, revenue=2)
    metric(acme_deals, this_week(), video_views=99, likes=99, spend=1)
    window = window_of(end=weeks_ago(end_weeks_ago) + timedelta(days=2), days=28)
    weeks = history_weeks()
    with CaptureQueriesContext(connection) as queries:
        days = daily_figures(
            account=acmecoffee, ranges=[(window.start, window.end), outcome_range(weeks)]
        )
    assert len(queries) == 1
    assert daily_series(account=acmecoffee, window=window, days=days) == daily_series(
        account=acmecoffee, window=window
    )
    outcomes = weekly_outcomes(account=acmecoffee, weeks=weeks, days=days)
    assert outcomes == weekly_outcomes(account=acmecoffee, weeks=weeks)
    assert len(outcomes) == 12


def test_it_reads_no_outcomes_for_no_weeks(acmecoffee, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert weekly_outcomes(account=acmecoffee, weeks=[]) == {}


# -- the comparison --


def week(completion: str | None, outcome: str | None) -> PracticeWeek:
    return PracticeWeek(
        week=date(2025, 3, 3),
        completion=None if completion is None else Decimal(completion),
        outcome=None if outcome is None else Decimal(outcome),
    )


def test_it_compares_weeks_at_half_done_and_above_with_the_rest() -> None:
    comparison = compare(
        [
            week("0.5", "0.06"),  # exactly half counts as done
            week("1", "0.04"),
            week("0.4999", "0.03"),
            week("0", "0.02"),
            week(None, "0.90"),  # no checklist: left out
            week("1", None),  # no outcome: left out
        ]
    )
    assert (comparison.done_weeks, comparison.undone_weeks) == (2, 2)
    assert comparison.done_average == Decimal("0.05")
    assert comparison.undone_average == Decimal("0.025")
    assert comparison.difference_points == Decimal("2.5")
    assert comparison.direction == "higher"
    lower = compare([week("1", "-0.5"), week("0.1", "0.25")])
    assert (lower.difference_points, lower.direction) == (Decimal("75.0"), "lower")
    same = compare([week("1", "0.05"), week("0.1", "0.05")])
    assert same.direction == "same"
    one_sided = compare([week("1", "0.05"), week("0.9", "0.07")])
    assert one_sided.undone_average is None and one_sided.difference_points is None
    assert one_sided.direction == ""


# -- the page --


@pytest.fixture
def official_weeks(acmecoffee, bob) -> None:
    """Twelve weeks of acmecoffee: 4 mostly done, 3 mostly not, and 3 with one figure only.

    Done weeks (4 of 7 items, 57.1%): engagement 5%, 6%, 7%, 4% (average 5.5%).
    Other weeks (1 of 7 from data, 14.3%): engagement 3%, 4%, 5% (average 4.0%).
    """
    for n, likes in zip((1, 2, 3, 4), (50, 60, 70, 40), strict=True):
        tick(open_checklist(acmecoffee, weeks_ago(n)), "Hosted", "Replied", "Took part", user=bob)
        metric(acmecoffee, weeks_ago(n) + timedelta(days=2), video_views=1000, likes=likes)
    for n, likes in zip((5, 6, 7), (30, 40, 50), strict=True):
        open_checklist(acmecoffee, weeks_ago(n))
        metric(acmecoffee, weeks_ago(n) + timedelta(days=6), video_views=1000, likes=likes)
    # A checklist, and metrics without views; metrics without a checklist.
    open_checklist(acmecoffee, weeks_ago(8))
    metric(acmecoffee, weeks_ago(8), video_views=0)
    metric(acmecoffee, weeks_ago(9), video_views=100, likes=9)


def test_it_requires_login(client, acmecoffee) -> None:
    response = client.get(url())
    assert response.status_code == 302 and "/login/" in response.url


def test_it_hides_other_teams_and_other_managers_accounts(
    login, charlie, bob, acmecoffee, acme_deals
) -> None:
    assert login(charlie).get(url()).status_code == 404
    assert login(bob).get(url("acme.deals")).status_code == 404
    html = login(bob).get(url()).content.decode()
    assert "Practice beside engagement rate" in html


def test_it_shows_the_practice_score_of_the_scorecards_window(
    login, alice, bob, acmecoffee
) -> None:
    ScorecardFactory(account=acmecoffee, days=7, period_end=END)
    # 7 days to Friday 28 Mar touch the weeks of 17 and 24 Mar: 4 of 7, then 1 of 7.
    tick(open_checklist(acmecoffee, date(2025, 3, 17)), "Hosted", "Replied", "Took", user=bob)
    open_checklist(acmecoffee, date(2025, 3, 24))
    # The week before the window does not count.
    tick(open_checklist(acmecoffee, date(2025, 3, 10)), "Hosted", user=bob)
    response = login(alice).get(url(), {"days": 7, "end": "2025-03-28"})
    assert response.context["practice_score"] == Decimal("0.3571")
    page = text(response.content.decode())
    assert "Practice: 35.7% of checklist items done in the weeks of this period." in page
    assert f'href="{reverse("strategy:checklist-history", args=["acme", "acmecoffee"])}"' in (
        response.content.decode()
    )
    # The 28-day window also takes in the week of 10 Mar (2 of 7): 7 of 21. It shows with
    # the scorecard of that window only.
    response = login(alice).get(url(), {"days": 28, "end": "2025-03-28"})
    assert "Practice:" not in text(response.content.decode())
    ScorecardFactory(account=acmecoffee, days=28, period_end=END)
    response = login(alice).get(url(), {"days": 28, "end": "2025-03-28"})
    assert response.context["practice_score"] == Decimal("0.3333")
    assert "Practice: 33.3% of checklist items" in text(response.content.decode())


@pytest.mark.parametrize("end_weeks_ago", [0, 3, 20])
def test_it_reads_score_and_history_at_once_as_each_alone(
    official_weeks, acmecoffee, bob, end_weeks_ago
) -> None:
    # A window inside the twelve weeks of history, one at its edge, one long before it.
    tick(open_checklist(acmecoffee, weeks_ago(20)), "Hosted", user=bob)
    window = window_of(end=weeks_ago(end_weeks_ago) + timedelta(days=2), days=28)
    score, outcome = practice_of_account(account=acmecoffee, window=window)
    assert score == reference.practice_score(account=acmecoffee, window=window)
    assert outcome == reference.practice_outcome(account=acmecoffee)
    assert score is not None
    assert [week.completion for week in outcome.weeks].count(None) == 4


def test_it_says_when_there_is_no_practice_score(login, alice, acmecoffee) -> None:
    ScorecardFactory(account=acmecoffee, days=7, period_end=END)
    html = login(alice).get(url(), {"days": 7, "end": "2025-03-28"}).content.decode()
    assert "Practice: — no checklist items in the weeks of this period" in text(html)


def test_it_compares_weeks_with_the_practices_done_and_the_others(
    login, alice, official_weeks
) -> None:
    response = login(alice).get(url())
    html = response.content.decode()
    page = text(html)
    assert "7 of 12 weeks have both a checklist and metrics." in page
    assert (
        "In the 4 weeks with at least half of the checklist done, the engagement rate averaged "
        "5.5%; in the 3 weeks with less than half done, it averaged 4.0%." in page
    )
    assert "That is 1.5 percentage points higher in the weeks with the practices done." in page
    assert "This is a correlation, not proof" in page
    assert "Too few weeks" not in page


def test_it_charts_twelve_weeks_with_gaps_for_missing_figures(login, alice, official_weeks) -> None:
    html = login(alice).get(url()).content.decode()
    data = chart_data(html)
    mondays = [weeks_ago(n) for n in range(11, -1, -1)]
    assert data["labels"] == [f"{monday.day} {monday:%b}" for monday in mondays]
    # Oldest first: weeks 11 and 10 ago have nothing; 9 has metrics only; 8 no views.
    assert data["completion"] == [None] * 3 + [14.29] * 4 + [57.14] * 4 + [None]
    assert data["outcome"] == [None, None, 9.0, None, 5.0, 4.0, 3.0, 4.0, 7.0, 6.0, 5.0, None]
    assert data["outcome_label"] == "Engagement rate (%)"
    assert 'data-chart="practice-outcome"' in html and "static/js/charts.js" in html
    # The same figures as a table, with the reason for each dash.
    completion = re.search(
        rf'data-week-completion="{weeks_ago(4).isoformat()}">(.*?)</td>', html
    ).group(1)
    assert completion == "57.1%"
    no_views = re.search(rf'data-week-outcome="{weeks_ago(8).isoformat()}">(.*?)</td>', html)
    assert NO_VIEWS in no_views.group(1)
    no_checklist = re.search(rf'data-week-completion="{weeks_ago(9).isoformat()}">(.*?)</td>', html)
    assert NO_CHECKLIST in no_checklist.group(1)
    no_metrics = re.search(rf'data-week-outcome="{weeks_ago(0).isoformat()}">(.*?)</td>', html)
    assert NO_METRICS in no_metrics.group(1)


def test_it_says_plainly_when_there_are_too_few_weeks(login, alice, bob, acmecoffee) -> None:
    for n in range(1, 6):
        open_checklist(acmecoffee, weeks_ago(n))
        metric(acmecoffee, weeks_ago(n), video_views=100, likes=n)
    # A sixth week with only one of the two figures does not count.
    metric(acmecoffee, weeks_ago(6), video_views=100, likes=1)
    page = text(login(alice).get(url()).content.decode())
    assert TOO_FEW.format(5) in page
    assert "averaged" not in page and "correlation, not proof" not in page


def test_it_says_what_to_do_with_nothing_to_compare(login, alice, acmecoffee) -> None:
    html = login(alice).get(url()).content.decode()
    assert TOO_FEW.format(0) in text(html)
    assert reverse("strategy:checklist", args=["acme", "acmecoffee"]) in html
    # Nothing to chart: no empty chart, no table of dashes.
    assert 'id="practice-outcome-data"' not in html and "practice-outcome-table" not in html


def test_it_says_when_every_week_had_the_practices_done(login, alice, bob, acmecoffee) -> None:
    for n in range(1, 7):
        tick(open_checklist(acmecoffee, weeks_ago(n)), "Hosted", "Replied", "Took", user=bob)
        metric(acmecoffee, weeks_ago(n), video_views=100, likes=5)
    page = text(login(alice).get(url()).content.decode())
    assert "6 of 12 weeks have both a checklist and metrics." in page
    assert (
        "At least half of the checklist was done in every one of these 6 weeks (the engagement "
        "rate averaged 5.0%), so there are no weeks with less done to compare with." in page
    )


def test_it_sets_roi_beside_practice_for_a_marketing_account(login, alice, acme_deals) -> None:
    # KPI targets set and paid promotion from the data: 2 of 7; without spend 1 of 7.
    open_checklist(acme_deals, weeks_ago(1))
    metric(acme_deals, weeks_ago(1), spend=Decimal("20.00"), revenue=Decimal("50.00"))
    open_checklist(acme_deals, weeks_ago(2))
    metric(acme_deals, weeks_ago(2), video_views=500, revenue=Decimal("5.00"))
    _score, outcome = practice_of_account(account=acme_deals, window=window_of(end=END, days=7))
    assert outcome.outcome_name == "roi"
    last_two = outcome.weeks[-3:-1]
    assert [(w.completion, w.outcome) for w in last_two] == [
        (Decimal("0.1429"), None),
        (Decimal("0.2857"), Decimal("1.5")),
    ]
    assert last_two[0].outcome_missing == NO_SPEND
    html = login(alice).get(url("acme.deals")).content.decode()
    assert "Practice beside ROI, last 12 weeks" in html
    assert chart_data(html)["outcome"][-2:] == [150.0, None]
    assert chart_data(html)["outcome_label"] == "ROI (%)"
    assert TOO_FEW.format(1) in text(html)


def build_weeks(account, bob, weeks: range) -> None:
    for n in weeks:
        tick(open_checklist(account, weeks_ago(n)), "Hosted", user=bob)
        metric(account, weeks_ago(n), video_views=100, likes=n)


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(), {"days": 7, "end": weeks_ago(1).isoformat()})
    assert response.status_code == 200
    return len(queries)


def test_it_runs_the_same_number_of_queries_for_2_and_11_weeks(
    login, alice, bob, acmecoffee, django_assert_num_queries
) -> None:
    client = login(alice)
    build_weeks(acmecoffee, bob, range(1, 3))
    few = page_queries(client)
    window = window_of(end=weeks_ago(1), days=7)
    # Checklists: one read of their stored weekly figures; outcomes: one aggregate.
    with django_assert_num_queries(2):
        practice_of_account(account=acmecoffee, window=window)
    build_weeks(acmecoffee, bob, range(3, 12))
    assert page_queries(client) == few
    with django_assert_num_queries(2):
        _score, outcome = practice_of_account(account=acmecoffee, window=window)
    assert outcome.weeks_with_both == 11

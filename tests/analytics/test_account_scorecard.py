"""One account's scorecard page, and the scorecard summary on the account page."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.models import DailyMetric
from analytics.scorecards import rules
from tests.factories import ScorecardFactory

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)


def url(handle: str = "acmecoffee", team: str = "acme") -> str:
    return reverse("analytics:account-scorecard", args=[team, handle])


def cell(html: str, attribute: str, name: str) -> str:
    """The text of the table cell marked data-<attribute>="<name>", tags removed."""
    match = re.search(rf'<td class="text-end" data-{attribute}="{name}">(.*?)</td>', html)
    assert match, f"no {attribute} cell for {name}"
    return re.sub(r"<[^>]+>", "", match.group(1))


@pytest.fixture
def week(acmecoffee):
    """A 7-day scorecard ending END, stored as the compute would have stored it."""
    return ScorecardFactory(
        account=acmecoffee,
        days=7,
        period_end=END,
        views=7000,
        interactions=280,
        engagement_rate=Decimal("0.04"),
        followers_base=1000,
        followers_end=1006,
        follower_growth=Decimal("0.006"),
        impressions=0,
        clicks=0,
        conversions=0,
        spend=Decimal("20.00"),
        revenue=Decimal("50.00"),
        roas=Decimal("2.5"),
        roi=Decimal("1.5"),
        engagement_score=Decimal("80.0"),
        roi_score=Decimal("100.0"),
        overall_score=Decimal("84.0"),
        previous_overall_score=Decimal("95.0"),
        flags="paid_heavy_official;declining",
    )


def test_it_requires_login(client, acmecoffee) -> None:
    response = client.get(url())
    assert response.status_code == 302 and "/login/" in response.url


def test_it_hides_other_teams_and_other_managers_accounts(
    login, charlie, bob, acmecoffee, acme_deals
) -> None:
    assert login(charlie).get(url()).status_code == 404
    assert login(bob).get(url("acme.deals")).status_code == 404
    assert login(bob).get(url()).status_code == 200


def test_it_shows_each_figure_against_its_target(login, alice, week) -> None:
    response = login(alice).get(url(), {"days": 7, "end": "2025-03-28"})
    html = response.content.decode()
    assert "<title>@acmecoffee scorecard · Playbook</title>" in html
    assert cell(html, "figure", "engagement_rate") == "4.0%"
    assert cell(html, "sub-score", "engagement_rate") == "80.0"
    # The 3% per 28 days growth target is 0.75% over 7 days; 0.6% of it is 80.
    assert "0.8%" in html
    assert cell(html, "sub-score", "follower_growth") == "80.0"
    expected = rules.sub_score(Decimal("0.006"), Decimal("0.03") * 7 / 28)
    assert expected == Decimal(80)
    # ROI 150% against a target of 100% is capped at 100.
    assert cell(html, "figure", "roi") == "150.0%"
    assert cell(html, "sub-score", "roi") == "100.0"
    # No impressions: CTR cannot be computed, and the page says why.
    assert 'title="No impressions in this period, so there is nothing to divide by."' in html
    assert cell(html, "figure", "ctr").startswith("—")
    assert 'title="No clicks in this period, so there is nothing to divide by."' in html
    assert 'title="No conversions in this period, so there is nothing to divide by."' in html
    assert cell(html, "figure", "spend") == "$20.00"
    assert cell(html, "figure", "roas") == "250.0%"
    assert cell(html, "figure", "views") == "7,000"


def test_it_explains_flags_and_the_change_against_the_previous_period(login, alice, week) -> None:
    html = login(alice).get(url(), {"days": 7, "end": "2025-03-28"}).content.decode()
    assert rules.FLAG_EXPLANATIONS["paid_heavy_official"] in html
    assert rules.FLAG_EXPLANATIONS["declining"] in html
    assert '<span class="visually-hidden">down</span> -11.0' in html
    assert "against the previous 7 days (95.0)" in html
    assert '<span class="pb-grade pb-grade-B" title="Grade B">B</span>' in html
    assert "Engaging, not converting" not in html and "Star" in html


def test_it_charts_the_days_of_the_window(login, alice, week, acmecoffee) -> None:
    DailyMetric.objects.create(
        account=acmecoffee,
        date=END,
        video_views=1000,
        likes=30,
        comments=10,
        shares=10,
        spend=Decimal("10.00"),
        revenue=Decimal("25.00"),
    )
    DailyMetric.objects.create(account=acmecoffee, date=END - timedelta(days=1), video_views=0)
    # Outside the window: not charted.
    DailyMetric.objects.create(account=acmecoffee, date=END - timedelta(days=7), video_views=5)
    html = login(alice).get(url(), {"days": 7, "end": "2025-03-28"}).content.decode()
    raw = re.search(r'<script id="daily-data" type="application/json">(.*?)</script>', html)
    data = json.loads(raw.group(1))
    assert data["labels"] == [(END - timedelta(days=6 - n)).isoformat() for n in range(7)]
    assert data["views"] == [None] * 5 + [0, 1000]
    # Engagement is per day interactions / views, null when there were no views.
    assert data["engagement_rate"] == [None] * 5 + [None, 5.0]
    assert data["spend"] == [None] * 5 + [0.0, 10.0]
    assert data["roas"] == [None] * 5 + [None, 250.0]
    assert 'data-series="engagement_rate"' in html
    assert "— no metrics for this day" in html


def test_it_says_when_there_is_nothing_to_chart(login, alice, week) -> None:
    html = login(alice).get(url(), {"days": 7, "end": "2025-03-28"}).content.decode()
    assert "No daily metrics of @acmecoffee between 22 Mar 2025 and 28 Mar 2025" in html
    assert "data-series" not in html and 'id="daily-data"' not in html


def test_it_lists_the_history_of_the_same_length_newest_first(login, alice, acmecoffee) -> None:
    for weeks in range(22):
        ScorecardFactory(account=acmecoffee, days=7, period_end=END - timedelta(weeks=weeks))
    ScorecardFactory(account=acmecoffee, days=28, period_end=END + timedelta(days=1))
    response = login(alice).get(url(), {"days": 7})
    history = response.context["history"]
    assert len(history) == 20
    assert [card.period_end for card in history[:2]] == [END, END - timedelta(weeks=1)]
    assert {card.days for card in history} == {7}
    # Without an end, the page shows the latest stored scorecard of that length.
    assert response.context["window"].end == END
    html = response.content.decode()
    assert f"{url()}?days=7&amp;end=2025-03-21" in html


def test_it_says_what_to_do_without_a_scorecard(login, alice, bob, acmecoffee) -> None:
    html = login(alice).get(url()).content.decode()
    assert "No scorecard for this period" in html
    assert "Import the account's daily metrics: their scorecards are computed" in html
    # Managers import their accounts' metrics too.
    html = login(bob).get(url()).content.decode()
    assert "Import the account's daily metrics" in html


def test_a_period_with_data_never_says_to_import(login, alice, acmecoffee) -> None:
    from analytics.models import DailyMetric

    for back in range(90):
        DailyMetric.objects.create(
            account=acmecoffee, date=END - timedelta(days=back), video_views=10, likes=1
        )
    html = login(alice).get(url(), {"days": 90, "end": END.isoformat()}).content.decode()
    assert "No scorecard for this period" in html and 'data-empty="not-scored"' in html
    assert "Import the account" not in html and "import the account" not in html


def test_it_lets_leads_review_here_and_managers_only_look(login, alice, bob, week) -> None:
    query = {"days": 7, "end": "2025-03-28"}
    assert "Mark reviewed" in login(alice).get(url(), query).content.decode()
    html = login(bob).get(url(), query).content.decode()
    assert "Mark reviewed" not in html and "Not reviewed" in html


def test_it_reviews_inline_from_this_page(login, alice, week) -> None:
    review = reverse(
        "analytics:scorecard-mark-reviewed", args=["acme", "acmecoffee", 7, "2025-03-28"]
    )
    back = url() + "?days=7&end=2025-03-28"
    response = login(alice).post(
        review,
        {"reviewed": "1", "comment": "Fewer ads", "next": back},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<html" not in html and "Fewer ads" in html and "by alice" in html
    assert login(alice).post(review, {"reviewed": "1", "next": back}).url == back


def test_it_ignores_a_bad_window(login, alice, acmecoffee) -> None:
    ScorecardFactory(account=acmecoffee, period_end=END)
    response = login(alice).get(url(), {"days": "13", "end": "not-a-date"})
    assert response.status_code == 200
    assert (response.context["window"].days, response.context["window"].end) == (28, END)


def test_it_summarises_the_latest_28_day_scorecard_on_the_account_page(
    login, alice, acmecoffee
) -> None:
    ScorecardFactory(account=acmecoffee, period_end=END - timedelta(days=1), overall_score=10)
    ScorecardFactory(account=acmecoffee, period_end=END, overall_score=Decimal("88.0"))
    ScorecardFactory(account=acmecoffee, days=7, period_end=END + timedelta(days=3))
    client = login(alice)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(
            reverse("accounts:account-detail", args=["acme", "acmecoffee"])
        ).content.decode()
    assert "Scorecard, 28 days" in html and "88.0" in html
    assert f"{url()}?days=28&amp;end=2025-03-28" in html
    # The content mix below the summary reads the same period's end (an aggregate, no rows);
    # the summary itself loads its scorecard in one query.
    scorecard_queries = [
        q for q in queries.captured_queries if '"analytics_scorecard"."id"' in q["sql"]
    ]
    assert len(scorecard_queries) == 1


def test_it_says_when_the_account_has_no_scorecard_yet(login, alice, acmecoffee) -> None:
    html = (
        login(alice)
        .get(reverse("accounts:account-detail", args=["acme", "acmecoffee"]))
        .content.decode()
    )
    assert "No 28-day scorecard yet" in html

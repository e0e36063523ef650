"""The team's scorecards page: table, filters, sorting, chart data, review marks."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Kind
from analytics.models import Scorecard
from analytics.scorecards import rules
from strategy.models import Checklist, ChecklistItem
from strategy.services import check_set, checklists_open_week
from tests.factories import AccountFactory, ScorecardFactory, UserFactory

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)
CHECKLIST_WEEK = date(2025, 3, 17)
HTMX = {"HX-Request": "true", "HX-Target": "scorecards-table"}


@pytest.fixture(autouse=True)
def broker_up(monkeypatch) -> None:
    monkeypatch.setattr("analytics.scorecards.queue.broker_available", lambda: True)


def url(team: str = "acme") -> str:
    return reverse("analytics:scorecard-review", args=[team])


def review_url(card: Scorecard) -> str:
    return reverse(
        "analytics:scorecard-mark-reviewed",
        args=["acme", card.account.handle, card.days, card.period_end.isoformat()],
    )


def handles(html: str) -> list[str]:
    """The account handles of the table rows, in order."""
    return re.findall(r'<th scope="row"><a href="[^"]+">@([^<]+)</a>', html)


@pytest.fixture
def cards(acmecoffee, acme_deals) -> dict[str, Scorecard]:
    """Two accounts with a 28-day scorecard ending END; a third with no ROI score."""
    no_roi = AccountFactory(team=acmecoffee.team, handle="acme.brand", kind=Kind.OFFICIAL)
    return {
        "acmecoffee": ScorecardFactory(
            account=acmecoffee,
            period_end=END,
            engagement_score=Decimal("90.0"),
            roi_score=Decimal("40.0"),
            overall_score=Decimal("80.0"),
            previous_overall_score=Decimal("75.5"),
        ),
        "acme.deals": ScorecardFactory(
            account=acme_deals,
            period_end=END,
            engagement_score=Decimal("30.0"),
            roi_score=Decimal("95.0"),
            overall_score=Decimal("75.5"),
            previous_overall_score=Decimal("90.0"),
            flags="no_paid_marketing;declining",
        ),
        "acme.brand": ScorecardFactory(
            account=no_roi,
            period_end=END,
            engagement_score=Decimal("50.0"),
            roi_score=None,
            overall_score=Decimal("50.0"),
            flags="data_gap",
        ),
    }


def test_it_requires_login(client, acme) -> None:
    response = client.get(url())
    assert response.status_code == 302 and "/login/" in response.url


def test_it_hides_other_teams(login, charlie, cards) -> None:
    assert login(charlie).get(url()).status_code == 404
    assert login(charlie).post(review_url(cards["acmecoffee"])).status_code == 404


def test_it_lists_the_scorecards_in_the_products_words(login, alice, cards) -> None:
    response = login(alice).get(url())
    html = response.content.decode()
    assert "<title>Acme scorecards · Playbook</title>" in html
    assert handles(html) == ["acme.brand", "acme.deals", "acmecoffee"]
    assert "pb-official" in html and "pb-marketing" in html
    assert '<span class="pb-grade pb-grade-B" title="Grade B">B</span>' in html
    assert "Engaging, not converting" in html and "Converting, not engaging" in html
    # Flags carry their explanation as a tooltip and as text for screen readers.
    explanation = rules.FLAG_EXPLANATIONS["no_paid_marketing"]
    assert f'title="{explanation}"' in html
    assert f'<span class="visually-hidden">: {explanation}</span>' in html
    # Trends: 80.0 - 75.5 up, 75.5 - 90.0 down, and unknown without a previous score.
    assert '<span class="visually-hidden">up</span> +4.5' in html
    assert '<span class="visually-hidden">down</span> -14.5' in html
    assert "no score to compare" in html
    # A missing score is a dash with the reason.
    assert 'title="Neither CTR, conversion rate nor ROI could be computed"' in html
    assert "28 days</strong>, 1 Mar 2025 to 28 Mar 2025" in html


def test_it_defaults_to_28_days_ending_on_the_latest_stored_period(
    login, alice, acmecoffee
) -> None:
    ScorecardFactory(account=acmecoffee, period_end=END - timedelta(days=1))
    ScorecardFactory(account=acmecoffee, period_end=END)
    ScorecardFactory(account=acmecoffee, period_end=END + timedelta(days=5), days=7)
    response = login(alice).get(url())
    assert response.context["window"].end == END
    assert response.context["window"].days == 28
    response = login(alice).get(url(), {"days": "7"})
    assert response.context["window"].end == END + timedelta(days=5)
    assert handles(response.content.decode()) == ["acmecoffee"]


def test_it_defaults_to_yesterday_without_scorecards(login, alice, acme) -> None:
    response = login(alice).get(url())
    assert response.context["window"].end == timezone.localdate() - timedelta(days=1)
    html = response.content.decode()
    assert "No scorecards for this period yet" in html
    assert "Import your accounts' TikTok metrics" in html
    assert "Recompute now" in html


def test_it_shows_the_scorecards_of_the_chosen_period_only(login, alice, acmecoffee) -> None:
    ScorecardFactory(account=acmecoffee, period_end=END - timedelta(days=7), overall_score=61)
    response = login(alice).get(url(), {"end": (END - timedelta(days=7)).isoformat()})
    assert handles(response.content.decode()) == ["acmecoffee"]
    assert response.context["page"].object_list[0].overall_score == Decimal("61.0")
    # Every active account is listed in every window: without a scorecard, as such.
    html = login(alice).get(url(), {"end": END.isoformat()}).content.decode()
    assert handles(html) == ["acmecoffee"]
    assert 'data-unscored="acmecoffee"' in html and "No data imported yet" in html


def test_it_shows_managers_only_their_accounts_read_only(login, bob, cards) -> None:
    html = login(bob).get(url()).content.decode()
    assert handles(html) == ["acmecoffee"]
    assert "Mark reviewed" not in html and "Recompute now" not in html
    assert "Not reviewed" in html


def test_it_sorts_by_any_column_with_nulls_last(login, alice, cards) -> None:
    client = login(alice)
    get = lambda sort: handles(client.get(url(), {"sort": sort}).content.decode())  # noqa: E731
    assert get("roi_score") == ["acmecoffee", "acme.deals", "acme.brand"]
    assert get("-roi_score") == ["acme.deals", "acmecoffee", "acme.brand"]
    assert get("-overall_score") == ["acmecoffee", "acme.deals", "acme.brand"]
    assert get("trend") == ["acme.deals", "acmecoffee", "acme.brand"]
    assert get("-trend") == ["acmecoffee", "acme.deals", "acme.brand"]
    assert get("-flags") == ["acme.deals", "acme.brand", "acmecoffee"]
    assert get("kind") == ["acme.deals", "acme.brand", "acmecoffee"]
    assert get("-handle") == ["acmecoffee", "acme.deals", "acme.brand"]
    # An unknown column sorts by handle rather than failing.
    assert get("nonsense") == ["acme.brand", "acme.deals", "acmecoffee"]


def test_it_links_each_heading_to_the_other_direction(login, alice, cards) -> None:
    html = login(alice).get(url(), {"sort": "roi_score", "kind": "official"}).content.decode()
    assert 'aria-sort="ascending"' in html
    assert 'href="/t/acme/scorecards/?sort=-roi_score&amp;kind=official"' in html
    assert 'hx-get="/t/acme/scorecards/?sort=engagement_score&amp;kind=official"' in html


def test_it_filters_by_kind_grade_quadrant_flag_and_handle(login, alice, cards) -> None:
    client = login(alice)
    get = lambda **query: handles(client.get(url(), query).content.decode())  # noqa: E731
    assert get(kind="marketing") == ["acme.deals"]
    assert get(grade="B") == ["acme.deals", "acmecoffee"]
    assert get(grade="D") == ["acme.brand"]
    assert get(quadrant="engaging") == ["acmecoffee"]
    assert get(quadrant="at_risk") == ["acme.brand"]
    assert get(flag="declining") == ["acme.deals"]
    assert get(flag="data_gap") == ["acme.brand"]
    assert get(q="@COFFEE") == ["acmecoffee"]
    # An invalid filter value is ignored rather than emptying the table.
    assert get(kind="bogus") == ["acme.brand", "acme.deals", "acmecoffee"]
    html = client.get(url(), {"flag": "no_data"}).content.decode()
    assert "No scorecard of this period matches these filters" in html


def test_it_does_not_match_one_flag_inside_another(login, alice, acmecoffee) -> None:
    ScorecardFactory(account=acmecoffee, period_end=END, flags="paid_heavy_official")
    html = login(alice).get(url(), {"flag": "no_paid_marketing"}).content.decode()
    assert handles(html) == []


def test_it_pages_by_25(login, alice, acme) -> None:
    for n in range(30):
        ScorecardFactory(account=AccountFactory(team=acme, handle=f"acct{n:02d}"), period_end=END)
    client = login(alice)
    first = client.get(url(), {"kind": "official"}).content.decode()
    assert len(handles(first)) == 25
    assert "Page 1 of 2 (30 accounts)" in first
    assert 'href="/t/acme/scorecards/?kind=official&amp;page=2"' in first
    second = client.get(url(), {"kind": "official", "page": "2"}).content.decode()
    assert handles(second) == [f"acct{n}" for n in range(25, 30)]


def test_it_answers_htmx_with_the_table_only(login, alice, cards) -> None:
    response = login(alice).get(url(), {"kind": "marketing"}, headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="scorecards-table"')
    assert "<html" not in html and "<table" in html
    assert handles(html) == ["acme.deals"]
    assert 'hx-trigger="scorecards-updated from:body"' in html
    assert 'hx-get="/t/acme/scorecards/?kind=marketing"' in html
    assert "HX-Request" in response["Vary"]


def test_it_gives_the_chart_one_point_per_account(login, alice, cards) -> None:
    html = login(alice).get(url(), {"kind": "official"}).content.decode()
    data = re.search(r'<script id="scatter-data" type="application/json">(.*?)</script>', html)
    chart = json.loads(data.group(1))
    points = {point[0]: point for point in chart["points"]}
    assert set(points) == {"acmecoffee", "acme.brand"}
    # [handle, kind, engagement score, ROI score]
    assert points["acmecoffee"] == ["acmecoffee", "official", 90.0, 40.0]
    # Each point's link is its handle between the head and the tail.
    link = chart["url_head"] + "acmecoffee" + chart["url_tail"]
    assert link == "/t/acme/a/acmecoffee/scorecard/?days=28&end=2025-03-28"
    # A missing score is drawn at 0, as the quadrant rule counts it.
    assert points["acme.brand"][3] == 0.0
    assert "static/js/charts.js" in html and "chart.umd.min.js" in html


def open_checklists(accounts: list, user) -> None:
    """Checklists in two weeks of END's window, with one item ticked in every other one."""
    for week in (CHECKLIST_WEEK, CHECKLIST_WEEK - timedelta(weeks=1)):
        checklists_open_week(week_start=week, accounts=accounts)
    for checklist in Checklist.objects.filter(account__in=accounts, week_start=CHECKLIST_WEEK)[::2]:
        manual = ChecklistItem.objects.filter(
            practice__template=checklist.template_id, evidence_rule=""
        ).first()
        check_set(checklist=checklist, item=manual, user=user, ticked=True)


def make_scorecards(team, count: int) -> None:
    users = [UserFactory() for _ in range(3)]
    accounts = []
    for n in range(count):
        account = AccountFactory(
            team=team, handle=f"many{n:03d}", kind=Kind.OFFICIAL if n % 2 else Kind.MARKETING
        )
        ScorecardFactory(
            account=account,
            period_end=END,
            flags="data_gap;declining" if n % 3 else "",
            reviewed_by=users[n % 3] if n % 4 == 0 else None,
            reviewed_at=timezone.now() if n % 4 == 0 else None,
            review_comment="Looked at it" if n % 4 == 0 else "",
        )
        accounts.append(account)
    open_checklists(accounts, users[0])


def count_queries(client, sort: str = "-overall_score") -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(), {"sort": sort})
    assert response.status_code == 200
    assert any(card.practice_score is not None for card in response.context["page"])
    return len(queries)


def test_it_runs_the_same_number_of_queries_for_10_and_200_accounts(login, alice, acme) -> None:
    client = login(alice)
    make_scorecards(acme, 10)
    few = count_queries(client)
    few_by_practice = count_queries(client, "practice")
    make_scorecards_more = 190
    more = []
    for n in range(make_scorecards_more):
        account = AccountFactory(team=acme, handle=f"more{n:03d}")
        ScorecardFactory(
            account=account, period_end=END, reviewed_by=alice, reviewed_at=timezone.now()
        )
        more.append(account)
    open_checklists(more, alice)
    assert Scorecard.objects.count() == 200
    assert Checklist.objects.count() == 400
    many = count_queries(client)
    assert few == many
    # Sorted by practice score, every scorecard of the window gets one: still constant.
    assert count_queries(client, "practice") == few_by_practice


def test_it_marks_a_scorecard_reviewed_inline(login, alice, cards) -> None:
    card = cards["acmecoffee"]
    response = login(alice).post(
        review_url(card),
        {"reviewed": "1", "comment": "Good month", "next": url()},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="pb-review">') and "<html" not in html
    assert "✓ Reviewed" in html and "by alice" in html and "Good month" in html
    assert "Un-review" in html
    card.refresh_from_db()
    assert card.reviewed_by == alice and card.review_comment == "Good month"
    assert card.reviewed_at is not None
    # The table now shows who reviewed it.
    assert "by alice" in login(alice).get(url()).content.decode()


def test_it_redirects_a_plain_review_back_to_the_page(login, alice, cards) -> None:
    card = cards["acmecoffee"]
    back = url() + "?kind=official"
    response = login(alice).post(review_url(card), {"reviewed": "1", "next": back})
    assert response.status_code == 302 and response.url == back
    # A foreign address is not followed.
    response = login(alice).post(review_url(card), {"next": "https://evil.example/"})
    assert response.url == url()


def test_it_unmarks_a_review(login, alice, cards) -> None:
    card = cards["acmecoffee"]
    card.reviewed_by, card.reviewed_at, card.review_comment = alice, timezone.now(), "ok"
    card.save()
    response = login(alice).post(
        review_url(card), {"reviewed": "0"}, headers={"HX-Request": "true"}
    )
    assert "Mark reviewed" in response.content.decode()
    card.refresh_from_db()
    assert (card.reviewed_by, card.reviewed_at, card.review_comment) == (None, None, "")


def test_it_keeps_the_figures_when_reviewing(login, alice, cards) -> None:
    card = cards["acmecoffee"]
    Scorecard.objects.filter(pk=card.pk).update(overall_score=Decimal("12.3"))
    login(alice).post(review_url(card), {"reviewed": "1"})
    card.refresh_from_db()
    assert card.overall_score == Decimal("12.3") and card.reviewed_by == alice


def test_it_rerenders_an_invalid_review_with_200(login, alice, cards) -> None:
    card = cards["acmecoffee"]
    response = login(alice).post(
        review_url(card), {"reviewed": "1", "comment": "x" * 2001}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    response = login(alice).post(review_url(card), {"reviewed": "1", "comment": "x" * 2001})
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    card.refresh_from_db()
    assert card.reviewed_at is None


def test_it_lets_only_leads_review(login, bob, cards) -> None:
    card = cards["acmecoffee"]
    assert login(bob).post(review_url(card), {"reviewed": "1"}).status_code == 403
    card.refresh_from_db()
    assert card.reviewed_at is None


def test_it_404s_a_review_of_a_missing_scorecard(login, alice, cards) -> None:
    missing = reverse(
        "analytics:scorecard-mark-reviewed", args=["acme", "acmecoffee", 7, "2025-03-28"]
    )
    assert login(alice).post(missing, {"reviewed": "1"}).status_code == 404
    invalid = "/t/acme/a/acmecoffee/scorecards/28/2025-02-30/review/"
    assert login(alice).post(invalid, {"reviewed": "1"}).status_code == 404


def test_it_says_when_the_newest_scorecard_was_computed(login, alice, cards) -> None:
    newest = timezone.now().replace(microsecond=123456) - timedelta(hours=3)
    Scorecard.objects.filter(pk=cards["acme.deals"].pk).update(computed_at=newest)
    Scorecard.objects.exclude(pk=cards["acme.deals"].pk).update(
        computed_at=newest - timedelta(days=2)
    )
    response = login(alice).get(url())
    # To the microsecond and time-zone aware, as stored.
    assert response.context["computed_at"] == newest
    assert response.context["computed_at"].utcoffset() == timedelta(0)
    # Also when a sort link leaves the chart out.
    response = login(alice).get(url(), {"sort": "grade"}, headers=CHART_UNCHANGED)
    assert response.context["computed_at"] == newest


CHART_UNCHANGED = {**HTMX, "Playbook-Chart": "unchanged"}
SCATTER_DATA = '<script id="scatter-data"'


def test_sort_and_page_links_leave_the_chart_as_it_is(login, alice, cards) -> None:
    client = login(alice)
    html = client.get(url()).content.decode()
    header = "{&quot;Playbook-Chart&quot;: &quot;unchanged&quot;}"
    # Every sort link asks for the table without the chart's points.
    assert html.count(f'hx-headers="{header}"') == 11
    response = client.get(url(), {"sort": "-overall_score"}, headers=CHART_UNCHANGED)
    table = response.content.decode()
    assert SCATTER_DATA not in table
    # The same rows as with the chart.
    with_chart = client.get(url(), {"sort": "-overall_score"}, headers=HTMX).content.decode()
    assert SCATTER_DATA in with_chart
    assert handles(table) == handles(with_chart) and len(handles(table)) == len(cards)
    assert response.context["page"].paginator.count == len(cards)
    assert "HX-Request" in response["Vary"] and "Playbook-Chart" in response["Vary"]
    # A filter (the form sends no such header) and a recompute's refresh send the points.
    filtered = client.get(url(), {"kind": "marketing"}, headers=HTMX).content.decode()
    assert SCATTER_DATA in filtered
    # Without htmx the header changes nothing: a whole page always has its chart.
    page = client.get(url(), headers={"Playbook-Chart": "unchanged"}).content.decode()
    assert SCATTER_DATA in page and "<html" in page


def test_the_page_links_of_the_table_leave_the_chart_as_it_is(login, alice, acme) -> None:
    for n in range(30):
        ScorecardFactory(account=AccountFactory(team=acme, handle=f"acct{n:02d}"), period_end=END)
    html = login(alice).get(url()).content.decode()
    nav = re.search(r'<nav aria-label="Pages of scorecards">.*?</nav>', html, re.S).group(0)
    assert 'hx-headers="{&quot;Playbook-Chart&quot;: &quot;unchanged&quot;}"' in nav
    second = login(alice).get(url(), {"page": "2"}, headers=CHART_UNCHANGED)
    assert SCATTER_DATA not in second.content.decode()
    assert "Page 2 of 2 (30 accounts)" in second.content.decode()


def test_the_handle_search_is_a_search_box_with_one_type(login, alice, cards) -> None:
    html = login(alice).get(url()).content.decode()
    search = re.search(r'<input[^>]*id="id_q"[^>]*>', html).group(0)
    assert search.count(" type=") == 1 and 'type="search"' in search
    assert 'placeholder="@handle"' in search and '<label class="form-label" for="id_q">' in html

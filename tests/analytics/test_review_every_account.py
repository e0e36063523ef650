"""The scorecards table lists every active account in every window, the default window
ends on the latest day that has data, and leads mark several scorecards reviewed at once."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Kind
from analytics.models import DailyMetric, Scorecard
from tests.factories import AccountFactory, ScorecardFactory

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)


def url() -> str:
    return reverse("analytics:scorecard-review", args=["acme"])


def bulk_url(team: str = "acme") -> str:
    return reverse("analytics:scorecard-bulk-mark-reviewed", args=[team])


def handles(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+">@([^<]+)</a>', html)


def metric(account, day: date) -> None:
    DailyMetric.objects.create(account=account, date=day, video_views=100, likes=5)


@pytest.fixture
def team(acmecoffee, acme_deals) -> dict[str, object]:
    """acmecoffee scored at END; acme.deals' data ends a month before; acme.old archived;
    acme.fresh has rows in the window but no scorecard yet."""
    metric(acmecoffee, END)
    metric(acme_deals, END - timedelta(days=40))
    fresh = AccountFactory(team=acmecoffee.team, handle="acme.fresh", kind=Kind.OFFICIAL)
    metric(fresh, END - timedelta(days=2))
    AccountFactory(team=acmecoffee.team, handle="acme.old", archived=True)
    card = ScorecardFactory(account=acmecoffee, period_end=END, overall_score=Decimal("60.0"))
    return {"card": card}


def test_every_active_account_is_listed_with_its_last_day_of_data(login, alice, team) -> None:
    response = login(alice).get(url())
    # The default window ends on the latest day that has data.
    assert response.context["window"].end == END
    html = response.content.decode()
    assert handles(html) == ["acme.deals", "acme.fresh", "acmecoffee"]
    deals = re.search(r'data-unscored="acme.deals".*?</tr>', html, re.S).group(0)
    assert "No data" in deals and "Last day with data" in deals
    assert (END - timedelta(days=40)).isoformat() in deals
    fresh = re.search(r'data-unscored="acme.fresh".*?</tr>', html, re.S).group(0)
    assert "Not scored yet" in fresh and "No data" not in fresh


def test_the_default_window_ends_yesterday_when_data_reaches_it(
    login, alice, bob, team, acmecoffee, acme_deals
) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    archived = AccountFactory(team=acmecoffee.team, handle="acme.gone", archived=True)
    metric(archived, yesterday)
    # An archived account's data does not move the window.
    assert login(alice).get(url()).context["window"].end == END
    # Data of today (a download of a day still going) does not move it past yesterday.
    metric(acme_deals, yesterday + timedelta(days=1))
    assert login(alice).get(url()).context["window"].end == yesterday
    # A manager's window follows the data of the accounts they see (bob has acmecoffee).
    assert login(bob).get(url()).context["window"].end == END
    metric(acmecoffee, yesterday)
    assert login(bob).get(url()).context["window"].end == yesterday


def test_the_no_data_filter_lists_accounts_without_a_scorecard(login, alice, team) -> None:
    html = login(alice).get(url(), {"flag": "no_data"}).content.decode()
    assert handles(html) == ["acme.deals"]
    # Nothing without a score has a grade.
    assert handles(login(alice).get(url(), {"grade": "A"}).content.decode()) == []


def test_the_90_day_window_lists_every_account_too(login, alice, team) -> None:
    html = login(alice).get(url(), {"days": 90, "end": END.isoformat()}).content.decode()
    assert handles(html) == ["acme.deals", "acme.fresh", "acmecoffee"]


def test_unscored_rows_take_their_place_when_sorted_by_account_or_kind(login, alice, team) -> None:
    client = login(alice)
    assert handles(client.get(url(), {"sort": "-handle"}).content.decode()) == [
        "acmecoffee",
        "acme.fresh",
        "acme.deals",
    ]
    by_kind = handles(client.get(url(), {"sort": "kind"}).content.decode())
    assert by_kind == ["acme.deals", "acme.fresh", "acmecoffee"]
    # Sorted by a score, they come last, like every null.
    assert handles(client.get(url(), {"sort": "-overall_score"}).content.decode())[0] == (
        "acmecoffee"
    )


def test_the_pages_hold_every_account_once(login, alice, acme) -> None:
    for n in range(30):
        account = AccountFactory(team=acme, handle=f"many{n:02d}")
        if n % 3:
            ScorecardFactory(account=account, period_end=END)
    client = login(alice)
    seen = []
    for page in (1, 2):
        html = client.get(url(), {"end": END.isoformat(), "page": page}).content.decode()
        seen += handles(html)
    assert seen == [f"many{n:02d}" for n in range(30)]


def test_a_lead_marks_the_ticked_scorecards_reviewed(login, alice, acme, acmecoffee) -> None:
    other = AccountFactory(team=acme, handle="acme.two")
    cards = [ScorecardFactory(account=a, period_end=END) for a in (acmecoffee, other)]
    skipped = ScorecardFactory(account=AccountFactory(team=acme, handle="acme.three"))
    html = login(alice).get(url(), {"end": END.isoformat()}).content.decode()
    assert 'form="bulk-review"' in html and "Mark selected reviewed" in html

    data = {"days": 28, "end": END.isoformat(), "handle": ["acmecoffee", "acme.two"]}
    response = login(alice).post(bulk_url(), data)
    assert response.status_code == 302
    for card in cards:
        card.refresh_from_db()
        assert card.reviewed_by == alice and card.reviewed_at is not None
    skipped.refresh_from_db()
    assert skipped.reviewed_at is None


def test_bulk_review_is_scoped_and_lead_only(
    login, alice, bob, charlie, acmecoffee, globex_main
) -> None:
    mine = ScorecardFactory(account=acmecoffee, period_end=END)
    theirs = ScorecardFactory(account=globex_main, period_end=END)
    data = {"days": 28, "end": END.isoformat(), "handle": ["acmecoffee", "globex"]}
    # A manager may not; another team's lead gets a 404 for this team.
    assert login(bob).post(bulk_url(), data).status_code == 403
    assert login(charlie).post(bulk_url(), data).status_code == 404
    # alice names globex's account: it is not hers, so only hers is marked.
    login(alice).post(bulk_url(), data)
    assert Scorecard.objects.get(pk=mine.pk).reviewed_at is not None
    assert Scorecard.objects.get(pk=theirs.pk).reviewed_at is None


def test_bulk_review_without_a_tick_says_so(login, alice, acmecoffee) -> None:
    response = login(alice).post(bulk_url(), {"days": 28, "end": END.isoformat()}, follow=True)
    assert response.status_code == 200
    assert "Tick at least one scorecard" in response.content.decode()


def test_sorted_by_practice_unscored_accounts_are_listed_too(login, alice, team) -> None:
    html = login(alice).get(url(), {"sort": "-practice"}).content.decode()
    assert sorted(handles(html)) == ["acme.deals", "acme.fresh", "acmecoffee"]


def test_the_csv_export_still_holds_only_scorecards(login, alice, team) -> None:
    export = reverse("analytics:scorecard-export", args=["acme"])
    body = login(alice).get(export, {"end": END.isoformat()}).content.decode()
    lines = [line for line in body.splitlines() if line.strip()]
    # The header and acmecoffee's scorecard: an account without one has no figures to export.
    assert len(lines) == 2 and "acmecoffee" in lines[1]


def test_accounts_without_a_card_are_looked_for_only_when_some_may_be(
    login, alice, acmecoffee, acme_deals
) -> None:
    for account in (acmecoffee, acme_deals):
        ScorecardFactory(account=account, period_end=END)
    client = login(alice)
    period = {"end": END.isoformat()}
    client.get(url(), period)
    with CaptureQueriesContext(connection) as every_one_scored:
        html = client.get(url(), period).content.decode()
    assert handles(html) == ["acme.deals", "acmecoffee"]
    AccountFactory(team=acmecoffee.team, handle="acme.new", kind=Kind.OFFICIAL)
    with CaptureQueriesContext(connection) as one_not:
        html = client.get(url(), period).content.decode()
    assert handles(html) == ["acme.deals", "acme.new", "acmecoffee"]
    assert 'data-unscored="acme.new"' in html
    # The accounts are counted in a query the page asks anyway: the accounts without a
    # card are read only when there are fewer cards than accounts.
    assert not looks_for_unscored(every_one_scored) and looks_for_unscored(one_not)
    assert len(one_not) > len(every_one_scored)
    # A filter that leaves out the account without a card does not look for it.
    with CaptureQueriesContext(connection) as filtered:
        html = client.get(url(), {**period, "kind": "marketing"}).content.decode()
    assert handles(html) == ["acme.deals"]
    assert not looks_for_unscored(filtered)
    assert len(filtered) == len(every_one_scored)


def looks_for_unscored(queries: CaptureQueriesContext) -> bool:
    """Whether a page read the accounts without a scorecard (rows.unscored_rows)."""
    return any(
        'NOT EXISTS (SELECT 1 FROM "analytics_scorecard"' in query["sql"] for query in queries
    )

"""The report page of one account: /t/<team>/a/<handle>/report/."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from analytics.models import Video, VideoSnapshot
from reports.periods import MAX_DAYS
from tests.analytics.chunked import END, accounts_with_history
from tests.factories import ScorecardFactory

pytestmark = pytest.mark.django_db

QUERY = {"start": "2025-03-01", "end": "2025-03-28", "compare": "previous"}


def url(handle: str, team: str = "acme") -> str:
    return reverse("reports:account-report", args=[team, handle])


@pytest.fixture
def history(acme, bob):
    (account,) = accounts_with_history(acme, 1, seed=5)
    account.managers.add(bob)
    return account


def test_it_requires_login(client, history) -> None:
    response = client.get(url(history.handle))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_hides_other_teams_accounts(login, charlie, history, globex_main) -> None:
    assert login(charlie).get(url(history.handle)).status_code == 404
    assert login(charlie).get(url(globex_main.handle, "globex")).status_code == 200


def test_it_hides_accounts_a_manager_does_not_manage(login, bob, acme_deals) -> None:
    assert login(bob).get(url(acme_deals.handle)).status_code == 404


def test_it_shows_the_period_s_scores_kpis_charts_videos_and_reviews(login, alice, history) -> None:
    video = Video.objects.create(
        account=history, video_id="7486000011122334455", title="Latte art", posted_on=END
    )
    VideoSnapshot.objects.create(video=video, date=END, views=4321, likes=100)
    ScorecardFactory(
        account=history,
        days=7,
        period_end=date(2025, 3, 21),
        reviewed_by=alice,
        reviewed_at="2025-03-22T10:00:00Z",
        review_comment="Strong week: keep the latte videos coming.",
    )

    response = login(alice).get(url(history.handle), QUERY)

    assert response.status_code == 200
    body = response.content.decode()
    report = response.context["report"]
    assert (report.period.start, report.period.end) == (date(2025, 3, 1), END)
    assert report.line.score.overall_score is not None
    assert f'data-score="overall">{report.line.score.overall_score}<' in body
    assert "KPIs against targets" in body and 'data-kpi="engagement_rate"' in body
    assert body.count("<svg") == 2 and "Daily video views" in body
    assert "Latte art" in body and "4,321" in body
    assert "keep the latte videos coming" in body
    assert "Checklist completion" in body and "2025-W09" in body


def test_it_says_why_a_bad_period_is_not_shown(login, alice, history) -> None:
    response = login(alice).get(url(history.handle), {**QUERY, "start": "2025-04-01"})
    assert response.status_code == 200
    assert "starts (2025-04-01) after it ends (2025-03-28)" in response.content.decode()

    too_long = {**QUERY, "start": "2020-01-01"}
    response = login(alice).get(url(history.handle), too_long)
    assert f"at most {MAX_DAYS} days" in response.content.decode()

    out_of_range = {**QUERY, "start": "1999-12-31"}
    response = login(alice).get(url(history.handle), out_of_range)
    assert "1999-12-31 is out of range" in response.content.decode()

    response = login(alice).get(url(history.handle), {**QUERY, "end": "9999-99-99"})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_it_has_an_empty_state_without_metrics(login, alice, acme_deals) -> None:
    response = login(alice).get(url(acme_deals.handle), QUERY)
    assert response.status_code == 200
    assert "nothing to chart" in response.content.decode()
    assert "No video posted in this period" in response.content.decode()


def test_it_is_linked_from_the_account_page_and_the_team_menu(login, alice, history) -> None:
    body = login(alice).get(reverse("accounts:account-detail", args=["acme", history.handle]))
    assert f'href="{url(history.handle)}"' in body.content.decode()
    assert f'href="{reverse("reports:team-report", args=["acme"])}"' in body.content.decode()


def test_a_review_by_a_deleted_member_reads_a_former_member(login, alice, bob, history) -> None:
    ScorecardFactory(
        account=history,
        days=7,
        period_end=date(2025, 3, 21),
        reviewed_by=bob,
        reviewed_at="2025-03-22T10:00:00Z",
        review_comment="Reviewed before leaving the team.",
    )
    bob.delete()  # the scorecard keeps its review, its reviewer becomes null

    response = login(alice).get(url(history.handle), QUERY)

    assert response.status_code == 200
    assert "reviewed by a former member, 22 Mar 2025" in response.content.decode()

"""The report page of a team: /t/<team>/report/."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from analytics.models import Video, VideoSnapshot
from reports.periods import ReportPeriod
from reports.selectors.scores import period_scores
from tests.analytics.chunked import accounts_with_history

pytestmark = pytest.mark.django_db

QUERY = {"start": "2025-03-01", "end": "2025-03-28", "compare": "previous"}


def url(team: str = "acme") -> str:
    return reverse("reports:team-report", args=[team])


@pytest.fixture
def accounts(acme, bob):
    accounts = accounts_with_history(acme, 4, seed=11)
    accounts[0].managers.add(bob)
    return accounts


def test_it_requires_login(client, accounts) -> None:
    assert client.get(url()).status_code == 302


def test_it_hides_other_teams(login, charlie, accounts) -> None:
    assert login(charlie).get(url()).status_code == 404


def test_it_reports_every_account_to_a_lead(login, alice, accounts) -> None:
    response = login(alice).get(url(), QUERY)

    assert response.status_code == 200
    report = response.context["report"]
    assert [line.account.handle for line in report.lines] == sorted(a.handle for a in accounts)
    expected = period_scores(
        accounts=sorted(accounts, key=lambda a: a.handle),
        period=ReportPeriod(date(2025, 3, 1), date(2025, 3, 28)),
    )
    assert [line.score for line in report.lines] == [line.score for line in expected]
    assert sum(count for _, count, _ in report.grades) == 4
    summary = report.grade_summary
    assert f"data-grades>{summary}<" in response.content.decode()
    assert summary.count(":") == sum(1 for _, count, _ in report.grades if count)
    assert not summary.endswith(",")
    body = response.content.decode()
    assert body.count("<svg") == 2
    assert "Accounts by grade" in body and "KPIs against targets" in body
    for account in accounts:
        assert f'data-account="{account.handle}"' in body


def test_it_reports_only_a_manager_s_accounts(login, bob, accounts) -> None:
    response = login(bob).get(url(), QUERY)
    assert response.status_code == 200
    assert [line.account for line in response.context["report"].lines] == [accounts[0]]
    assert "covers the accounts you manage" in response.content.decode()


def test_it_has_an_empty_state(login, alice) -> None:
    response = login(alice).get(url())
    assert response.status_code == 200
    assert "No accounts to report on" in response.content.decode()


def test_each_row_writes_its_account_s_figures_and_links_its_report(login, alice, accounts) -> None:
    response = login(alice).get(url(), QUERY)

    body = response.content.decode()
    line = response.context["report"].lines[0]
    handle = line.account.handle
    link = reverse("reports:account-report", args=["acme", handle])
    # The period's query is escaped in the attribute, as autoescaping wrote it.
    query = ReportPeriod(date(2025, 3, 1), date(2025, 3, 28)).query().replace("&", "&amp;")
    assert f'<a href="{link}?{query}">@{handle}</a>' in body
    row = body[body.index(f'data-account="{handle}"') :].split("</tr>")[0]
    overall = line.score.overall_score
    assert f'data-score="overall">{"—" if overall is None else overall}<' in row
    assert f"<td>{line.score.grade or '—'}</td>" in row
    assert f"<td>{line.account.get_kind_display()}</td>" in row


def test_its_top_videos_are_those_with_a_snapshot_by_their_latest_views(
    login, alice, acmecoffee, acme_deals
) -> None:
    def video(account, name: str, posted: date, *views: int) -> Video:
        made = Video.objects.create(account=account, video_id=name, posted_on=posted)
        for day, count in enumerate(views, start=1):
            VideoSnapshot.objects.create(video=made, date=date(2025, 3, day), views=count)
        return made

    video(acmecoffee, "old-peak", date(2025, 3, 2), 900, 50)
    video(acme_deals, "rising", date(2025, 3, 3), 10, 400)
    video(acmecoffee, "tie-later", date(2025, 3, 9), 400)
    video(acme_deals, "no-snapshot", date(2025, 3, 4))
    video(acme_deals, "before", date(2025, 2, 20), 5000)

    report = login(alice).get(url(), QUERY).context["report"]

    assert [v.video_id for v in report.top_videos] == ["rising", "tie-later", "old-peak"]
    assert [v.latest_views for v in report.top_videos] == [400, 400, 50]
    assert report.top_videos[0].account == acme_deals

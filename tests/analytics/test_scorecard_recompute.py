"""Recompute now: starting a run from the scorecards page, its progress, and Redis down."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import DailyMetric, Scorecard, ScorecardRun
from analytics.scorecards.queue import BackgroundUnavailable
from tests.factories import ScorecardFactory, ScorecardRunFactory

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)
UNAVAILABLE = (
    "Background work is unavailable: Redis is not reachable, so scorecards cannot be "
    "recomputed now."
)


def recompute_url(team: str = "acme") -> str:
    return reverse("analytics:scorecard-recompute", args=[team])


def run_url(run: ScorecardRun, team: str = "acme") -> str:
    return reverse("analytics:scorecard-run", args=[team, run.public_id])


@pytest.fixture
def started(monkeypatch, acme) -> list[dict]:
    """Records what scorecard_run_start was asked, and returns a pending run."""
    calls: list[dict] = []

    def start(**kwargs) -> ScorecardRun:
        calls.append(kwargs)
        return ScorecardRunFactory(
            team=kwargs["team"], end=kwargs["end"], days=list(kwargs["days"])
        )

    monkeypatch.setattr("analytics.scorecards.queue.broker_available", lambda: True)
    monkeypatch.setattr("analytics.scorecards.runs.scorecard_run_start", start)
    return calls


@pytest.fixture
def broker_down(monkeypatch) -> None:
    monkeypatch.setattr("analytics.scorecards.queue.broker_available", lambda: False)


def test_it_requires_login(client, acme) -> None:
    response = client.post(recompute_url(), {"days": 28, "end": "2025-03-28"})
    assert response.status_code == 302 and "/login/" in response.url


def test_it_hides_other_teams(login, charlie, acme, started, globex) -> None:
    response = login(charlie).post(recompute_url(), {"days": 28, "end": "2025-03-28"})
    assert response.status_code == 404
    assert started == []
    # A run of another team is not found under one's own team either.
    theirs = ScorecardRunFactory(team=acme)
    assert login(charlie).get(run_url(theirs, team="globex")).status_code == 404


def test_it_lets_only_leads_recompute(login, bob, acmecoffee, started) -> None:
    response = login(bob).post(recompute_url(), {"days": 28, "end": "2025-03-28"})
    assert response.status_code == 403
    assert started == []
    assert login(bob).get(run_url(ScorecardRunFactory(team=acmecoffee.team))).status_code == 403


def test_it_starts_a_team_run_for_the_window_shown(login, alice, acme, started) -> None:
    response = login(alice).post(
        recompute_url(), {"days": "7", "end": "2025-03-28"}, headers={"HX-Request": "true"}
    )
    assert started == [
        {
            "scope": "team",
            "team": acme,
            "end": END,
            "days": (7,),
            "requested_by": alice,
        }
    ]
    html = response.content.decode()
    run = ScorecardRun.objects.get()
    assert "<html" not in html and "<progress" in html
    assert f'hx-get="{run_url(run)}"' in html and 'hx-trigger="every 1s"' in html
    assert "style=" not in html


def test_it_refreshes_the_table_at_once_when_the_run_finished_eagerly(
    login, alice, acme, monkeypatch
) -> None:
    def start(**kwargs) -> ScorecardRun:
        return ScorecardRunFactory(team=acme, status=ScorecardRun.Status.DONE, done=2, total=2)

    monkeypatch.setattr("analytics.scorecards.queue.broker_available", lambda: True)
    monkeypatch.setattr("analytics.scorecards.runs.scorecard_run_start", start)
    response = login(alice).post(
        recompute_url(), {"days": "28", "end": "2025-03-28"}, headers={"HX-Request": "true"}
    )
    assert json.loads(response["HX-Trigger"]) == {"scorecards-updated": {}}
    assert "every 1s" not in response.content.decode()


def test_it_sends_a_plain_post_to_the_run_page(login, alice, acme, started) -> None:
    response = login(alice).post(recompute_url(), {"days": "28", "end": "2025-03-28"})
    run = ScorecardRun.objects.get()
    assert response.status_code == 302 and response.url == run_url(run)
    page = login(alice).get(response.url).content.decode()
    assert "<title>Recompute of scorecards · Playbook</title>" in page
    assert "Waiting for the background worker to start" in page


def test_it_shows_the_page_again_for_a_post_without_window(login, alice, acme, started) -> None:
    response = login(alice).post(recompute_url(), {"days": "12"})
    assert response.status_code == 200
    assert "Choose a period to recompute." in response.content.decode()
    assert started == []


def test_it_polls_until_the_run_is_done(login, alice, acme) -> None:
    run = ScorecardRunFactory(team=acme, status=ScorecardRun.Status.RUNNING, done=3, total=4)
    client = login(alice)
    response = client.get(run_url(run), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="75"' in html and "3 of 4 scorecards computed (75%)" in html
    assert 'hx-trigger="every 1s"' in html
    assert "HX-Trigger" not in response

    ScorecardRun.objects.filter(pk=run.pk).update(
        status=ScorecardRun.Status.DONE, done=4, finished_at=timezone.now()
    )
    response = client.get(run_url(run), headers={"HX-Request": "true"})
    # 286 tells htmx to stop polling; the event makes the table fetch itself again.
    assert response.status_code == 286
    assert json.loads(response["HX-Trigger"]) == {"scorecards-updated": {}}
    html = response.content.decode()
    assert "Done: 4 of 4 scorecards computed." in html and 'value="100"' in html
    assert "every 1s" not in html


def test_it_stops_polling_a_failed_run_and_says_why(login, alice, acme) -> None:
    run = ScorecardRunFactory(team=acme, status=ScorecardRun.Status.FAILED, error="Boom")
    response = login(alice).get(run_url(run), headers={"HX-Request": "true"})
    assert response.status_code == 286
    assert "HX-Trigger" not in response
    assert "The recompute failed: Boom" in response.content.decode()


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        ("RuntimeError: worker lost", "an unexpected error (the details are in the server log)"),
        ("OperationalError: server closed", "the database stopped answering; try again in a"),
        ("ValueError: the window ends before 2000-01-01", "the window ends before 2000-01-01"),
    ],
)
def test_it_says_why_a_run_failed_in_words_not_exception_names(
    login, alice, acme, error, shown
) -> None:
    run = ScorecardRunFactory(
        team=acme,
        status=ScorecardRun.Status.DONE,
        account_errors=[{"handle": "acme.deals", "days": 28, "error": error}],
    )
    failed = ScorecardRunFactory(team=acme, status=ScorecardRun.Status.FAILED, error=error)
    client = login(alice)
    for page in (client.get(run_url(run)), client.get(run_url(failed))):
        html = page.content.decode()
        assert shown in html
        assert error.split(":")[0] not in html


def test_it_disables_the_button_when_redis_is_down(login, alice, acmecoffee, broker_down) -> None:
    card = ScorecardFactory(account=acmecoffee, period_end=END)
    response = login(alice).get(reverse("analytics:scorecard-review", args=["acme"]))
    assert response.status_code == 200
    html = response.content.decode()
    local = timezone.localtime(card.computed_at).strftime("%-d %b %Y, %H:%M")
    assert f"{UNAVAILABLE} The figures shown are from {local}." in html
    assert 'type="button" disabled' in html
    assert "@acmecoffee" in html
    # The account's own scorecard page still renders too.
    page = login(alice).get(reverse("analytics:account-scorecard", args=["acme", "acmecoffee"]))
    assert page.status_code == 200


def test_it_says_so_when_redis_goes_down_at_the_click(
    login, alice, acmecoffee, monkeypatch
) -> None:
    ScorecardFactory(account=acmecoffee, period_end=END)

    def start(**kwargs) -> ScorecardRun:
        raise BackgroundUnavailable()

    monkeypatch.setattr("analytics.scorecards.queue.broker_available", lambda: True)
    monkeypatch.setattr("analytics.scorecards.runs.scorecard_run_start", start)
    data = {"days": "28", "end": "2025-03-28"}
    response = login(alice).post(recompute_url(), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert UNAVAILABLE in html and "<html" not in html
    response = login(alice).post(recompute_url(), data)
    assert response.status_code == 200
    assert UNAVAILABLE in response.content.decode()
    assert not ScorecardRun.objects.exists()


def test_it_keeps_a_recompute_asked_for_while_redis_is_down(
    login, alice, acmecoffee, broker_down
) -> None:
    data = {"days": "7", "end": "2025-03-28"}
    response = login(alice).post(recompute_url(), data, headers={"HX-Request": "true"})

    assert response.status_code == 200
    run = ScorecardRun.objects.get()
    assert (run.team, run.days, run.end, run.requested_by) == (acmecoffee.team, [7], END, alice)
    assert run.waiting_for_queue
    html = response.content.decode()
    assert UNAVAILABLE in html and "<html" not in html
    assert "Your recompute is saved and starts by itself as soon as Redis answers again" in html
    assert f'href="{run_url(run)}"' in html
    # Its status page says what it waits for, and polls less often meanwhile.
    status = login(alice).get(run_url(run), headers={"HX-Request": "true"}).content.decode()
    assert "Saved, waiting for background work: Redis is not reachable right now." in status
    assert 'hx-trigger="every 5s"' in status


def test_it_asks_managers_nothing_about_redis(login, bob, acmecoffee, broker_down) -> None:
    ScorecardFactory(account=acmecoffee, period_end=END)
    html = login(bob).get(reverse("analytics:scorecard-review", args=["acme"])).content.decode()
    assert UNAVAILABLE not in html and "Recompute now" not in html


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_recomputes_from_the_page_through_a_real_worker(
    celery_worker, login, alice, acmecoffee
) -> None:
    DailyMetric.objects.create(account=acmecoffee, date=END, video_views=1000, likes=50)
    worker = celery_worker()
    client = login(alice)
    response = client.post(
        recompute_url(), {"days": "7", "end": "2025-03-28"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "<progress" in response.content.decode()
    run = worker.wait_for_run(ScorecardRun.objects.get().pk)
    assert run.status == ScorecardRun.Status.DONE, run.error

    poll = client.get(run_url(run), headers={"HX-Request": "true"})
    assert poll.status_code == 286
    assert json.loads(poll["HX-Trigger"]) == {"scorecards-updated": {}}
    table = client.get(
        reverse("analytics:scorecard-review", args=["acme"]),
        {"days": "7", "end": "2025-03-28"},
        headers={"HX-Request": "true", "HX-Target": "scorecards-table"},
    ).content.decode()
    assert "@acmecoffee" in table
    card = Scorecard.objects.get(account=acmecoffee, days=7, period_end=END)
    assert card.engagement_rate == Decimal("0.05")

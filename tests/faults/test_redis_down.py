"""Redis stopped: every page renders, imports and recomputes lose nothing, and run later."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from analytics.models import DailyMetric, Scorecard, ScorecardRun
from analytics.scorecards import queue as scorecard_queue
from imports.models import ImportRun
from imports.services import imports
from tests import test_access_matrix as matrix
from tests.access.roles import Cast

pytestmark = [pytest.mark.slow, pytest.mark.worker]

END = date(2025, 3, 28)
METRICS = (
    b"date,handle,video_views,likes,comments,shares,followers\n"
    b"2025-03-26,@acmecoffee,1000,40,5,5,1200\n"
    b"2025-03-27,@acmecoffee,2000,80,10,10,1250\n"
    b"2025-03-27,@acme.deals,500,10,0,0,300\n"
)


def page_urls(cast: Cast) -> list[tuple[str, str, dict[str, int]]]:
    """Every page of the access matrix (its GET URLs), with the status of each role."""
    kwargs: dict[str, str] = {}
    for app in matrix.APPS:
        kwargs.update(app.url_kwargs(cast))
    pages = []
    for name in sorted(matrix.EXPECTED):
        statuses = matrix.expected_statuses(name)["GET"]
        if statuses["lead"] != 405:
            pages.append((name, matrix.url_for(name, kwargs), statuses))
    return pages


@pytest.mark.django_db(transaction=True)
def test_it_serves_every_page_and_loses_no_work_while_redis_is_down(
    celery_process,
    on_redis,
    client,
    acme,
    globex,
    alice,
    bob,
    charlie,
    root,
    acmecoffee,
    acme_deals,
) -> None:
    # The access tables' objects: an import with errors, a 28-day scorecard, a run.
    pages = page_urls(Cast(acme, globex, alice, bob, charlie, root, acmecoffee, acme_deals))
    # A recompute queued just before Redis goes: no worker runs yet, so its message waits
    # in Redis, which dies without saving it.
    client.force_login(alice)
    queued = client.post(
        reverse("analytics:scorecard-recompute", args=["acme"]),
        {"days": "28", "end": END.isoformat()},
    )
    assert queued.status_code == 302
    lost = ScorecardRun.objects.latest("pk")
    assert lost.task_id and on_redis.client().llen("celery") == 1
    on_redis.stop()
    # The broker check trusts an answer for a few seconds; start from a fresh one.
    scorecard_queue._broker_answers.clear()

    # Every page still renders, for the lead and for a manager.
    for role, user in (("lead", alice), ("manager", bob)):
        client.force_login(user)
        for name, url, statuses in pages:
            response = client.get(url)
            assert response.status_code == statuses[role], (role, name, url)
    client.force_login(alice)
    review = client.get(
        reverse("analytics:scorecard-review", args=["acme"]), {"days": 28, "end": END}
    )
    assert "Background work is unavailable" in review.content.decode()

    # An import confirmed now keeps its figures and says the recompute waits for Redis.
    upload = SimpleUploadedFile("metrics.csv", METRICS, content_type="text/csv")
    previewed = client.post(
        reverse("imports:import-upload", args=["acme"]),
        {"format": "auto", "as_of": "2025-03-28", "files": [upload]},
    )
    assert previewed.status_code == 302, previewed.content.decode()
    preview = ImportRun.objects.get(status=ImportRun.Status.PREVIEW, user=alice)
    confirmed = client.post(reverse("imports:import-confirm", args=["acme", preview.public_id]))
    assert confirmed.status_code == 302
    detail = client.get(confirmed.url).content.decode()
    assert imports.RECOMPUTE_WAITING in detail
    assert DailyMetric.objects.count() == 3
    imported = ImportRun.objects.get(pk=preview.pk).scorecard_run

    # A lead's recompute is saved too, and the answer says so.
    recompute = client.post(
        reverse("analytics:scorecard-recompute", args=["acme"]),
        {"days": "7", "end": END.isoformat()},
        headers={"HX-Request": "true"},
    )
    assert recompute.status_code == 200
    answer = recompute.content.decode()
    assert "Your recompute is saved and starts by itself" in answer
    asked = ScorecardRun.objects.get(days=[7], task_id="")
    status_page = client.get(reverse("analytics:scorecard-run", args=["acme", asked.public_id]))
    assert "Saved, waiting for background work" in status_page.content.decode()
    assert [run.waiting_for_queue for run in (imported, asked)] == [True, True]

    # Redis comes back, empty; a worker with its beat (sweeping every second) runs the
    # work recorded meanwhile, and queues the lost run again.
    on_redis.start()
    worker = celery_process(args=("--pool=solo", "-B"), env={"PENDING_SWEEP_SECONDS": "1"})

    for run in (imported, asked, lost):
        finished = worker.wait_for_run(run.pk)
        assert finished.status == ScorecardRun.Status.DONE, finished.error
    assert "dispatch_pending_runs" in worker.output()
    # The import's recompute: both accounts, 7, 28 and 90 days ending on its last day.
    imported_cards = Scorecard.objects.filter(period_end=date(2025, 3, 27))
    assert sorted(imported_cards.values_list("account__handle", "days")) == [
        ("acme.deals", 7),
        ("acme.deals", 28),
        ("acme.deals", 90),
        ("acmecoffee", 7),
        ("acmecoffee", 28),
        ("acmecoffee", 90),
    ]
    card = imported_cards.get(account=acmecoffee, days=7)
    assert (card.views, card.interactions) == (3000, 150)
    # The lead's: the team's 7 days ending END; and the 28 days whose message was lost.
    assert Scorecard.objects.get(account=acmecoffee, days=7, period_end=END).views == 3000
    assert Scorecard.objects.get(account=acmecoffee, days=28, period_end=END).views == 3000

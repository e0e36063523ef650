"""Connect through OAuth, sync two days with Sync now, check the figures and the scorecard."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from analytics.models import DailyMetric, Scorecard, VideoSnapshot
from connections.models import Connection, SyncRun
from tests.connections.test_connect_views import consent, start
from tests.connections.test_sync_service import D1, D2, day_one, day_two


def sync_now(client, connection, capture) -> SyncRun:  # noqa: ANN001
    url = reverse("connections:connection-sync", args=["acme", connection.public_id])
    with capture(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    run = SyncRun.objects.order_by("-created_at").first()
    assert response.url == reverse("connections:sync-run", args=["acme", run.public_id])
    return run


@pytest.mark.django_db
def test_it_connects_syncs_two_days_and_recomputes_the_scorecard(
    tiktok, login, alice, acmecoffee, time_machine, django_capture_on_commit_callbacks
) -> None:
    client = login(alice)
    client.get(reverse("tiktok-callback"), consent(start(client, acmecoffee).url))
    connection = Connection.objects.get(account=acmecoffee)

    # The nightly default records yesterday: on the morning after D1, then after D2.
    time_machine.move_to(datetime(2025, 3, 11, 6, 0, tzinfo=UTC))
    day_one(tiktok)
    first = sync_now(client, connection, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert (first.date, first.status) == (D1, SyncRun.Status.DONE), first.error
    assert not DailyMetric.objects.filter(account=acmecoffee).exists()

    time_machine.move_to(datetime(2025, 3, 12, 6, 0, tzinfo=UTC))
    day_two(tiktok)
    second = sync_now(client, connection, django_capture_on_commit_callbacks)
    second.refresh_from_db()
    assert (second.date, second.status) == (D2, SyncRun.Status.DONE), second.error
    assert second.summary.startswith("1,030 followers and 4 videos on 2025-03-11.")
    row = DailyMetric.objects.get(account=acmecoffee, date=D2)
    assert (row.video_views, row.likes, row.comments, row.shares, row.followers) == (
        270,
        17,
        -1,
        3,
        1030,
    )
    card = Scorecard.objects.get(account=acmecoffee, period_end=D2, days=7)
    assert card.period_start == D2 - timedelta(days=6)
    assert (card.views, card.interactions, card.followers_end) == (270, 19, 1030)

    page = client.get(reverse("connections:sync-run", args=["acme", second.public_id]))
    assert "Done: 1,030 followers" in page.content.decode()
    state = (
        list(DailyMetric.objects.values()),
        list(VideoSnapshot.objects.order_by("pk").values()),
        list(Scorecard.objects.values("views", "interactions", "overall_score")),
    )
    again = sync_now(client, connection, django_capture_on_commit_callbacks)
    again.refresh_from_db()
    assert again.status == SyncRun.Status.DONE
    assert (
        list(DailyMetric.objects.values()),
        list(VideoSnapshot.objects.order_by("pk").values()),
        list(Scorecard.objects.values("views", "interactions", "overall_score")),
    ) == state
    account_page = client.get(
        reverse("accounts:account-detail", args=["acme", "acmecoffee"])
    ).content
    assert b"1,030 on 11 Mar 2025, verified" in account_page


@pytest.mark.django_db
def test_it_polls_the_sync_until_it_is_done(tiktok, login, alice, acmecoffee) -> None:
    from connections.services.sync import sync_run_execute, sync_run_start
    from tests.connections.conftest import connect

    run = sync_run_start(
        connection=connect(tiktok, acmecoffee), day=date(2025, 3, 11), enqueue=False
    )
    client = login(alice)
    url = reverse("connections:sync-run", args=["acme", run.public_id])
    waiting = client.get(url, headers={"HX-Request": "true"})
    assert waiting.status_code == 200 and 'hx-trigger="every 1s"' in waiting.content.decode()
    sync_run_execute(run_id=run.pk)
    done = client.get(url, headers={"HX-Request": "true"})
    assert done.status_code == 286  # htmx stops polling
    assert "Done:" in done.content.decode() and "hx-trigger" not in done.content.decode()


@pytest.mark.django_db
def test_it_syncs_now_in_place_for_htmx_and_shows_a_running_sync_instead_of_a_second(
    tiktok, login, alice, acmecoffee
) -> None:
    from tests.connections.conftest import connect

    connection = connect(tiktok, acmecoffee)
    client = login(alice)
    url = reverse("connections:connection-sync", args=["acme", connection.public_id])
    queued = client.post(url, headers={"HX-Request": "true"})
    run = SyncRun.objects.get()
    assert queued.status_code == 200
    assert f'hx-get="/t/acme/syncs/{run.public_id}/"' in queued.content.decode()
    again = client.post(url, headers={"HX-Request": "true"})
    assert SyncRun.objects.count() == 1
    assert str(run.public_id) in again.content.decode()
    assert client.post(url).url == f"/t/acme/syncs/{run.public_id}/"

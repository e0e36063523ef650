from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from analytics.models import DailyMetric, ScorecardRun
from analytics.signals import scorecard_run_done
from connections.models import Connection
from notifications import alerts, tasks
from notifications.models import (
    AlertEvent,
    AlertRecipient,
    AlertRule,
    AlertState,
    Condition,
    Webhook,
    WebhookDelivery,
)
from notifications.webhooks import webhook_target
from tests.factories import ScorecardFactory
from tests.notifications.receiver import http_receiver

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def turn_on(team, *conditions) -> None:
    for condition in conditions:
        AlertRule.objects.create(team=team, condition=condition)


def changes(team) -> list[tuple[str, str]]:
    return [
        (event.change, event.state.condition)
        for event in AlertEvent.objects.filter(team=team).order_by("created_at", "pk")
    ]


def test_it_fires_once_when_data_stops_and_once_when_it_clears(acme, acmecoffee) -> None:
    turn_on(acme, Condition.NO_DATA)
    DailyMetric.objects.create(account=acmecoffee, date=today() - timedelta(days=5))
    assert len(alerts.alerts_evaluate(team=acme)) == 1
    assert alerts.alerts_evaluate(team=acme) == []
    DailyMetric.objects.create(account=acmecoffee, date=today())
    assert len(alerts.alerts_evaluate(team=acme)) == 1
    assert alerts.alerts_evaluate(team=acme) == []
    assert changes(acme) == [("fired", "no_data"), ("cleared", "no_data")]
    first = AlertEvent.objects.order_by("created_at").first()
    assert first.text.startswith("@acmecoffee has had no figures since")


def test_it_fires_on_a_grade_drop_of_ten_points(acme, acmecoffee, acme_deals) -> None:
    turn_on(acme, Condition.GRADE_DROP)
    ScorecardFactory(account=acmecoffee, overall_score=60, previous_overall_score=70)
    ScorecardFactory(account=acme_deals, overall_score=61, previous_overall_score=70.9)
    [event] = alerts.alerts_evaluate(team=acme)
    assert event.state.account == acmecoffee and "dropped 10.0 points" in event.text


def test_it_fires_per_connection_that_failed_or_needs_reconnecting(
    acme, display_to_reconnect
) -> None:
    turn_on(acme, Condition.SYNC_FAILED)
    connection = display_to_reconnect
    [event] = alerts.alerts_evaluate(team=acme)
    assert "needs reconnecting" in event.text and event.state.subject == "display"
    connection.status = Connection.Status.ACTIVE
    connection.last_sync_ok = True
    connection.save()
    [cleared] = alerts.alerts_evaluate(team=acme)
    assert cleared.change == "cleared"


def test_it_fires_below_a_kpi_target_two_weeks_running(acme, acmecoffee) -> None:
    turn_on(acme, Condition.BELOW_TARGET)
    end = today() - timedelta(days=1)
    # Target engagement 5%: 3% this week only is not two weeks running.
    ScorecardFactory(account=acmecoffee, days=7, period_end=end, engagement_rate="0.03")
    ScorecardFactory(
        account=acmecoffee, days=7, period_end=end - timedelta(days=7), engagement_rate="0.06"
    )
    assert alerts.alerts_evaluate(team=acme) == []
    ScorecardFactory(
        account=acmecoffee, days=7, period_end=end + timedelta(days=7), engagement_rate="0.04"
    )
    [event] = alerts.alerts_evaluate(team=acme, today=today() + timedelta(days=7))
    assert event.state.subject == "engagement_rate"
    assert "engagement rate has been below its target of 5.0% two weeks running" in event.text


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_fire_it_once(acme, acmecoffee) -> None:
    turn_on(acme, Condition.NO_DATA)
    DailyMetric.objects.create(account=acmecoffee, date=today() - timedelta(days=5))
    barrier = threading.Barrier(4)
    results: list[int] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(len(alerts.alerts_evaluate(team=acme)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 0, 0, 1]
    assert AlertEvent.objects.count() == 1 and AlertState.objects.count() == 1


def test_it_emails_the_chosen_members_once(inbox, acme, alice, bob, acmecoffee) -> None:
    alice.email, bob.email = "alice@example.com", "bob@example.com"
    alice.save()
    bob.save()
    AlertRecipient.objects.create(team=acme, user=alice)
    turn_on(acme, Condition.NO_DATA)
    DailyMetric.objects.create(account=acmecoffee, date=today() - timedelta(days=5))
    [event] = alerts.alerts_evaluate(team=acme)
    assert alerts.alert_email_send(event=event) == 1
    assert alerts.alert_email_send(event=event) == 0
    [mail] = inbox.received
    assert mail.envelope_to == ["alice@example.com"]
    assert mail.message["Subject"].startswith("[Playbook] Alert: @acmecoffee has had no figures")


def signed_webhook(team, url: str, format: str = "json") -> Webhook:
    return Webhook.objects.create(team=team, url=url, format=format, secret="shh-" + format)


def fire(team, account):
    turn_on(team, Condition.NO_DATA)
    DailyMetric.objects.create(account=account, date=today() - timedelta(days=5))
    [event] = alerts.alerts_evaluate(team=team)
    return event


def test_a_receiver_verifies_the_signed_json(settings, acme, acmecoffee) -> None:
    settings.PLAYBOOK_WEBHOOK_ALLOW_PRIVATE = True
    with http_receiver() as receiver:
        webhook = signed_webhook(acme, receiver.url)
        event = fire(acme, acmecoffee)
        delivery = WebhookDelivery.objects.get(event=event, webhook=webhook)
        status = alerts.webhook_delivery_attempt(delivery_id=delivery.pk, last_try=False)
    assert status == "delivered"
    [posted] = receiver.posted
    expected = "sha256=" + hmac.new(b"shh-json", posted.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(posted.headers["X-Playbook-Signature"], expected)
    data = json.loads(posted.body)
    assert data["event"] == "alert.fired" and data["account"] == "acmecoffee"
    assert data["condition"] == "no_data" and data["id"] == str(event.public_id)


def test_slack_gets_text_only(settings, acme, acmecoffee) -> None:
    settings.PLAYBOOK_WEBHOOK_ALLOW_PRIVATE = True
    with http_receiver() as receiver:
        signed_webhook(acme, receiver.url, format="slack")
        event = fire(acme, acmecoffee)
        alerts.webhook_delivery_attempt(delivery_id=event.deliveries.get().pk, last_try=False)
    data = json.loads(receiver.posted[0].body)
    assert list(data) == ["text"] and "@acmecoffee has had no figures" in data["text"]
    assert "X-Playbook-Signature" not in receiver.posted[0].headers


def test_it_retries_a_failing_receiver_with_backoff_then_delivers(settings, acme, acmecoffee):
    settings.PLAYBOOK_WEBHOOK_ALLOW_PRIVATE = True
    with http_receiver() as receiver:
        receiver.answers = [503, 500]
        signed_webhook(acme, receiver.url)
        delivery = fire(acme, acmecoffee).deliveries.get()
        for _ in range(2):
            assert alerts.webhook_delivery_attempt(delivery_id=delivery.pk, last_try=False) == (
                "retrying"
            )
        assert alerts.webhook_delivery_attempt(delivery_id=delivery.pk, last_try=False) == (
            "delivered"
        )
        # A delivered one is never posted again.
        alerts.webhook_delivery_attempt(delivery_id=delivery.pk, last_try=False)
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and len(receiver.posted) == 3
    assert [tasks.webhook_backoff(n) for n in range(4)] == [30, 60, 120, 240]


def test_the_task_retries_until_its_last_try_then_fails(settings, acme, acmecoffee) -> None:
    settings.PLAYBOOK_WEBHOOK_ALLOW_PRIVATE = True
    with http_receiver() as receiver:
        receiver.answers = [500] * 10
        signed_webhook(acme, receiver.url)
        delivery = fire(acme, acmecoffee).deliveries.get()
        # Run eagerly: each retry is a new try, up to the task's limit.
        settings.CELERY_TASK_ALWAYS_EAGER = True
        from config.celery import app

        app.conf.task_always_eager = True
        try:
            tasks.deliver_webhook.apply(args=[delivery.pk], retries=tasks.WEBHOOK_RETRIES)
        finally:
            app.conf.task_always_eager = False
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.error == "The receiver answered 500."


def test_it_refuses_private_network_urls(settings) -> None:
    settings.PLAYBOOK_WEBHOOK_ALLOW_PRIVATE = False
    for url in (
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.0.0.8/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:192.168.0.1]/hook",
        "http://0.0.0.0/hook",
    ):
        with pytest.raises(ValidationError, match="private or local address"):
            webhook_target(url)
    with pytest.raises(ValidationError, match="http:// or https://"):
        webhook_target("file:///etc/passwd")
    settings.PLAYBOOK_WEBHOOK_ALLOW_PRIVATE = True
    assert webhook_target("http://127.0.0.1:8000/hook").address == "127.0.0.1"


def test_a_delivery_to_a_url_that_became_private_is_refused(settings, acme, acmecoffee) -> None:
    settings.PLAYBOOK_WEBHOOK_ALLOW_PRIVATE = True
    with http_receiver() as receiver:
        signed_webhook(acme, receiver.url)
        delivery = fire(acme, acmecoffee).deliveries.get()
        settings.PLAYBOOK_WEBHOOK_ALLOW_PRIVATE = False
        assert alerts.webhook_delivery_attempt(delivery_id=delivery.pk, last_try=False) == (
            "failed"
        )
    assert receiver.posted == []


def test_a_finished_recompute_evaluates_the_teams_alerts(acme, monkeypatch) -> None:
    turn_on(acme, Condition.NO_DATA)
    queued = []
    monkeypatch.setattr(tasks.evaluate_team_alerts, "delay", queued.append)
    scorecard_run_done.send(sender=ScorecardRun, run_id=1, team_id=acme.pk, account_ids=[])
    assert queued == [acme.pk]


# -- the page --

URL = reverse("notifications:alerts", args=["acme"])


def test_the_page_is_a_leads(login, bob, acme) -> None:
    assert login(bob).get(URL).status_code == 403


def test_a_lead_sets_conditions_and_recipients(login, alice, bob, acme) -> None:
    response = login(alice).post(
        URL, {"conditions": ["grade_drop", "no_data"], "recipients": [bob.pk]}
    )
    assert response.status_code == 302
    assert set(AlertRule.objects.values_list("condition", flat=True)) == {"grade_drop", "no_data"}
    assert list(AlertRecipient.objects.values_list("user", flat=True)) == [bob.pk]


def test_a_lead_cannot_email_another_teams_member(login, alice, charlie, acme) -> None:
    response = login(alice).post(URL, {"recipients": [charlie.pk]})
    assert response.status_code == 200 and not AlertRecipient.objects.exists()


def test_the_secret_is_shown_once_and_rotates(login, alice, acme, settings, monkeypatch) -> None:
    settings.PLAYBOOK_WEBHOOK_ALLOW_PRIVATE = True
    client = login(alice)
    response = client.post(
        reverse("notifications:webhook-create", args=["acme"]),
        {"url": "http://127.0.0.1:9/hook", "format": "json"},
    )
    webhook = Webhook.objects.get()
    assert webhook.secret in response.content.decode()
    assert webhook.secret not in client.get(URL).content.decode()
    old = webhook.secret
    response = client.post(
        reverse("notifications:webhook-rotate", args=["acme", webhook.public_id])
    )
    webhook.refresh_from_db()
    assert webhook.secret != old and webhook.secret in response.content.decode()


def test_the_page_refuses_a_private_url(login, alice, acme, settings) -> None:
    settings.PLAYBOOK_WEBHOOK_ALLOW_PRIVATE = False
    response = login(alice).post(
        reverse("notifications:webhook-create", args=["acme"]),
        {"url": "http://127.0.0.1:9/hook", "format": "slack"},
    )
    assert response.status_code == 200
    assert "private or local address" in response.content.decode()
    assert not Webhook.objects.exists()


def test_the_page_lists_deliveries_with_their_status(login, alice, acme, acmecoffee) -> None:
    webhook = signed_webhook(acme, "https://hooks.example.com/x")
    event = fire(acme, acmecoffee)
    WebhookDelivery.objects.filter(event=event, webhook=webhook).update(
        status="failed", attempts=7, error="The receiver answered 500."
    )
    html = login(alice).get(URL).content.decode()
    assert "Failed" in html and "The receiver answered 500." in html
    assert "has had no figures" in html


def test_the_tasks_evaluate_a_team_and_every_team_once_a_day(acme, acmecoffee, periodic_claims):
    turn_on(acme, Condition.NO_DATA)
    DailyMetric.objects.create(account=acmecoffee, date=today() - timedelta(days=5))
    assert tasks.evaluate_team_alerts(acme.pk) == 1
    assert tasks.evaluate_team_alerts(acme.pk) == 0
    DailyMetric.objects.create(account=acmecoffee, date=today())
    assert tasks.evaluate_alerts_daily() == 1
    # A second beat's call the same day is skipped.
    assert tasks.evaluate_alerts_daily() is None
    assert changes(acme) == [("fired", "no_data"), ("cleared", "no_data")]

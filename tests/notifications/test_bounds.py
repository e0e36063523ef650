"""Alerts and digests stay bounded: webhooks per team, a receiver's reply never read, text
no team slug could be refused before the database."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from django.urls import reverse

from notifications.alerts import MAX_WEBHOOKS
from notifications.models import Webhook
from notifications.webhooks import post

pytestmark = pytest.mark.django_db


def test_a_team_holds_at_most_max_webhooks(login, alice, acme, settings) -> None:
    settings.PLAYBOOK_WEBHOOK_ALLOW_PRIVATE = True
    for n in range(MAX_WEBHOOKS):
        Webhook.objects.create(
            team=acme, url=f"https://hooks.example.com/{n}", format="json", secret="s"
        )

    response = login(alice).post(
        reverse("notifications:webhook-create", args=["acme"]),
        {"url": "http://127.0.0.1:9/hook", "format": "json"},
    )

    assert response.status_code == 200
    assert f"at most {MAX_WEBHOOKS} webhooks" in response.content.decode()
    assert Webhook.objects.count() == MAX_WEBHOOKS


@pytest.fixture
def endless_reply() -> Iterator[str]:
    """A receiver that answers 200 with a body of a gigabyte it never sends."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\nx")
            stop.wait(30)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/hook"
    stop.set()
    server.close()


def test_a_post_reads_the_status_not_the_reply(settings, endless_reply) -> None:
    settings.PLAYBOOK_WEBHOOK_ALLOW_PRIVATE = True

    # Reading the body would wait for bytes that never come, then time out.
    assert post(url=endless_reply, format="json", secret="s", payload={"text": "hi"}) == 200


def test_the_digest_of_a_team_slug_with_a_nul_is_a_404(login, alice) -> None:
    response = login(alice).get(reverse("notifications:digest-view") + "?team=ac%00me")

    assert response.status_code == 404

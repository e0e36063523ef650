from __future__ import annotations

from collections.abc import Iterator

import pytest

from accounts.models import Account
from connections.models import Connection
from tests.notifications.smtp import Inbox, smtp_server


@pytest.fixture
def inbox(settings) -> Iterator[Inbox]:
    """Django's SMTP backend pointed at a real SMTP server in this process."""
    with smtp_server() as (received, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.PLAYBOOK_BASE_URL = "https://playbook.example.com"
        yield received


@pytest.fixture
def display_to_reconnect(acmecoffee: Account) -> Connection:
    """@acmecoffee's TikTok display connection, waiting to be reconnected."""
    return Connection.objects.create(
        account=acmecoffee,
        source="display",
        external_id="1",
        access_token="x",
        status=Connection.Status.NEEDS_RECONNECT,
    )

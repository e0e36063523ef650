"""The fake TikTok server and the settings that point Playbook at it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet

from config.celery import app as celery_app
from connections import client
from tests.connections import fake_tiktok
from tests.connections.fake_tiktok import FakeTikTok

TOKEN_KEY = Fernet.generate_key().decode()


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeTikTok]:
    server = FakeTikTok()
    yield server
    server.stop()


@pytest.fixture
def tiktok(fake_server: FakeTikTok, settings, monkeypatch: pytest.MonkeyPatch) -> FakeTikTok:
    """The fake server, reset, with Playbook's settings pointing at it.

    Retries do not really wait (the waits are recorded in `fake.sleeps`), and tasks run
    eagerly so a sync's recompute happens inside the test.
    """
    fake_server.reset()
    settings.TIKTOK_CLIENT_KEY = fake_tiktok.CLIENT_KEY
    settings.TIKTOK_CLIENT_SECRET = fake_tiktok.CLIENT_SECRET
    settings.TIKTOK_AUTH_URL = f"{fake_server.url}/v2/auth/authorize/"
    settings.TIKTOK_API_BASE = fake_server.url
    settings.TIKTOK_BUSINESS_APP_ID = fake_tiktok.APP_ID
    settings.TIKTOK_BUSINESS_SECRET = fake_tiktok.APP_SECRET
    settings.TIKTOK_BUSINESS_AUTH_URL = f"{fake_server.url}/portal/auth"
    settings.TIKTOK_BUSINESS_API_BASE = fake_server.url
    settings.PLAYBOOK_TOKEN_KEYS = [TOKEN_KEY]
    settings.TIKTOK_RATE_LIMIT = 0
    settings.TIKTOK_TIMEOUT = 5.0
    # The app's conf first: it reads Django's settings live, so patched after them it
    # would remember the changed value as the one to restore.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    sleeps: list[float] = []
    monkeypatch.setattr(client, "sleep", sleeps.append)
    fake_server.sleeps = sleeps
    fake_server.app_key = uuid.uuid4().hex
    return fake_server


def connect(fake: FakeTikTok, account, source: str = "display"):  # noqa: ANN001, ANN201
    """A connection as the OAuth flow leaves it, with tokens the fake server accepts."""
    from datetime import timedelta

    from django.utils import timezone

    from connections import tokens
    from connections.models import Connection

    access, refresh = f"act.{uuid.uuid4().hex}", f"rft.{uuid.uuid4().hex}"
    if source == "ads":
        fake.state.business_tokens.add(access)
        external = fake.state.advertiser_ids[0]
    else:
        fake.state.access_tokens.add(access)
        fake.state.refresh_tokens.add(refresh)
        external = fake.state.open_id
    return Connection.objects.create(
        account=account,
        source=source,
        external_id=external,
        access_token=tokens.encrypt(access),
        refresh_token=tokens.encrypt(refresh if source == "display" else ""),
        access_expires_at=timezone.now() + timedelta(hours=24) if source == "display" else None,
    )

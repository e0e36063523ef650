"""The API's cast: Acme's keys (whole team, limited, revoked, expired) and Globex's key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Account
from analytics.models import DailyMetric, Video, VideoSnapshot
from api.services import api_key_create, api_key_revoke
from tests.factories import ScorecardFactory

END = date(2025, 3, 28)


@pytest.fixture(autouse=True)
def cap_prefix(api_cap_prefix: str) -> str:
    """Each test counts usage under its own Redis prefix, removed afterwards."""
    return api_cap_prefix


@pytest.fixture
def key(acme, alice, acmecoffee, acme_deals) -> str:
    return api_key_create(team=acme, name="Looker", created_by=alice)[1]


@pytest.fixture
def coffee_key(acme, alice, acmecoffee, acme_deals) -> str:
    return api_key_create(team=acme, name="Coffee only", created_by=alice, accounts=[acmecoffee])[1]


@pytest.fixture
def globex_key(globex, charlie, globex_main) -> str:
    return api_key_create(team=globex, name="Globex", created_by=charlie)[1]


@pytest.fixture
def revoked_key(acme, alice) -> str:
    api_key, secret = api_key_create(team=acme, name="Old", created_by=alice)
    api_key_revoke(api_key=api_key)
    return secret


@pytest.fixture
def expired_key(acme, alice) -> str:
    api_key, secret = api_key_create(
        team=acme, name="Short", created_by=alice, expires_at=timezone.now() + timedelta(days=1)
    )
    type(api_key).objects.filter(pk=api_key.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    return secret


@pytest.fixture
def call() -> Callable[..., object]:
    """call(url, key=None, client=None, **headers) -> the response of a GET."""

    def get(url: str, key: str | None = None, client: Client | None = None, **headers: str):
        if key:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return (client or Client()).get(url, **headers)

    return get


def fill(account: Account, *, days: int = 3, videos: int = 2) -> None:
    """Daily figures, a 28-day scorecard and videos with snapshots for one account."""
    for offset in range(days):
        DailyMetric.objects.create(
            account=account,
            date=END - timedelta(days=offset),
            video_views=100 + offset,
            likes=10,
            spend=Decimal("12.50"),
            revenue=Decimal("20"),
            followers=1000 + offset,
        )
    ScorecardFactory(
        account=account,
        period_end=END,
        views=300,
        engagement_rate=Decimal("0.0471234"),
        spend=Decimal("37.5"),
        flags="data_gap",
    )
    for number in range(videos):
        video = Video.objects.create(
            account=account, video_id=f"{account.pk}{number:03d}", title=f"=Video {number}"
        )
        VideoSnapshot.objects.create(video=video, date=END, views=50, likes=5)


@pytest.fixture
def filled(acmecoffee, acme_deals, globex_main) -> None:
    for account in (acmecoffee, acme_deals, globex_main):
        fill(account)

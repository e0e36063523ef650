"""analytics.evidence reads the week's spend and videos with plain SQL on PostgreSQL, and
the same rows with the ORM elsewhere (the SQLite demo): both answer alike."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from analytics import evidence
from analytics.models import DailyMetric, PromotionalMarkers, Video
from analytics.services.videos import videos_classify
from lib import prepared

pytestmark = pytest.mark.django_db


def decoded(row: tuple) -> list:
    """The row, with the team's markers as a list (SQL reads the JSON as text)."""
    return [json.loads(v) if isinstance(v, str) and v.startswith("[") else v for v in row]


def test_the_sql_and_the_orm_read_the_same_rows(acme, acmecoffee, acme_deals, week) -> None:
    PromotionalMarkers.objects.create(team=acme, markers=["#promo"])
    DailyMetric.objects.create(account=acme_deals, date=week, spend=3)
    DailyMetric.objects.create(account=acmecoffee, date=week, spend=0)
    DailyMetric.objects.create(account=acmecoffee, date=week - timedelta(days=1), spend=9)
    for n, (account, day) in enumerate(
        [(acmecoffee, week), (acmecoffee, week + timedelta(days=6)), (acme_deals, week)]
    ):
        Video.objects.create(
            account=account, video_id=str(7_400_000 + n), title=f"#promo {n}", posted_on=day
        )
    videos_classify(videos=Video.objects.all())
    ids, end = [acmecoffee.pk, acme_deals.pk], week + timedelta(days=6)
    for sql, orm in evidence._ORM.items():
        fast = sorted(map(decoded, prepared.fetch(sql, [ids, week, end])), key=repr)
        slow = sorted(map(decoded, orm(ids, week, end)), key=repr)
        assert fast and fast == slow
    assert evidence.paid_promotion_ran([acmecoffee, acme_deals], week, end) == {
        acmecoffee.pk: False,
        acme_deals.pk: True,
    }

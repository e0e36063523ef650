"""seed_demo on an empty database: its figures, its cost, and a later day's seeding.

Apart from the modules that share one seeded demo (conftest.demo_seeded), as these need
the database empty when they start.
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.models import DailyMetric, Video, ViewerDay
from demo.panels import HAND_MARKED_TITLE, VIDEO_DAYS, seed_videos, seed_viewers_and_activity
from demo.team import demo_metrics, seed_metrics, seed_team
from lib.dates import yesterday

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_generates_the_same_figures_every_time(db: None) -> None:
    end = yesterday()

    first = demo_metrics("profitable", "acme.deals", end)

    assert first == demo_metrics("profitable", "acme.deals", end)
    assert all(isinstance(row["spend"], Decimal) for row in first)


def test_it_seeds_in_a_bounded_number_of_statements(db: None) -> None:
    # `make run` seeds on a fresh machine, so seeding must stay quick. Not timed (a timed
    # test fails on a loaded machine): bounded in statements, which a write per day or per
    # video would blow through (about 1,800 now, for 549 days, 6 accounts' scorecards,
    # videos and 7 weeks of ticks).
    with CaptureQueriesContext(connection) as statements:
        output = seed()

    assert "created with" in output
    assert len(statements) < 2_500


def test_it_adds_only_the_new_days_when_seeded_on_a_later_day(db: None) -> None:
    team, accounts, _ = seed_team()
    end = yesterday()
    seed_metrics(accounts, end)
    seed_videos(team, accounts, end)
    seed_viewers_and_activity(accounts, end)
    before = set(Video.objects.values_list("account_id", "video_id", "posted_on", "title"))

    videos, snapshots = seed_videos(team, accounts, end + timedelta(days=1))
    metric_days = seed_metrics(accounts, end + timedelta(days=1))
    viewers, hours = seed_viewers_and_activity(accounts, end + timedelta(days=1))

    after = set(Video.objects.values_list("account_id", "video_id", "posted_on", "title"))
    assert before <= after
    assert all(row[2] == end + timedelta(days=1) for row in after - before)
    assert len(after - before) == videos
    # A steady account's videos get the new day's snapshot, except the one forced on the
    # hand-marked day and those that left the window of the demo's videos.
    steady = Video.objects.filter(
        account__handle="acmecoffee", posted_on__gt=end + timedelta(days=1 - VIDEO_DAYS)
    ).exclude(title=HAND_MARKED_TITLE)
    assert steady.filter(snapshots__date=end + timedelta(days=1)).count() == steady.count()
    assert snapshots >= steady.count()
    assert Video.objects.filter(promotional_mark__isnull=False).count() == 1
    assert hours == len(accounts) * 24
    # A Viewers row for each new metrics day, and only for those.
    assert viewers == metric_days > 0
    assert ViewerDay.objects.count() == DailyMetric.objects.count()

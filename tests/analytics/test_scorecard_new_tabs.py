"""The new Studio tabs feed the panels, never the scorecards (the scoring spec is unchanged)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.models import Kind
from analytics.models import DailyMetric, FollowerActivity, Scorecard, Video, ViewerDay
from analytics.scorecards.compute import scorecards_compute
from imports.services.imports import import_files
from tests.factories import AccountFactory
from tests.imports.studio_files import (
    ACTIVITY,
    CONTENT,
    GENDER,
    HISTORY,
    OVERVIEW,
    TERRITORIES,
    VIEWERS,
    link,
    studio_csv,
    video_id,
    zipped,
)

DOWNLOADED = date(2025, 3, 30)
END = date(2025, 3, 29)
# The 35 days before the download: a full 28-day window and part of the one before it.
DAYS = [DOWNLOADED - timedelta(days=back) for back in range(35, 0, -1)]


def studio_day(day: date) -> str:
    return f"{day:%B} {day.day}"


@pytest.fixture
def official(acme):
    return AccountFactory(team=acme, handle="acmeofficial", kind=Kind.OFFICIAL, verified=True)


def run(team, files, *, account):
    result = import_files(team=team, user=None, files=files, account=account, as_of=DOWNLOADED)
    assert result.ok, result.errors
    return result


def history() -> bytes:
    return studio_csv(HISTORY, [(studio_day(d), 1000 + 7 * d.day, 7) for d in DAYS])


def overview() -> bytes:
    # Comments are net: on the 10th more were deleted than written.
    return studio_csv(
        OVERVIEW,
        [
            (
                studio_day(d),
                1000 + 37 * d.day,
                20 + d.day,
                50 + d.day % 5,
                -4 if d.day == 10 else 3,
                2,
            )
            for d in DAYS
        ],
    )


def new_tabs() -> list[tuple[str, bytes]]:
    """Viewers, the rest of the Followers download and Content, for the same days."""
    posted = [datetime(2025, 3, day, 17, 30, tzinfo=UTC) for day in (4, 18, 27)]
    videos = [
        (
            "March 29",
            f"Video of {moment:%d %B}",
            link("acmeofficial", video_id(moment)),
            studio_day(moment.date()),
            40,
            6,
            3,
            900,
        )
        for moment in posted
    ]
    followers = zipped(
        {
            # A Followers download holds the history again: the same figures.
            "FollowerHistory.csv": history(),
            "FollowerActivity.csv": studio_csv(
                ACTIVITY,
                [(studio_day(d), hour, 80 + hour) for d in DAYS[-7:] for hour in range(24)],
            ),
            "FollowerGender.csv": studio_csv(GENDER, [("Female", "0.6"), ("Male", "0.4")]),
            "FollowerTopTerritories.csv": studio_csv(
                TERRITORIES, [("US", "0.7"), ("Others", "0.3")]
            ),
        }
    )
    viewers = studio_csv(VIEWERS, [(studio_day(d), 600, 450, 150) for d in DAYS])
    return [
        ("Viewers.csv", viewers),
        ("Followers_acmeofficial.zip", followers),
        ("Content.csv", studio_csv(CONTENT, videos)),
    ]


def scorecards(account) -> dict[int, dict[str, object]]:
    """The stored 7- and 28-day scorecards ending END, every field but the key and the time."""
    cards = {}
    for days in (7, 28):
        result = scorecards_compute(accounts=[account], end=END, days=days)
        assert result.computed == 1, result.errors
        card = Scorecard.objects.get(account=account, period_end=END, days=days)
        cards[days] = {
            field.attname: getattr(card, field.attname)
            for field in Scorecard._meta.concrete_fields
            if field.name not in ("id", "computed_at")
        }
    return cards


def daily_rows(account) -> list[tuple]:
    return list(DailyMetric.objects.filter(account=account).order_by("date").values_list())


def test_it_scores_the_same_before_and_after_the_new_tabs(acme, official) -> None:
    run(acme, [("Overview.csv", overview()), ("FollowerHistory.csv", history())], account=official)
    before = scorecards(official)
    days_before = daily_rows(official)
    # The scorecards have figures to keep: views, interactions and a follower growth.
    assert before[28]["views"] > 0 and before[28]["interactions"] > 0
    assert before[28]["engagement_rate"] is not None
    assert before[28]["follower_growth"] is not None

    result = run(acme, new_tabs(), account=official)

    assert result.created == 35 + 168 + 2 + 2 + 3  # viewers, hours, shares, videos
    assert ViewerDay.objects.filter(account=official).count() == 35
    assert FollowerActivity.objects.filter(account=official).count() == 168
    assert Video.objects.filter(account=official).count() == 3
    assert daily_rows(official) == days_before
    assert scorecards(official) == before

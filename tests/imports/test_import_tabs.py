"""Importing TikTok Studio's Viewers and Followers downloads (docs/imports.md, "tiktok-studio")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Kind
from analytics.models import AudienceShare, DailyMetric, FollowerActivity, ViewerDay
from imports.services.imports import import_files
from tests.factories import AccountFactory
from tests.imports.studio_files import (
    ACTIVITY,
    GENDER,
    HISTORY,
    TERRITORIES,
    VIEWERS,
    studio_csv,
    studio_xlsx,
    week_of_activity,
    zipped,
)

AS_OF = date(2025, 1, 5)
BOTH_PATHS = pytest.mark.parametrize("fast", [True, False], ids=["copy", "orm"])
WEEK = [
    "December 29",
    "December 30",
    "December 31",
    "January 1",
    "January 2",
    "January 3",
    "January 4",
]
VIEWER_ROWS = [
    ("December 31", "undefined", "0", "0"),
    ("January 1", "663", "622", "41"),
    ("January 2", "1,204", "1,100", "104"),
]


@pytest.fixture
def official(acme):
    return AccountFactory(team=acme, handle="acmeofficial", kind=Kind.OFFICIAL)


def run(team, files, *, account, as_of=AS_OF, **options):
    return import_files(team=team, user=None, files=files, account=account, as_of=as_of, **options)


def followers_zip(*, folder: str = "", **overrides: bytes) -> bytes:
    members = {
        "FollowerHistory.csv": studio_csv(
            HISTORY, [("January 3", "10", "1"), ("January 4", "12", "2")]
        ),
        "FollowerActivity.csv": studio_csv(ACTIVITY, week_of_activity(WEEK)),
        "FollowerGender.csv": studio_csv(
            GENDER, [("Female", "0.59"), ("Male", "0.4"), ("Other", "0.01")]
        ),
        "FollowerTopTerritories.csv": studio_csv(
            TERRITORIES, [("us", "0.5"), ("DE", "0.125"), ("Others", "0.375")]
        ),
        **overrides,
    }
    return zipped({folder + name: data for name, data in members.items()})


def viewer_days(account) -> list[tuple]:
    return list(
        ViewerDay.objects.filter(account=account).values_list(
            "date", "total_viewers", "new_viewers", "returning_viewers"
        )
    )


def shares(account, dimension: str) -> dict[str, Decimal]:
    rows = AudienceShare.objects.filter(account=account, dimension=dimension, date=AS_OF)
    return dict(rows.values_list("key", "share"))


@BOTH_PATHS
def test_it_imports_viewers_per_day_across_the_new_year(acme, official, fast):
    result = run(
        acme, [("Viewers.csv", studio_csv(VIEWERS, VIEWER_ROWS))], account=official, fast=fast
    )

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    # "undefined" is no data yet: unknown, never 0.
    assert viewer_days(official) == [
        (date(2024, 12, 31), None, 0, 0),
        (date(2025, 1, 1), 663, 622, 41),
        (date(2025, 1, 2), 1204, 1100, 104),
    ]
    assert result.summary_line().endswith("for 1 account; Viewers.csv: 3 days")
    # Viewers are no daily metric: the scorecards have nothing to recompute.
    assert not DailyMetric.objects.exists()
    assert result.scorecard_run is None


@BOTH_PATHS
def test_it_reads_the_viewers_workbook_of_a_download_and_keeps_known_figures(acme, official, fast):
    ViewerDay.objects.create(account=official, date=date(2024, 12, 31), total_viewers=50)
    export = zipped({"Viewers.xlsx": studio_xlsx(VIEWERS, VIEWER_ROWS)})

    result = run(acme, [("Viewers_acmeofficial.zip", export)], account=official, fast=fast)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    assert viewer_days(official)[0] == (date(2024, 12, 31), 50, 0, 0)


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        (
            [("January 1", "5", "3", "2"), ("January 1", "5", "3", "2")],
            "Viewers.csv: line 3: 2025-01-01 is already on line 2",
        ),
        (
            [("January 1", "-5", "3", "2")],
            "Viewers.csv: line 2, column Total Viewers: '-5' is negative",
        ),
    ],
)
def test_it_refuses_bad_viewers(acme, official, rows, error):
    result = run(acme, [("Viewers.csv", studio_csv(VIEWERS, rows))], account=official)

    assert result.errors == [error]
    assert not ViewerDay.objects.exists()


@BOTH_PATHS
def test_it_imports_the_followers_download_with_every_tab(acme, official, fast):
    export = followers_zip(folder="Followers_acmeofficial/")

    result = run(acme, [("Followers_acmeofficial.zip", export)], account=official, fast=fast)

    assert result.ok, result.errors
    # 2 days of followers, 168 hours, 3 + 3 shares.
    assert (result.created, result.updated, result.unchanged) == (176, 0, 0)
    assert FollowerActivity.objects.filter(account=official).count() == 168
    eve = FollowerActivity.objects.get(account=official, date=date(2024, 12, 31), hour=20)
    assert eve.active_followers == 320
    assert shares(official, "gender") == {
        "Female": Decimal("0.59"),
        "Male": Decimal("0.4"),
        "Other": Decimal("0.01"),
    }
    # Codes upper-cased, "Others" kept as it is.
    assert shares(official, "territory") == {
        "US": Decimal("0.5"),
        "DE": Decimal("0.125"),
        "Others": Decimal("0.375"),
    }
    assert [(entry["name"], entry["held"]) for entry in result.files] == [
        ("Followers_acmeofficial.zip/Followers_acmeofficial/FollowerHistory.csv", "2 days"),
        ("Followers_acmeofficial.zip/Followers_acmeofficial/FollowerActivity.csv", "168 hours"),
        ("Followers_acmeofficial.zip/Followers_acmeofficial/FollowerGender.csv", "3 shares"),
        (
            "Followers_acmeofficial.zip/Followers_acmeofficial/FollowerTopTerritories.csv",
            "3 shares",
        ),
    ]
    assert DailyMetric.objects.get(date=date(2025, 1, 4)).followers == 12


@BOTH_PATHS
def test_it_changes_nothing_when_the_same_files_come_again(acme, official, fast):
    files = [
        ("Followers.zip", followers_zip()),
        ("Viewers.csv", studio_csv(VIEWERS, VIEWER_ROWS)),
    ]
    run(acme, files, account=official, fast=fast)
    stamps = list(ViewerDay.objects.order_by("date").values_list("updated_at", flat=True))

    result = run(acme, files, account=official, fast=fast)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 179)
    assert list(ViewerDay.objects.order_by("date").values_list("updated_at", flat=True)) == stamps


@BOTH_PATHS
def test_it_replaces_the_audience_of_the_download_day(acme, official, fast):
    run(acme, [("Followers.zip", followers_zip())], account=official, fast=fast)
    gender = studio_csv(GENDER, [("Female", "60%"), ("Male", "0.40")])

    result = run(acme, [("FollowerGender.csv", gender)], account=official, fast=fast)

    assert result.ok, result.errors
    # Female changed, Male did not, Other is no longer in the distribution.
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    assert shares(official, "gender") == {"Female": Decimal("0.6"), "Male": Decimal("0.4")}


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        (
            "FollowerActivity.csv",
            studio_csv(ACTIVITY, [("January 1", "3", "10"), ("January 1", "3", "10")]),
            "FollowerActivity.csv: line 3: 2025-01-01 03:00 is already on line 2",
        ),
        (
            "FollowerActivity.csv",
            studio_csv(ACTIVITY, [("January 1", "24", "10")]),
            "FollowerActivity.csv: line 2, column Hour: '24' is not an hour (0 to 23)",
        ),
        (
            "FollowerActivity.csv",
            studio_csv(ACTIVITY, [("January 1", "3", "-1")]),
            "FollowerActivity.csv: line 2, column Active followers: '-1' is negative",
        ),
        (
            "FollowerGender.csv",
            studio_csv(GENDER, [("Female", "-0.1")]),
            "FollowerGender.csv: line 2, column Distribution: '-0.1' is negative",
        ),
        (
            "FollowerGender.csv",
            studio_csv(GENDER, [("", "0.5")]),
            "FollowerGender.csv: line 2, column Gender: the gender is missing",
        ),
        (
            "FollowerTopTerritories.csv",
            studio_csv(TERRITORIES, [("US", "1.5")]),
            "FollowerTopTerritories.csv: line 2, column Distribution: "
            "'1.5' is more than the whole (1, or 100%)",
        ),
        (
            "FollowerTopTerritories.csv",
            studio_csv(TERRITORIES, [("US", "0.5"), ("us", "0.2")]),
            "FollowerTopTerritories.csv: line 3, column Top territories: US is already on line 2",
        ),
    ],
)
def test_it_refuses_bad_audience_rows_and_writes_nothing(acme, official, name, data, error):
    export = followers_zip(**{name: data})

    result = run(acme, [("Followers.zip", export)], account=official)

    assert result.errors == [f"Followers.zip/{error}"]
    assert not FollowerActivity.objects.exists()
    assert not AudienceShare.objects.exists()
    assert not DailyMetric.objects.exists()


def test_it_needs_the_account_of_studio_tabs(acme, official):
    result = run(acme, [("Viewers.csv", studio_csv(VIEWERS, VIEWER_ROWS))], account=None)

    assert result.errors == [
        "Viewers.csv: the file names no account: import it from the account's page, "
        "or add a handle column"
    ]
    assert not ViewerDay.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "column"),
    [
        ("Viewers.csv", studio_csv(VIEWERS, [("January 1", "5", "-3", "2")]), "New Viewers"),
        (
            "FollowerActivity.csv",
            studio_csv(ACTIVITY, [("January 1", "3", "-1")]),
            "Active followers",
        ),
    ],
)
def test_it_refuses_negatives_even_where_net_daily_counts_are_read(
    acme, official, name, data, column
):
    # Overview's likes, comments and shares are net figures that may be negative; these
    # tabs' figures never are.
    result = run(acme, [(name, data)], account=official)

    assert len(result.errors) == 1
    assert result.errors[0].startswith(f"{name}: line 2, column {column}: ")
    assert result.errors[0].endswith("is negative")


@pytest.mark.django_db
def test_it_records_who_imported_the_follower_activity_and_studios_days(acme, official, bob):
    from analytics.content.audience import activity_with_source

    files = [("Followers.zip", followers_zip())]
    assert run(acme, files, account=official, dry_run=True).ok
    # A dry run (like a preview) is rolled back: nobody imported anything.
    assert activity_with_source(account=official)[1] is None

    result = import_files(team=acme, user=bob, files=files, account=official, as_of=AS_OF)

    assert result.ok, result.errors
    source = activity_with_source(account=official)[1]
    assert (source.by, source.on) == (bob.get_full_name() or bob.username, AS_OF)
    # FollowerHistory gave followers only: the days' followers are Studio's, nothing else.
    day = DailyMetric.objects.get(account=official, date=date(2025, 1, 4))
    assert (day.followers_source, day.organic_source) == ("studio", "")

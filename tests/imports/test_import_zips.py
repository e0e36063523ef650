"""Importing TikTok Studio downloads as zips: folders, Mac metadata, files Playbook skips."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from accounts.models import Kind
from analytics.models import FollowerActivity
from imports.models import ImportRun
from imports.services.imports import import_files
from tests.factories import AccountFactory
from tests.imports.studio_files import (
    ACTIVITY,
    GENDER,
    HISTORY,
    TERRITORIES,
    studio_csv,
    week_of_activity,
    zipped,
)

AS_OF = date(2025, 1, 5)
WEEK = [
    "December 29",
    "December 30",
    "December 31",
    "January 1",
    "January 2",
    "January 3",
    "January 4",
]


@pytest.fixture
def official(acme):
    return AccountFactory(team=acme, handle="acmeofficial", kind=Kind.OFFICIAL)


def run(team, files, *, account, as_of=AS_OF, **options):
    return import_files(team=team, user=None, files=files, account=account, as_of=as_of, **options)


def followers_zip(**overrides: bytes) -> bytes:
    members = {
        "FollowerHistory.csv": studio_csv(
            HISTORY, [("January 3", "10", "1"), ("January 4", "12", "2")]
        ),
        "FollowerActivity.csv": studio_csv(ACTIVITY, week_of_activity(WEEK)),
        "FollowerGender.csv": studio_csv(GENDER, [("Female", "0.6"), ("Male", "0.4")]),
        "FollowerTopTerritories.csv": studio_csv(TERRITORIES, [("US", "1")]),
        **overrides,
    }
    return zipped(members)


def _with_mac_junk(export: bytes) -> bytes:
    buffer = io.BytesIO(export)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("__MACOSX/._FollowerGender.csv", b"\x00\x05\x16\x07")
        archive.writestr(".DS_Store", b"\x00\x00\x00\x01Bud1")
    return buffer.getvalue()


def test_it_skips_other_files_of_a_download_by_name(acme, official):
    export = followers_zip(
        **{
            "Readme.pdf": b"%PDF-1.4 not ours",
            "Notes.csv": b'"Something","Else"\n"a","b"',
        }
    )
    export = _with_mac_junk(export)

    result = run(acme, [("Followers.zip", export)], account=official)

    assert result.ok, result.errors
    skipped = [entry["name"] for entry in result.files if entry["held"].startswith("skipped")]
    assert skipped == ["Followers.zip/Readme.pdf", "Followers.zip/Notes.csv"]
    assert "Notes.csv: skipped: not a file Playbook reads" in result.summary_line()
    assert FollowerActivity.objects.count() == 168


def test_it_reads_audience_tabs_that_hold_only_their_header(acme, official):
    # TikTok writes the audience tabs with their header only until an account has about
    # 100 followers: the download is still good, its history is imported.
    export = followers_zip(
        **{
            "FollowerActivity.csv": studio_csv(ACTIVITY, []),
            "FollowerGender.csv": studio_csv(GENDER, []),
            "FollowerTopTerritories.csv": studio_csv(TERRITORIES, []),
        }
    )

    result = run(acme, [("Followers.zip", export)], account=official)

    assert result.ok, result.errors
    assert result.created == 2
    assert result.summary_line().endswith(
        "FollowerHistory.csv: 2 days; FollowerActivity.csv: 0 hours; "
        "FollowerGender.csv: 0 shares; FollowerTopTerritories.csv: 0 shares"
    )
    assert len(result.notes) == 3
    assert all("no data yet" in note for note in result.notes)


@pytest.mark.parametrize(
    "files",
    [
        [("Followers.zip", _with_mac_junk(zipped({"Readme.pdf": b"%PDF-1.4"})))],
        [("FollowerGender.csv", studio_csv(GENDER, []))],
    ],
    ids=["only-skipped-files", "only-empty-tabs"],
)
def test_it_refuses_an_upload_with_nothing_readable(acme, official, files):
    result = run(acme, files, account=official)

    assert not result.ok
    assert len(result.errors) == 1
    assert "nothing to import" in result.errors[0]
    assert not ImportRun.objects.exists()


def test_it_skips_an_unknown_tab_only_inside_a_download(acme, official):
    unknown = b'"Something","Else"\n"a","b"'
    inner = zipped({"Old.csv": b"x"})
    export = followers_zip(**{"Deeper/Other.csv": unknown, "Nested.zip": inner})

    alone = run(acme, [("Other.csv", unknown)], account=official)
    inside = run(acme, [("Followers.zip", export)], account=official)

    assert alone.errors == [
        "Other.csv: the header matches no known format (found: Something, Else)"
    ]
    assert inside.ok, inside.errors
    assert [entry["name"] for entry in inside.files if entry["held"].startswith("skipped")] == [
        "Followers.zip/Nested.zip",
        "Followers.zip/Deeper/Other.csv",
    ]

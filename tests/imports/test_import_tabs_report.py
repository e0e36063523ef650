"""What the preview page and import_metrics say of each Studio file of an upload."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Kind
from analytics.models import AudienceShare, FollowerActivity, Video, ViewerDay
from imports.models import ImportRun
from tests.factories import AccountFactory
from tests.imports.studio_files import (
    ACTIVITY,
    CONTENT,
    GENDER,
    HISTORY,
    TERRITORIES,
    VIEWERS,
    link,
    studio_csv,
    video_id,
    week_of_activity,
    zipped,
)

VIDEO = video_id(datetime(2024, 12, 30, 18, 2, tzinfo=UTC))
DAYS = ["December 29", "December 30", "December 31", "January 1", "January 2", "January 3"]


@pytest.fixture
def official(acme, bob):
    return AccountFactory(team=acme, handle="acmeofficial", kind=Kind.OFFICIAL, managers=[bob])


def followers_zip() -> bytes:
    return zipped(
        {
            "FollowerHistory.csv": studio_csv(HISTORY, [("January 4", "12", "2")]),
            "FollowerActivity.csv": studio_csv(ACTIVITY, week_of_activity([*DAYS, "January 4"])),
            "FollowerGender.csv": studio_csv(GENDER, [("Female", "0.6"), ("Male", "0.4")]),
            "FollowerTopTerritories.csv": studio_csv(TERRITORIES, [("US", "1")]),
            "__MACOSX/._FollowerGender.csv": b"\x00\x05\x16\x07",
            "Summary.pdf": b"%PDF-1.4",
        }
    )


def content_csv(handle: str = "acmeofficial") -> bytes:
    row = ("January 3", "Winter", link(handle, VIDEO), "December 30", "10", "2", "1", "100")
    return studio_csv(CONTENT, [row])


def viewers_csv() -> bytes:
    return studio_csv(VIEWERS, [("January 3", "8", "5", "3"), ("January 4", "9", "6", "3")])


def post(client, *files: SimpleUploadedFile):
    url = reverse("imports:import-upload", args=["acme"]) + "?account=acmeofficial"
    return client.post(url, {"format": "auto", "as_of": "2025-01-05", "files": list(files)})


def test_it_previews_what_each_file_held_then_imports_it(login, bob, official):
    client = login(bob)

    response = post(
        client,
        SimpleUploadedFile("Followers_acmeofficial.zip", followers_zip(), "application/zip"),
        SimpleUploadedFile("Content.csv", content_csv(), "text/csv"),
        SimpleUploadedFile("Viewers.csv", viewers_csv(), "text/csv"),
    )

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert run.status == ImportRun.Status.PREVIEW, run.errors
    page = client.get(response.url).content.decode()
    for name, held in [
        ("Followers_acmeofficial.zip/FollowerHistory.csv", "1 day"),
        ("Followers_acmeofficial.zip/FollowerActivity.csv", "168 hours"),
        ("Followers_acmeofficial.zip/FollowerGender.csv", "2 shares"),
        ("Followers_acmeofficial.zip/FollowerTopTerritories.csv", "1 share"),
        ("Followers_acmeofficial.zip/Summary.pdf", "skipped: not a file Playbook reads"),
        ("Content.csv", "1 video"),
        ("Viewers.csv", "2 days"),
    ]:
        assert f"{name}: <span data-held>{held}</span>" in page
    assert "__MACOSX" not in page
    # 1 + 168 + 2 + 1 + 1 + 2 rows, nothing written before the confirmation.
    assert 'data-count="created">175<' in page
    assert not FollowerActivity.objects.exists()

    client.post(reverse("imports:import-confirm", args=["acme", run.public_id]))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED
    assert FollowerActivity.objects.filter(account=official).count() == 168
    assert AudienceShare.objects.filter(account=official).count() == 3
    assert ViewerDay.objects.filter(account=official).count() == 2
    assert Video.objects.get(account=official).snapshots.get().views == 100


def test_it_shows_why_an_upload_of_another_accounts_content_is_refused(login, bob, official):
    client = login(bob)

    response = post(client, SimpleUploadedFile("Content.csv", content_csv("rival"), "text/csv"))

    page = client.get(response.url).content.decode()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED
    assert "the video is @rival&#x27;s, not @acmeofficial&#x27;s" in page
    assert "Import 1 row" not in page
    assert not Video.objects.exists()


def import_metrics(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_metrics", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return int(exit.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_command_says_what_each_file_held(acme, official, tmp_path):
    (tmp_path / "Followers_acmeofficial.zip").write_bytes(followers_zip())
    (tmp_path / "Content.csv").write_bytes(content_csv())
    (tmp_path / "Viewers.csv").write_bytes(viewers_csv())
    paths = [
        str(tmp_path / name)
        for name in ("Followers_acmeofficial.zip", "Content.csv", "Viewers.csv")
    ]
    options = ("--account", "acmeofficial", "--as-of", "2025-01-05")

    status, out, err = import_metrics(*paths, *options)

    assert (status, err) == (0, "")
    assert out == (
        "imported 175 rows: 175 created, 0 updated, 0 unchanged for 1 account; "
        "Summary.pdf: skipped: not a file Playbook reads; FollowerHistory.csv: 1 day; "
        "FollowerActivity.csv: 168 hours; FollowerGender.csv: 2 shares; "
        "FollowerTopTerritories.csv: 1 share; Content.csv: 1 video; Viewers.csv: 2 days\n"
    )

    status, out, _err = import_metrics(*paths, *options)

    assert status == 0
    assert out.startswith("imported 175 rows: 0 created, 0 updated, 175 unchanged for 1 account;")


def test_the_command_refuses_another_accounts_content(acme, official, tmp_path):
    (tmp_path / "Content.csv").write_bytes(content_csv("rival"))

    status, out, err = import_metrics(
        str(tmp_path / "Content.csv"), "--account", "acmeofficial", "--as-of", "2025-01-05"
    )

    assert (status, out) == (1, "")
    assert "line 2, column Video link: the video is @rival's, not @acmeofficial's" in err
    assert not Video.objects.exists()

"""The same TikTok downloads uploaded again through the import page: marks stay, nothing moves."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Kind
from analytics.models import AudienceShare, DailyMetric, FollowerActivity, Video
from imports.models import ImportRun
from tests.factories import AccountFactory
from tests.imports.studio_files import (
    ACTIVITY,
    CONTENT,
    GENDER,
    HISTORY,
    TERRITORIES,
    link,
    studio_csv,
    video_id,
    week_of_activity,
    zipped,
)

DOWNLOADED = date(2025, 1, 5)
SALE = video_id(datetime(2024, 12, 30, 18, 2, tzinfo=UTC))
MORNING = video_id(datetime(2025, 1, 1, 9, 15, tzinfo=UTC))
WEEK = ["December 29", "December 30", "December 31", "January 1", "January 2", "January 3"]


@pytest.fixture
def official(acme, bob):
    return AccountFactory(team=acme, handle="acmeofficial", kind=Kind.OFFICIAL, managers=[bob])


def upload(client, name: str, data: bytes) -> ImportRun:
    """Uploads one file on the import page, then confirms the preview as a person would."""
    url = reverse("imports:import-upload", args=["acme"]) + "?account=acmeofficial"
    file = SimpleUploadedFile(name, data, "application/octet-stream")
    response = client.post(url, {"format": "auto", "as_of": DOWNLOADED.isoformat(), "files": file})
    assert response.status_code == 302
    run = ImportRun.objects.order_by("-created_at").first()
    assert run.status == ImportRun.Status.PREVIEW, run.errors
    client.post(reverse("imports:import-confirm", args=["acme", run.public_id]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED, run.errors
    return run


def content(day: str, sale_title: str, sale: tuple[str, ...], morning: tuple[str, ...]) -> bytes:
    """A Content download of the `day`: the sale video and an authentic morning video."""
    return studio_csv(
        CONTENT,
        [
            (day, sale_title, link("acmeofficial", SALE), "December 30", *sale),
            (day, "Morning at the roastery", link("acmeofficial", MORNING), "January 1", *morning),
        ],
    )


def exported_marks(client) -> dict[tuple[str, str], str]:
    """(video id, snapshot day) -> the `promotional` cell of the Content page's CSV."""
    response = client.get(reverse("analytics:video-export", args=["acme", "acmeofficial"]))
    rows = csv.DictReader(io.StringIO(response.content.decode()))
    return {(row["video_id"], row["snapshot_on"]): row["promotional"] for row in rows}


def test_it_keeps_a_persons_mark_when_the_content_download_comes_again(
    login, alice, bob, official
) -> None:
    client = login(bob)
    first = content(
        "January 3", "Winter sale: 20% off", ("10", "2", "1", "100"), ("5", "0", "0", "50")
    )
    upload(client, "Content.csv", first)
    # The title says promotional; bob, who knows the video, says it is not.
    mark = reverse("analytics:video-mark", args=["acme", "acmeofficial", SALE])
    assert client.post(mark, {"promotional": "authentic"}).status_code == 302
    marked_at = Video.objects.get(video_id=SALE).marked_at

    # A later download by alice: new totals, and the title now carries a hashtag too.
    client = login(alice)
    later = content(
        "January 5", "Winter sale: 20% off #ad", ("30", "4", "2", "400"), ("9", "1", "0", "80")
    )
    run = upload(client, "Content.csv", later)

    # Two new snapshots; the title is the video's, not a row of its own.
    assert (run.rows_created, run.rows_updated, run.rows_unchanged) == (2, 0, 0)
    sale = Video.objects.get(video_id=SALE)
    assert (sale.title, sale.promotional_mark, sale.marked_by, sale.marked_at) == (
        "Winter sale: 20% off #ad",
        False,
        bob,
        marked_at,
    )
    page = client.get(
        reverse("analytics:video-list", args=["acme", "acmeofficial"])
    ).content.decode()
    row = page[page.index(f'<tr id="video-{SALE}">') :]
    row = row[: row.index("</tr>")]
    assert 'data-column="views">400</td>' in row
    assert '<option value="authentic" selected>Authentic (marked by bob)</option>' in row
    assert exported_marks(client) == {
        (SALE, "2025-01-03"): "0",
        (SALE, "2025-01-05"): "0",
        (MORNING, "2025-01-03"): "0",
        (MORNING, "2025-01-05"): "0",
    }

    # The same download once more changes nothing, and the mark stays.
    again = upload(client, "Content.csv", later)

    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 2)
    sale.refresh_from_db()
    assert (sale.promotional_mark, sale.marked_by, sale.marked_at) == (False, bob, marked_at)


def followers_zip() -> bytes:
    return zipped(
        {
            "FollowerHistory.csv": studio_csv(
                HISTORY, [("January 3", "1,204", "3"), ("January 4", "1,210", "6")]
            ),
            "FollowerActivity.csv": studio_csv(ACTIVITY, week_of_activity(WEEK)),
            "FollowerGender.csv": studio_csv(
                GENDER, [("Female", "0.62"), ("Male", "0.35"), ("Other", "0.03")]
            ),
            "FollowerTopTerritories.csv": studio_csv(
                TERRITORIES, [("US", "0.48"), ("GB", "0.17"), ("Others", "0.35")]
            ),
        }
    )


def stored(account) -> dict[str, list[tuple]]:
    """Every row the Followers download feeds, keys and timestamps included."""
    return {
        "days": list(
            DailyMetric.objects.filter(account=account)
            .order_by("date")
            .values_list("pk", "date", "followers", "updated_at")
        ),
        "hours": list(
            FollowerActivity.objects.filter(account=account)
            .order_by("date", "hour")
            .values_list("pk", "date", "hour", "active_followers")
        ),
        "shares": list(
            AudienceShare.objects.filter(account=account)
            .order_by("dimension", "key")
            .values_list("pk", "date", "dimension", "key", "share")
        ),
    }


def test_it_changes_nothing_when_the_same_followers_zip_comes_again(login, bob, official) -> None:
    client = login(bob)
    first = upload(client, "Followers_acmeofficial.zip", followers_zip())
    before = stored(official)
    assert [len(rows) for rows in before.values()] == [2, 144, 6]
    assert (first.rows_created, first.rows_updated, first.rows_unchanged) == (152, 0, 0)

    again = upload(client, "Followers_acmeofficial.zip", followers_zip())

    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 152)
    assert stored(official) == before
    page = client.get(
        reverse("imports:import-detail", args=["acme", again.public_id])
    ).content.decode()
    assert "Nothing changed: everything was already as the files say." in page


def test_an_older_download_imported_later_keeps_the_newer_title(login, bob, official) -> None:
    client = login(bob)
    newer = content("January 5", "Winter sale #ad", ("30", "4", "2", "400"), ("9", "1", "0", "80"))
    older = content("January 3", "Winter sale", ("10", "2", "1", "100"), ("5", "0", "0", "50"))
    upload(client, "Content.csv", newer)

    run = upload(client, "Content.csv", older)

    # The older file's totals are snapshots of their own day; the title stays the newer one.
    assert (run.rows_created, run.rows_updated, run.rows_unchanged) == (2, 0, 0)
    assert Video.objects.get(video_id=SALE).title == "Winter sale #ad"
    # Within one upload too, the newest file gives the title, whatever the files' order.
    Video.objects.all().delete()
    archive = zipped({"Content_new.csv": newer, "Content_old.csv": older})
    upload(client, "Content.zip", archive)
    assert Video.objects.get(video_id=SALE).title == "Winter sale #ad"

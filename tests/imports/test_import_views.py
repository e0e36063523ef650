from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Kind
from analytics.models import DailyMetric
from imports.models import ImportFile, ImportRun
from imports.services.imports import import_preview
from tests.factories import AccountFactory
from tests.imports.studio_files import zipped

FILES = Path(__file__).parent / "files"
CANONICAL = (FILES / "canonical.csv").read_bytes()
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def upload(name: str, content: bytes, content_type: str = "text/csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def official(acme, bob):
    return AccountFactory(team=acme, handle="acmeofficial", kind=Kind.OFFICIAL, managers=[bob])


@pytest.fixture
def deals(acme):
    return AccountFactory(team=acme, handle="acme.deals", kind=Kind.MARKETING)


def upload_url(team: str = "acme", account: str | None = None) -> str:
    url = reverse("imports:import-upload", args=[team])
    return f"{url}?account={account}" if account else url


def post_files(client, *files, account: str | None = None, follow: bool = False, **data):
    fields = {"format": "auto", "as_of": "2025-01-05", **data, "files": list(files)}
    return client.post(upload_url(account=account), fields, follow=follow)


def preview_of(user, files, account=None) -> ImportRun:
    return import_preview(
        membership=user.memberships.get(),
        user=user,
        files=files,
        account=account,
        as_of=date(2025, 1, 5),
    )


# ---------------------------------------------------------------------------
# Access


def test_it_requires_login(client, acme):
    response = client.get(upload_url())

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_hides_other_teams_and_their_imports(login, alice, charlie, official):
    run = preview_of(alice, [("canonical.csv", CANONICAL)])
    client = login(charlie)

    assert client.get(upload_url()).status_code == 404
    assert client.get(reverse("imports:import-list", args=["acme"])).status_code == 404
    detail = reverse("imports:import-detail", args=["globex", run.public_id])
    assert client.get(detail).status_code == 404
    confirm = reverse("imports:import-confirm", args=["globex", run.public_id])
    assert client.post(confirm).status_code == 404
    assert not DailyMetric.objects.exists()


def test_it_hides_a_leads_import_from_managers(login, alice, bob, official, deals):
    run = preview_of(alice, [("canonical.csv", CANONICAL)])
    client = login(bob)

    assert (
        client.get(reverse("imports:import-detail", args=["acme", run.public_id])).status_code
        == 404
    )
    assert (
        client.post(reverse("imports:import-confirm", args=["acme", run.public_id])).status_code
        == 404
    )
    assert (
        client.post(reverse("imports:import-discard", args=["acme", run.public_id])).status_code
        == 404
    )
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEW


def test_it_gives_404_for_an_account_a_manager_does_not_manage(login, bob, official, deals):
    client = login(bob)

    assert client.get(upload_url(account="acme.deals")).status_code == 404
    assert client.post(upload_url(account="acme.deals"), {}).status_code == 404
    assert client.get(upload_url(account="acmeofficial")).status_code == 200


def test_it_refuses_a_managers_file_naming_another_account_at_its_line(login, bob, official, deals):
    client = login(bob)

    response = post_files(client, upload("canonical.csv", CANONICAL), follow=True)

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert (
        "canonical.csv: lines 3, 5, 7, column handle: @acme.deals is not one of your accounts "
        "in Acme" in (response.content.decode())
    )
    assert b"Import 6 rows" not in response.content
    assert not DailyMetric.objects.exists()


# ---------------------------------------------------------------------------
# Upload, preview, confirm


def test_it_shows_the_upload_form(login, alice, official):
    response = login(alice).get(upload_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and "multiple" in page
    assert 'value="auto" selected' in page
    assert f'value="{timezone.localdate().isoformat()}"' in page
    assert f"{upload_url()}?account=acmeofficial" in page


def test_it_shows_the_account_on_an_accounts_upload(login, bob, official):
    response = login(bob).get(upload_url(account="acmeofficial"))

    assert "Import metrics for @acmeofficial" in response.content.decode()
    assert 'action="/t/acme/imports/new/?account=acmeofficial"' in response.content.decode()


def test_it_previews_confirms_and_links_to_the_scorecards(login, alice, official, deals):
    client = login(alice)

    response = post_files(client, upload("canonical.csv", CANONICAL))

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:import-detail", args=["acme", run.public_id])
    preview = client.get(response.url).content.decode()
    assert 'data-count="created">6<' in preview
    assert "@acme.deals, @acmeofficial" in preview
    assert "1 Oct 2024 to 3 Oct 2024" in preview
    assert "Import 6 rows" in preview
    assert not DailyMetric.objects.exists()
    assert ImportFile.objects.filter(run=run).count() == 1

    confirmed = client.post(reverse("imports:import-confirm", args=["acme", run.public_id]))

    assert confirmed.status_code == 302
    assert DailyMetric.objects.count() == 6
    result = client.get(confirmed.url).content.decode()
    assert "6 rows imported" in result
    assert "Open the scorecards" in result
    assert (
        f"{reverse('analytics:scorecard-review', args=['acme'])}?days=28&amp;end=2024-10-03"
        in result
    )
    assert "Import 6 rows" not in result


def test_it_imports_an_accounts_files_from_its_page(login, bob, official):
    client = login(bob)
    studio = zipped(
        {
            "Overview.csv": (FILES / "studio/Overview.csv").read_bytes(),
            "FollowerHistory.csv": (FILES / "studio/FollowerHistory.csv").read_bytes(),
        }
    )

    response = post_files(
        client, upload("tiktok.zip", studio, "application/zip"), account="acmeofficial"
    )
    run = ImportRun.objects.get()
    client.post(reverse("imports:import-confirm", args=["acme", run.public_id]))

    assert response.status_code == 302
    assert run.account == official
    assert DailyMetric.objects.filter(account=official).count() == 6
    assert DailyMetric.objects.get(date=date(2025, 1, 1)).followers == 10600


def test_it_takes_several_files_at_once(login, alice, official):
    client = login(alice)
    overview = (FILES / "studio/Overview.csv").read_bytes()
    followers = (FILES / "studio/FollowerHistory.csv").read_bytes()

    post_files(
        client,
        upload("Overview.csv", overview),
        upload("FollowerHistory.csv", followers),
        account="acmeofficial",
        format="tiktok-studio",
    )

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.PREVIEW
    assert run.file_names == ["Overview.csv", "FollowerHistory.csv"]
    assert run.rows_created == 6


def test_it_shows_the_errors_and_offers_no_confirmation(login, alice, official):
    client = login(alice)
    bad = b"date,handle,video_views\n2024-10-01,acmeofficial,-1\n2024-10-02,nobody,3\n"

    response = post_files(client, upload("bad.csv", bad), follow=True)

    page = response.content.decode()
    assert "bad.csv: line 2, column video_views: &#x27;-1&#x27; is negative" in page
    assert "bad.csv: line 3, column handle: @nobody is not one of your accounts in Acme" in page
    assert "import_confirm" not in page and "/confirm/" not in page
    run = ImportRun.objects.get()

    confirmed = client.post(reverse("imports:import-confirm", args=["acme", run.public_id]))

    assert confirmed.status_code == 200
    assert "cannot be imported" in confirmed.content.decode()
    assert "is negative" in confirmed.content.decode()
    assert not DailyMetric.objects.exists()


def test_it_lists_the_first_hundred_errors_then_a_count(login, alice, official):
    rows = "\n".join(f"2024-10-{day:02d},acmeofficial,-{day}" for day in range(1, 31))
    bad = ("date,handle,video_views\n" + rows + "\n").encode()
    files = [upload(f"bad{index}.csv", bad) for index in range(4)]

    response = post_files(login(alice), *files, follow=True)

    page = response.content.decode()
    assert page.count("is negative</li>") == 100
    assert "and 20 more." in page


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("logo.png", PNG, "logo.png: not a CSV or XLSX file"),
        ("export.zip", b"PK\x03\x04" + bytes(100), "export.zip: not a readable ZIP archive"),
        ("export.zip", zipped({"a.bin": PNG}), "nothing to import"),
        ("notes.txt", b"hello\nworld\n", "notes.txt: the header matches no known format"),
    ],
)
def test_it_rejects_unreadable_files_without_failing(login, alice, official, name, content, error):
    response = post_files(
        login(alice), upload(name, content, "application/octet-stream"), follow=True
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED
    assert not ImportFile.objects.exists()


def test_it_rejects_an_empty_file_in_the_form(login, alice, official):
    response = post_files(login(alice), upload("empty.csv", b""))

    assert response.status_code == 200
    assert "empty.csv is empty." in response.content.decode()
    assert not ImportRun.objects.exists()


@override_settings(METRICS_MAX_UPLOAD_BYTES=1024)
def test_it_rejects_a_file_over_the_size_limit_in_the_form(login, alice, official):
    response = post_files(login(alice), upload("big.csv", CANONICAL * 3))

    assert response.status_code == 200
    assert "big.csv is 0.0 MB, over the 0.0 MB size limit." in response.content.decode()
    assert not ImportRun.objects.exists()


@override_settings(METRICS_MAX_UPLOAD_BYTES=1024 * 1024)
def test_it_limits_what_one_upload_holds_in_total(login, alice, official):
    part = b"date,handle,likes\n" + b"2024-10-01,acmeofficial,1\n" * 25_000

    response = post_files(login(alice), upload("a.csv", part), upload("b.csv", part))

    assert response.status_code == 200
    assert "The files add up to 1.2 MB, over the 1.0 MB an upload may hold" in (
        response.content.decode()
    )
    assert not ImportRun.objects.exists()


def test_it_requires_a_file(login, alice):
    response = login(alice).post(upload_url(), {"format": "auto", "as_of": "2025-01-05"})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_it_discards_a_preview(login, alice, official, deals):
    client = login(alice)
    run = preview_of(alice, [("canonical.csv", CANONICAL)])

    response = client.post(reverse("imports:import-discard", args=["acme", run.public_id]))

    assert response.status_code == 302
    assert response.url == reverse("imports:import-list", args=["acme"])
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DISCARDED
    assert not ImportFile.objects.exists()
    again = client.post(
        reverse("imports:import-confirm", args=["acme", run.public_id]), follow=True
    )
    assert "discarded" in again.content.decode()
    assert not DailyMetric.objects.exists()


def test_it_confirms_only_once(login, alice, official, deals):
    client = login(alice)
    run = preview_of(alice, [("canonical.csv", CANONICAL)])
    client.post(reverse("imports:import-confirm", args=["acme", run.public_id]))

    response = client.post(
        reverse("imports:import-confirm", args=["acme", run.public_id]), follow=True
    )

    assert "already confirmed" in response.content.decode()
    assert DailyMetric.objects.count() == 6


def test_it_allows_only_posts_to_confirm_and_discard(login, alice, official):
    client = login(alice)
    run = preview_of(alice, [("canonical.csv", CANONICAL)])

    assert (
        client.get(reverse("imports:import-confirm", args=["acme", run.public_id])).status_code
        == 405
    )
    assert (
        client.get(reverse("imports:import-discard", args=["acme", run.public_id])).status_code
        == 405
    )


# ---------------------------------------------------------------------------
# History


def test_it_says_what_to_do_when_there_are_no_imports(login, alice):
    response = login(alice).get(reverse("imports:import-list", args=["acme"]))

    assert "No imports yet." in response.content.decode()
    assert upload_url() in response.content.decode()


def test_it_lists_leads_every_import_and_managers_their_own(login, alice, bob, official, deals):
    preview_of(alice, [("team.csv", CANONICAL)])
    preview_of(bob, [("mine.csv", b"date,likes\n2024-10-01,3\n")], account=official)

    lead_page = login(alice).get(reverse("imports:import-list", args=["acme"])).content.decode()
    manager_page = login(bob).get(reverse("imports:import-list", args=["acme"])).content.decode()

    assert "team.csv" in lead_page and "mine.csv" in lead_page
    assert "mine.csv" in manager_page and "team.csv" not in manager_page


def test_it_pages_the_history_with_an_htmx_partial(login, alice, official):
    for index in range(25):
        preview_of(alice, [(f"file{index}.csv", b"date,likes\n2024-10-01,3\n")], account=official)
    client = login(alice)
    url = reverse("imports:import-list", args=["acme"])

    first = client.get(url).content.decode()
    partial = client.get(
        f"{url}?page=2", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="imports-table"
    ).content.decode()

    assert "Page 1 of 2" in first and "<html" in first
    assert partial.strip().startswith('<div id="imports-table">')
    assert "<html" not in partial
    assert "Page 2 of 2" in partial
    assert partial.count("file") == 5
    assert 'hx-get="?page=1"' in partial and 'href="?page=1"' in partial


def test_it_links_the_navigation_and_the_account_page_to_the_import(login, bob, official):
    client = login(bob)

    account_page = client.get(reverse("accounts:account-detail", args=["acme", "acmeofficial"]))

    page = account_page.content.decode()
    assert f'href="{upload_url(account="acmeofficial")}">Import metrics for this account' in page
    assert f'href="{upload_url()}"' in page

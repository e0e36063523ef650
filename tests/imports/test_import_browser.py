"""The import in a real browser: upload, preview, confirm, then the scorecards it feeds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Kind
from analytics.models import DailyMetric, Scorecard, ScorecardRun
from analytics.scorecards.runs import scorecard_run_execute
from imports.models import ImportRun
from tests.browser import browser_page, log_in, screenshot
from tests.factories import AccountFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"  # the factories' password
CANONICAL = Path(__file__).parent / "files" / "canonical.csv"


@pytest.fixture
def accounts(acme):
    return [
        AccountFactory(team=acme, handle="acmeofficial", kind=Kind.OFFICIAL),
        AccountFactory(team=acme, handle="acme.deals", kind=Kind.MARKETING),
    ]


def test_it_uploads_previews_confirms_and_feeds_the_scorecards(
    live_server, alice, accounts, broker
) -> None:
    with browser_page() as page:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        log_in(page, live_server.url, "alice", PASSWORD)
        page.get_by_role("link", name="Import metrics").first.click()
        expect(page).to_have_title("Import metrics · Playbook")

        page.get_by_label("Files").set_input_files(str(CANONICAL))
        screenshot(page, "import-upload")
        page.get_by_role("button", name="Check the files").click()

        expect(page).to_have_title("Check the import · Playbook")
        expect(page.locator("[data-count=created]")).to_have_text("6")
        expect(page.locator("[data-count=updated]")).to_have_text("0")
        expect(page.get_by_text("@acme.deals, @acmeofficial")).to_be_visible()
        assert not DailyMetric.objects.exists()
        screenshot(page, "import-preview")

        page.get_by_role("button", name="Import 6 rows").click()
        expect(page).to_have_title("Import done · Playbook")
        expect(page.get_by_text("6 rows imported")).to_be_visible()
        assert DailyMetric.objects.count() == 6
        screenshot(page, "import-done")

        # Tests run no worker: the recompute the import queued is run here, as a worker would.
        recompute = ImportRun.objects.get().scorecard_run
        assert recompute.account_ids == sorted(account.pk for account in accounts)
        assert scorecard_run_execute(run_id=recompute.pk).status == ScorecardRun.Status.DONE

        page.get_by_role("link", name="Open the scorecards").click()
        expect(page).to_have_title("Acme scorecards · Playbook")
        table = page.locator("#scorecards-table tbody")
        expect(table.locator("tr")).to_have_count(2)
        page.get_by_role("link", name="ROI score").click()
        expect(page).to_have_url(
            f"{live_server.url}/t/acme/scorecards/?days=28&end=2024-10-03&sort=roi_score"
        )
        # Only @acme.deals spent money, so only it has a ROI score; nulls sort last.
        handles = page.locator("#scorecards-table tbody th[scope=row]")
        expect(handles).to_have_text(["@acme.deals", "@acmeofficial"])

        row = page.locator("#scorecards-table tbody tr", has_text="@acme.deals")
        row.get_by_text("Mark reviewed").click()
        row.get_by_role("button", name="Save review").click()
        expect(row.locator(".pb-review")).to_contain_text("Reviewed")
        card = Scorecard.objects.get(account__handle="acme.deals", days=28)
        assert card.reviewed_by == alice
        screenshot(page, "import-scorecards")

        # A bad file: every problem listed by line and column, and no way to import it.
        page.goto(f"{live_server.url}/t/acme/imports/new/")
        page.get_by_label("Files").set_input_files(
            files=[
                {
                    "name": "bad.csv",
                    "mimeType": "text/csv",
                    "buffer": b"date,handle,video_views\n2024-10-04,acmeofficial,-1\n"
                    b"2024-10-05,nobody,3\n",
                }
            ]
        )
        page.get_by_role("button", name="Check the files").click()
        expect(page).to_have_title("Upload rejected · Playbook")
        expect(page.locator(".pb-import-errors li")).to_have_text(
            [
                "bad.csv: line 2, column video_views: '-1' is negative",
                "bad.csv: line 3, column handle: @nobody is not one of your accounts in Acme",
            ]
        )
        expect(page.get_by_role("button", name="Import")).to_have_count(0)
        screenshot(page, "import-errors")
        assert DailyMetric.objects.count() == 6
        assert not [e for e in errors if "Content Security Policy" in e], errors

    with browser_page(width=375, height=800) as page:
        log_in(page, live_server.url, "alice", PASSWORD)
        page.goto(f"{live_server.url}/t/acme/imports/")
        expect(page.locator("#imports-table tbody tr")).to_have_count(2)
        screenshot(page, "import-history-phone")

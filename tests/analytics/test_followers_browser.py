"""A Followers download in a real browser: upload, preview, confirm, then the audience panel."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from analytics.models import AudienceShare, FollowerActivity
from imports.models import ImportRun
from tests.browser import browser_page, log_in, screenshot
from tests.imports.studio_files import (
    ACTIVITY,
    GENDER,
    HISTORY,
    TERRITORIES,
    studio_csv,
    zipped,
)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"  # the factories' password
DOWNLOADED = date(2025, 3, 29)
# Two weeks of activity, the last on the day before the download: 14 days of 24 hours.
DAYS = [DOWNLOADED - timedelta(days=back) for back in range(14, 0, -1)]
# A flat day with three peaks; 12:00 and 21:00 tie, so the earlier hour ranks first.
PEAKS = {18: 900, 12: 700, 21: 700, 20: 690}
SATURDAY_BONUS = 50


def active(day: date, hour: int) -> int:
    return PEAKS.get(hour, 100) + (SATURDAY_BONUS if day.isoweekday() == 6 else 0)


def followers_zip() -> bytes:
    """Followers_acmecoffee.zip as TikTok Studio hands it out: four quoted CSVs with a BOM."""
    activity = [
        (f"{day:%B} {day.day}", hour, active(day, hour)) for day in DAYS for hour in range(24)
    ]
    return zipped(
        {
            "FollowerHistory.csv": studio_csv(
                HISTORY, [("March 27", "1,204", "3"), ("March 28", "1,210", "6")]
            ),
            "FollowerActivity.csv": studio_csv(ACTIVITY, activity),
            "FollowerGender.csv": studio_csv(
                GENDER, [("Female", "0.62"), ("Male", "0.35"), ("Other", "0.03")]
            ),
            "FollowerTopTerritories.csv": studio_csv(
                TERRITORIES, [("US", "0.48"), ("GB", "0.17"), ("Others", "0.35")]
            ),
        }
    )


def test_it_turns_a_followers_download_into_the_heatmap_and_best_hours(
    live_server, alice, acmecoffee, broker, tmp_path
) -> None:
    export = tmp_path / "Followers_acmecoffee.zip"
    export.write_bytes(followers_zip())
    with browser_page() as page:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        log_in(page, live_server.url, "alice", PASSWORD)
        page.goto(f"{live_server.url}/t/acme/a/acmecoffee/")
        empty = page.locator("[data-empty=activity]")
        expect(empty).to_contain_text("No follower activity yet")

        # The empty state leads to the upload page of this account.
        empty.get_by_role("link", name="upload that zip").click()
        expect(page).to_have_title("Import metrics for @acmecoffee · Playbook")
        page.get_by_label("Files").set_input_files(str(export))
        page.get_by_label("Downloaded on").fill(DOWNLOADED.isoformat())
        page.get_by_role("button", name="Check the files").click()

        expect(page).to_have_title("Check the import · Playbook")
        held = page.locator(".pb-import-files li")
        expect(held).to_have_text(
            [
                "Followers_acmecoffee.zip/FollowerHistory.csv: 2 days (tiktok-studio, followers)",
                "Followers_acmecoffee.zip/FollowerActivity.csv: 336 hours"
                " (tiktok-studio, follower-activity)",
                "Followers_acmecoffee.zip/FollowerGender.csv: 3 shares (tiktok-studio, gender)",
                "Followers_acmecoffee.zip/FollowerTopTerritories.csv: 3 shares"
                " (tiktok-studio, territories)",
            ],
            use_inner_text=True,
        )
        expect(page.locator("[data-count=created]")).to_have_text("344")
        assert not FollowerActivity.objects.exists()
        screenshot(page, "followers-preview")

        page.get_by_role("button", name="Import 344 rows").click()
        expect(page).to_have_title("Import done · Playbook")
        expect(page.get_by_text("344 rows imported")).to_be_visible()
        assert ImportRun.objects.get().status == ImportRun.Status.APPLIED
        assert FollowerActivity.objects.filter(account=acmecoffee).count() == 336
        assert AudienceShare.objects.filter(account=acmecoffee).count() == 6

        page.goto(f"{live_server.url}/t/acme/a/acmecoffee/")
        expect(page.locator("#best-hours .pb-best-hour")).to_have_text(["18:00", "12:00", "21:00"])
        # The caption counts the days actually used (14), not the 28-day window.
        expect(page.locator("#heatmap-note")).to_contain_text(
            "14 days with data between 15 Mar and 28 Mar 2025"
        )
        # Saturday at 18:00 (two Saturdays, each 900 + 50) is the darkest cell; a quiet
        # Monday hour is the lightest.
        busiest = page.locator("td[data-cell='6-18']")
        expect(busiest).to_have_text("950")
        expect(busiest).to_have_class("text-end pb-heat pb-heat-5")
        expect(busiest).to_have_attribute(
            "title", "Saturday 18:00: 950 active followers on average over 2 days"
        )
        expect(page.locator("td[data-cell='1-3']")).to_have_text("100")
        expect(page.locator("[data-hour-mean='18']")).to_have_text("907")
        expect(page.locator("[data-empty]")).to_have_count(0)
        expect(page.locator("#audience")).to_contain_text("United States")
        page.locator("#audience-h").scroll_into_view_if_needed()
        screenshot(page, "followers-heatmap")
        assert not [e for e in errors if "Content Security Policy" in e], errors

"""The Content page in a real browser: marking a video promotional, sorting, the views line."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from analytics.models import Video
from tests.analytics.videos_data import make_video
from tests.browser import browser_page, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"  # the factories' password
VIEWS_CHART = "document.querySelector('canvas[data-chart=video-views]')"


@pytest.fixture
def videos(acmecoffee) -> None:
    make_video(
        acmecoffee,
        "7486000011122334455",
        title="Morning at the roastery",
        posted_on=date(2025, 3, 20),
        snapshots=[
            (date(2025, 3, 21), 800, 30, 2, 1),
            (date(2025, 3, 24), 5400, 200, 12, 9),
            (date(2025, 3, 28), 7100, 260, 15, 11),
        ],
    )
    make_video(
        acmecoffee,
        "7486000011122334466",
        title="Summer sale, link in bio",
        posted_on=date(2025, 3, 22),
        snapshots=[(date(2025, 3, 28), 900, 20, 1, 0)],
    )


def test_it_marks_a_video_promotional_without_reloading(live_server, bob, videos) -> None:
    with browser_page() as page:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        log_in(page, live_server.url, "bob", PASSWORD)
        page.goto(f"{live_server.url}/t/acme/a/acmecoffee/")
        page.get_by_role("link", name="Content", exact=True).click()
        expect(page).to_have_title("@acmecoffee content · Playbook")
        page.evaluate("() => { window.pbMarker = 'still here'; }")

        row = page.locator("#video-7486000011122334455")
        mark = row.get_by_role("combobox")
        expect(mark).to_have_value("title")
        expect(mark.locator("option:checked")).to_have_text("Authentic (by title)")
        mark.select_option("promotional")
        expect(row.get_by_role("combobox").locator("option:checked")).to_have_text(
            "Promotional (marked by bob)"
        )
        assert page.evaluate("() => window.pbMarker") == "still here"
        video = Video.objects.get(video_id="7486000011122334455")
        assert video.promotional_mark is True and video.marked_by == bob
        screenshot(page, "videos-marked")

        # Sorting swaps the table only, and the mark shows in the new table too.
        page.get_by_role("link", name="Views").click()
        expect(page.locator("#videos-table tbody tr").first).to_have_id("video-7486000011122334455")
        # The account page's link named the scorecard's period; sorting keeps it.
        assert page.url.startswith(f"{live_server.url}/t/acme/a/acmecoffee/videos/?days=28&end=")
        assert page.url.endswith("&sort=-views")
        expect(page.locator("#video-7486000011122334455")).to_contain_text("marked by bob")
        assert page.evaluate("() => window.pbMarker") == "still here"

        # Back to the title: the markers say authentic again.
        page.locator("#video-7486000011122334455").get_by_role("combobox").select_option("title")
        expect(page.locator("#video-7486000011122334455").locator("option:checked")).to_have_text(
            "Authentic (by title)"
        )
        video.refresh_from_db()
        assert video.promotional_mark is None

        # The video's page draws its views over time.
        page.get_by_role("link", name="Morning at the roastery").first.click()
        page.wait_for_function(f"() => window.Chart && Chart.getChart({VIEWS_CHART})")
        points = page.evaluate(f"() => Chart.getChart({VIEWS_CHART}).data.datasets[0].data")
        assert [point["y"] for point in points] == [800, 5400, 7100]
        # A time axis: 21, 24 and 28 March sit 3 and 4 days apart, as in the calendar.
        days = [point["x"] for point in points]
        assert days[0] == (date(2025, 3, 21) - date(1970, 1, 1)).days
        assert [b - a for a, b in zip(days, days[1:], strict=False)] == [3, 4]
        axis = page.evaluate(f"() => Chart.getChart({VIEWS_CHART}).options.scales.x.type")
        assert axis == "linear"
        screenshot(page, "video-detail")
        assert not [e for e in errors if "Content Security Policy" in e], errors

    with browser_page(width=375, height=800) as page:
        log_in(page, live_server.url, "bob", PASSWORD)
        page.goto(f"{live_server.url}/t/acme/a/acmecoffee/videos/")
        expect(page.locator("#videos-table tbody tr")).to_have_count(2)
        screenshot(page, "videos-phone")

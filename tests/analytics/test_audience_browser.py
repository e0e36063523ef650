"""The audience panel and the viewers chart in a real browser, under the CSP."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from analytics.models import AudienceShare, FollowerActivity, ViewerDay
from tests.browser import browser_page, log_in, screenshot

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"  # the factories' password
LATEST = date(2025, 3, 28)
CHART = "document.querySelector('[data-chart=viewers]')"


@pytest.fixture
def audience(acmecoffee) -> None:
    FollowerActivity.objects.bulk_create(
        FollowerActivity(
            account=acmecoffee,
            date=LATEST - timedelta(days=day),
            hour=hour,
            # Busiest in the evening, a little more at the weekend.
            active_followers=100 + 40 * hour + 10 * (day % 7),
        )
        for day in range(28)
        for hour in range(24)
    )
    for dimension, lines in (
        (AudienceShare.Dimension.GENDER, {"Female": "0.59", "Male": "0.38", "Other": "0.03"}),
        (AudienceShare.Dimension.TERRITORY, {"US": "0.41", "GB": "0.12", "Others": "0.47"}),
    ):
        for key, share in lines.items():
            AudienceShare.objects.create(
                account=acmecoffee, date=LATEST, dimension=dimension, key=key, share=Decimal(share)
            )
    ViewerDay.objects.bulk_create(
        ViewerDay(
            account=acmecoffee,
            date=LATEST - timedelta(days=day),
            total_viewers=300 + day,
            new_viewers=200 + day,
            returning_viewers=100,
        )
        for day in range(7)
    )


@pytest.mark.parametrize("width", [375, 1440])
def test_it_shades_the_heatmap_without_breaking_the_page(
    live_server, alice, audience, width: int
) -> None:
    with browser_page(width=width) as page:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        log_in(page, live_server.url, "alice", PASSWORD)
        page.goto(f"{live_server.url}/t/acme/a/acmecoffee/")
        expect(page.locator("#best-hours")).to_contain_text("23:00")
        darkest = page.locator("td.pb-heat-5").first
        expect(darkest).to_have_css("background-color", "rgb(10, 88, 202)")
        expect(darkest).to_have_css("color", "rgb(255, 255, 255)")
        # The wide table scrolls in its own box; the page itself never scrolls sideways.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        page.locator("#audience-h").scroll_into_view_if_needed()
        screenshot(page, f"audience-panel-{width}")
        assert not [e for e in errors if "Content Security Policy" in e], errors


def test_it_draws_new_and_returning_viewers_stacked(live_server, alice, audience) -> None:
    with browser_page() as page:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        log_in(page, live_server.url, "alice", PASSWORD)
        page.goto(f"{live_server.url}/t/acme/a/acmecoffee/scorecard/?days=7&end=2025-03-28")
        page.wait_for_function(f"() => window.Chart && Chart.getChart({CHART})")
        drawn = page.evaluate(
            f"""() => {{
                const chart = Chart.getChart({CHART});
                return [chart.config.type, chart.options.scales.y.stacked,
                        chart.data.datasets.map(d => [d.label, d.data.length, d.data[6]])];
            }}"""
        )
        assert drawn == ["bar", True, [["Returning viewers", 7, 100], ["New viewers", 7, 200]]]
        page.get_by_text("Viewers as a table").click()
        expect(page.locator("tr[data-viewers]")).to_have_count(7)
        page.locator("#viewers-h").scroll_into_view_if_needed()
        screenshot(page, "scorecard-viewers")
        assert not [e for e in errors if "Content Security Policy" in e], errors

"""Practice beside outcome in a real browser: the two-axis chart draws under the CSP."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from analytics.models import DailyMetric
from lib.dates import this_week
from strategy.services import check_set
from tests.browser import browser_page, log_in, screenshot
from tests.factories import ScorecardFactory
from tests.strategy.helpers import item, open_checklist

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"  # the factories' password
CHART = "document.querySelector('[data-chart=practice-outcome]')"


@pytest.fixture
def weeks(acmecoffee, bob) -> None:
    """Ten weeks of checklists and metrics: more done goes with more engagement here."""
    for n in range(1, 11):
        monday = this_week() - timedelta(weeks=n)
        checklist = open_checklist(acmecoffee, monday)
        for title in ("Hosted", "Replied", "Took part")[: n % 4]:
            check_set(checklist=checklist, item=item(checklist, title), user=bob, ticked=True)
        DailyMetric.objects.create(
            account=acmecoffee, date=monday + timedelta(days=1), video_views=1000, likes=30 + n % 4
        )
    ScorecardFactory(account=acmecoffee, days=7, period_end=this_week() - timedelta(days=1))


def test_it_draws_bars_and_a_line_on_two_axes(live_server, alice, weeks) -> None:
    with browser_page() as page:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        log_in(page, live_server.url, "alice", PASSWORD)
        page.goto(f"{live_server.url}/t/acme/a/acmecoffee/scorecard/?days=7")
        expect(page.locator("#practice-summary")).to_contain_text("10 of 12 weeks")
        expect(page.locator("#practice-summary")).to_contain_text("correlation, not proof")
        page.wait_for_function(f"() => window.Chart && Chart.getChart({CHART})")
        drawn = page.evaluate(
            f"""() => {{
                const chart = Chart.getChart({CHART});
                return chart.data.datasets.map(d => [d.type, d.yAxisID, d.data.length]);
            }}"""
        )
        assert drawn == [["line", "outcome", 12], ["bar", "completion", 12]]
        page.get_by_text("Weekly figures as a table").click()
        expect(page.locator("#practice-outcome-table tbody tr")).to_have_count(12)
        page.locator("#practice-outcome-h").scroll_into_view_if_needed()
        screenshot(page, "practice-beside-outcome")
        assert not [e for e in errors if "Content Security Policy" in e], errors

    with browser_page(width=375, height=800) as page:
        log_in(page, live_server.url, "alice", PASSWORD)
        page.goto(f"{live_server.url}/t/acme/a/acmecoffee/scorecard/?days=7")
        page.wait_for_function(f"() => window.Chart && Chart.getChart({CHART})")
        overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow
        screenshot(page, "practice-beside-outcome-phone")

"""My week's pages in a real browser: a page link, by keyboard, swaps the table only."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from accounts.models import Kind
from tests.browser import browser_page, log_in
from tests.factories import AccountFactory
from tests.test_accessibility_browser import blocking_violations

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"  # the factories' password


def test_a_lead_pages_through_the_week_by_keyboard(live_server, alice, acme) -> None:
    for n in range(30):
        AccountFactory(team=acme, handle=f"w{n:02d}", kind=Kind.MARKETING)
    with browser_page() as page:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        log_in(page, live_server.url, "alice", PASSWORD)
        page.goto(f"{live_server.url}/t/acme/week/?kind=marketing")
        expect(page.locator("#week-table article")).to_have_count(25)
        assert blocking_violations(page) == []
        page.evaluate("() => { window.pbMarker = 'still here'; }")
        pages = page.get_by_role("navigation", name="Pages of accounts")
        expect(pages).to_contain_text("Page 1 of 2 (30 accounts)")
        pages.get_by_role("link", name="Next").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#week-table article")).to_have_count(5)
        expect(page.get_by_role("heading", name="@w25")).to_be_visible()
        assert page.url == f"{live_server.url}/t/acme/week/?kind=marketing&page=2"
        assert page.evaluate("() => window.pbMarker") == "still here"  # no reload
        expect(page.get_by_label("Kind")).to_have_value("marketing")
        assert blocking_violations(page) == []
        assert errors == []

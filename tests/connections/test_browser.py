"""Connecting with the fake TikTok in a real browser, then Sync now."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from connections.models import Connection
from tests.browser import browser_page, log_in, screenshot
from tests.connections.test_sync_service import day_one

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"  # the factories' password


def test_it_connects_through_tiktok_and_syncs_now(live_server, tiktok, alice, acmecoffee) -> None:
    day_one(tiktok)
    with browser_page(width=375, height=800) as page:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        log_in(page, live_server.url, "alice", PASSWORD)
        page.goto(f"{live_server.url}/t/acme/a/acmecoffee/")
        section = page.locator("#connection")
        expect(section).to_contain_text("Not connected")
        section.locator("[data-source=display]").get_by_role("link", name="Connect").click()
        expect(page).to_have_title("Connect @acmecoffee to TikTok · Playbook")
        page.get_by_role("button", name="Continue to TikTok").click()
        # The fake TikTok consents at once and sends the browser back to the callback.
        expect(page.get_by_role("heading", level=1)).to_contain_text("@acmecoffee")
        expect(page.locator("body")).to_contain_text("@acmecoffee is connected")
        expect(section).to_contain_text("Connected")
        page.get_by_role("button", name="Sync now").click()
        expect(page.locator(".pb-sync-status")).to_contain_text(
            "Done: 1,000 followers and 2 videos"
        )
        screenshot(page, "tiktok-sync-phone")
        page.goto(f"{live_server.url}/t/acme/connections/")
        expect(page.get_by_role("cell", name="Connected")).to_be_visible()
        assert not [e for e in errors if "Content Security Policy" in e], errors
    assert Connection.objects.get(account=acmecoffee).last_sync_ok is True

"""A manager ticks an item in a real browser: htmx swaps it in place, the page stays."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from strategy.models import Check, ChecklistItem
from tests.browser import SCREENSHOTS, browser_page, log_in
from tests.strategy.helpers import item, open_checklist

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"  # the factories' password


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, caret="initial")


def test_it_ticks_without_reloading_and_keeps_the_tick(live_server, bob, acmecoffee) -> None:
    hosted = item(open_checklist(acmecoffee), "Hosted")
    with browser_page() as page:
        # Script errors and refusals by the Content-Security-Policy; failed loads by URL
        # (browsers ask for a /favicon.ico nobody serves).
        errors: list[str] = []
        page.on(
            "console",
            lambda m: (
                errors.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on(
            "response",
            lambda r: (
                errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        log_in(page, live_server.url, "bob", PASSWORD)
        page.get_by_role("link", name="My week").first.click()
        expect(page).to_have_title(re.compile(r"^My week \d{4}-W\d{2} · Playbook$"))
        page.get_by_role("link", name="Open the checklist of @acmecoffee").click()
        expect(page.get_by_role("heading", name="Stay Authentic")).to_be_visible()
        progress = page.locator("#checklist-progress progress")
        expect(progress).to_have_attribute("value", "1")
        # With JavaScript the Save buttons are hidden: ticking saves on change.
        expect(
            page.get_by_role("button", name="Save “Hosted or joined a live session”")
        ).to_be_hidden()
        screenshot(page, "strategy-checklist-before")

        page.evaluate("window.pbMarker = 'still here'")
        checkbox = page.get_by_role("checkbox", name="Hosted or joined a live session")
        checkbox.check()
        expect(progress).to_have_attribute("value", "2")
        expect(page.locator("#checklist-progress")).to_contain_text("2 of 7")
        row = page.locator(f"#item-{hosted.public_id}")
        expect(row).to_contain_text("Ticked by bob")
        assert page.evaluate("window.pbMarker") == "still here"
        # Focus stays on the checkbox for keyboard users.
        assert page.evaluate("document.activeElement.id") == f"tick-{hosted.public_id}"
        screenshot(page, "strategy-checklist-ticked")

        page.reload()
        assert page.evaluate("window.pbMarker") is None
        expect(page.get_by_role("checkbox", name="Hosted or joined a live session")).to_be_checked()
        expect(page.locator(f"#item-{hosted.public_id}")).to_contain_text("Ticked by bob")
        expect(progress).to_have_attribute("value", "2")

        # A note inline, then undo in one click.
        row = page.locator(f"#item-{hosted.public_id}")
        row.get_by_text("Add a note").click()
        row.get_by_label("Note on “Hosted or joined a live session”").fill(
            "Tasting live, 40 minutes"
        )
        row.get_by_role("button", name="Save note").click()
        expect(row).to_contain_text("Note: Tasting live, 40 minutes")
        page.get_by_role("checkbox", name="Hosted or joined a live session").uncheck()
        expect(progress).to_have_attribute("value", "1")
        expect(row).not_to_contain_text("Ticked by bob")
        expect(row).to_contain_text("Tasting live, 40 minutes")
        assert page.evaluate("window.pbMarker") is None  # same page since the reload
        screenshot(page, "strategy-checklist-undone")
        assert not errors, errors


def test_it_ticks_with_the_keyboard_on_a_phone(live_server, bob, acmecoffee) -> None:
    hosted = item(open_checklist(acmecoffee), "Replied")
    with browser_page(width=375, height=800) as page:
        log_in(page, live_server.url, "bob", PASSWORD)
        page.goto(f"{live_server.url}/t/acme/a/acmecoffee/checklist/")
        page.get_by_role("checkbox", name="Replied to comments on at least three days").focus()
        page.keyboard.press("Space")
        expect(page.locator("#checklist-progress progress")).to_have_attribute("value", "2")
        expect(page.locator(f"#item-{hosted.public_id}")).to_contain_text("Ticked by bob")
        screenshot(page, "strategy-checklist-phone")


def test_it_shows_why_a_tick_was_refused(live_server, bob, acmecoffee) -> None:
    hosted = item(open_checklist(acmecoffee), "Hosted")
    with browser_page() as page:
        log_in(page, live_server.url, "bob", PASSWORD)
        page.goto(f"{live_server.url}/t/acme/a/acmecoffee/checklist/")
        # Meanwhile a lead makes the item follow data: the tick is refused with a 422.
        ChecklistItem.objects.filter(pk=hosted.pk).update(evidence_rule="account_verified")
        checkbox = page.get_by_role("checkbox", name="Hosted or joined a live session")
        checkbox.check()
        alert = page.locator("#htmx-errors [role=alert]")
        expect(alert).to_contain_text("cannot be ticked by hand")
        expect(alert.get_by_role("link", name="Reload the page")).to_be_visible()
        screenshot(page, "strategy-checklist-refused")
    assert not Check.objects.exists()

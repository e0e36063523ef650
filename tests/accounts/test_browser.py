from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import browser_page, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"  # the factories' password


def test_it_lets_a_lead_create_an_account_and_a_manager_only_look(
    live_server, alice, bob, acmecoffee
) -> None:
    with browser_page() as page:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        log_in(page, live_server.url, "alice", PASSWORD)
        page.get_by_role("link", name="Accounts", exact=True).first.click()
        expect(page).to_have_title("Acme accounts · Playbook")
        screenshot(page, "team-home-lead")
        page.get_by_role("link", name="New account").click()
        page.get_by_label("Handle").fill("acme.summer")
        page.get_by_label("Display name").fill("Acme Summer")
        # Switching to marketing refreshes the default targets without a reload.
        page.get_by_label("Marketing").check()
        expect(page.get_by_label("Engagement rate")).to_have_value("3")
        page.get_by_label("Primary goal").select_option("brand_image")
        expect(page.locator("#goal-warning")).to_contain_text("brand image is usually")
        screenshot(page, "account-form")
        page.get_by_role("button", name="Add account").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("@acme.summer")
        expect(page.get_by_role("note").first).to_contain_text("Goal and kind do not match")
        page.get_by_role("link", name="Accounts").first.click()
        expect(page.get_by_role("link", name="@acme.summer")).to_be_visible()
        assert not [e for e in errors if "Content Security Policy" in e], errors

    with browser_page(width=375, height=800) as page:
        log_in(page, live_server.url, "bob", PASSWORD)
        page.goto(f"{live_server.url}/t/acme/accounts/")
        expect(page.get_by_role("link", name="@acmecoffee")).to_be_visible()
        expect(page.get_by_role("link", name="@acme.summer")).to_have_count(0)
        expect(page.get_by_role("link", name="New account")).to_have_count(0)
        screenshot(page, "team-home-manager-phone")

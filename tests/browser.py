"""Helpers for browser tests: Debian's chromium driven by Playwright, never a downloaded one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / ".screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# One chromium for the browser tests that run one after another (starting Playwright's
# driver and chromium takes one to two seconds); tests/conftest.py closes it before any
# other test, so no other test runs beside Playwright's event loop.
_running: dict[str, Any] = {}


def shared_browser() -> Browser:
    browser = _running.get("browser")
    if browser is None or not browser.is_connected():
        close_browser()
        _running["playwright"] = sync_playwright().start()
        _running["browser"] = _running["playwright"].chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
    return _running["browser"]


def close_browser() -> None:
    browser, playwright = _running.pop("browser", None), _running.pop("playwright", None)
    try:
        if browser is not None and browser.is_connected():
            browser.close()
    finally:
        if playwright is not None:
            playwright.stop()


@contextmanager
def browser_page(width: int = 1440, height: int = 900) -> Iterator[Page]:
    """A page in a context of its own (no cookies, storage or cache of another page)."""
    context = shared_browser().new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
    finally:
        context.close()


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # caret="initial" keeps Playwright from writing style="" on inputs, which the CSP refuses.
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path

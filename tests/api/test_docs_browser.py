"""The API's docs page renders in a browser under the site's CSP, from local files only."""

from __future__ import annotations

import pytest

from tests.browser import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_renders_the_reference_under_the_csp(live_server) -> None:
    errors: list[str] = []
    requested: list[str] = []
    with browser_page() as page:
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{live_server.url}/api/v1/docs")
        page.get_by_text("/api/v1/scorecards", exact=True).first.wait_for()
        assert page.title() == "Playbook read API"
    assert errors == []
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested)

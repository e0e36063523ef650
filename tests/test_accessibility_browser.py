"""axe-core over the main pages, as the demo's lead and manager, at 1440x900 and 390x844.

axe-core comes inside axe-playwright-python (no download); it runs in Debian's chromium.
A page passes with no serious or critical violation.
"""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from analytics.models import Video
from demo.team import DEMO_PASSWORD
from imports.models import ImportRun
from lib.dates import yesterday
from tests.browser import browser_page, log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = ((1440, 900), (390, 844))
BLOCKING = {"serious", "critical"}


def report_pages() -> list[str]:
    """The team report (default and a custom period) and an account report."""
    end = yesterday()
    start = end - timedelta(days=59)
    return [
        "/t/acme/report/",
        f"/t/acme/report/?start={start.isoformat()}&end={end.isoformat()}&compare=year",
        "/t/acme/a/acmecoffee/report/",
    ]


def lead_pages() -> list[str]:
    video = Video.objects.filter(account__handle="acmecoffee").order_by("video_id").first()
    pages = [
        "/t/acme/",
        "/t/acme/scorecards/",
        "/t/acme/a/acmecoffee/",
        "/t/acme/a/acmecoffee/scorecard/",
        "/t/acme/a/acmecoffee/videos/",
        "/t/acme/members/",
        "/t/acme/imports/",
        "/t/acme/imports/new/",
        "/t/acme/connections/",
        "/t/acme/week/",
        "/t/acme/checklists/templates/",
        "/t/acme/promotional-markers/",
        "/t/acme/a/acmecoffee/connect/display/",
        "/t/acme/connections/setup/",
        "/t/acme/connections/not-connected/",
        "/t/acme/a/acmecoffee/checklist/",
        "/t/acme/accounts/new/",
        "/t/acme/accounts/",
        "/t/acme/alerts/",
        "/profile/",
        *report_pages(),
    ]
    if video is not None:
        pages.append(f"/t/acme/a/acmecoffee/videos/{video.video_id}/")
    run = ImportRun.objects.first()
    if run is not None:
        pages.append(f"/t/acme/imports/{run.public_id}/")
    return pages


def blocking_violations(page) -> list[str]:
    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in BLOCKING:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


def test_the_main_pages_have_no_serious_or_critical_violations(live_server) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    pages = lead_pages()
    problems: list[str] = []
    for width, height in SIZES:
        with browser_page(width, height) as page:
            page.goto(f"{live_server.url}/login/")
            problems += [f"/login/ {width}: {v}" for v in blocking_violations(page)]
            log_in(page, live_server.url, "lena", DEMO_PASSWORD)
            for path in pages:
                response = page.goto(f"{live_server.url}{path}")
                if response is None or response.status >= 400:
                    problems.append(f"{path} {width}: HTTP {response and response.status}")
                    continue
                # goto() returns at the load event; no page starts a request after it (no
                # htmx load trigger, no fetch), so waiting for the network to idle would only
                # add its 500 ms per page.
                problems += [f"{path} {width}: {v}" for v in blocking_violations(page)]
    assert problems == [], "\n".join(problems)


def test_a_manager_sees_no_serious_or_critical_violations(live_server) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    problems: list[str] = []
    with browser_page(390, 844) as page:
        log_in(page, live_server.url, "max", DEMO_PASSWORD)
        for path in ("/t/acme/", "/t/acme/scorecards/", "/t/acme/week/", *report_pages()):
            page.goto(f"{live_server.url}{path}")
            problems += [f"{path}: {v}" for v in blocking_violations(page)]
    assert problems == [], "\n".join(problems)

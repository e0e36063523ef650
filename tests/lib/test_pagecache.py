"""The page cache (lib/pagecache.py): a page is served again until a write changes it."""

from __future__ import annotations

import re
import threading
import time
import uuid
from datetime import date

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account, Kind
from analytics.models import DailyMetric
from analytics.services.scorecards import scorecards_compute
from lib import pagecache
from strategy.models import ChecklistItem
from strategy.services import check_set
from tests.lib.conftest import END
from tests.strategy.helpers import item, open_checklist

pytestmark = pytest.mark.django_db

WEEK = date(2025, 3, 17)
TOKEN_RE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]{64})(?![A-Za-z0-9])")


@pytest.fixture(autouse=True)
def broker_up(monkeypatch) -> None:
    monkeypatch.setattr("analytics.services.scorecard_queue.broker_available", lambda: True)


def review(team: str = "acme") -> str:
    return reverse("analytics:scorecard-review", args=[team]) + f"?days=28&end={END}"


def checklist_url(handle: str = "acmecoffee") -> str:
    return reverse("strategy:checklist", args=["acme", handle]) + "?week=2025-W12"


def videos_url(handle: str = "acmecoffee") -> str:
    return reverse("analytics:video-list", args=["acme", handle])


def scorecard_url(handle: str = "acmecoffee") -> str:
    return reverse("analytics:account-scorecard", args=["acme", handle]) + f"?end={END}"


def get(client, url: str, **headers: str) -> tuple[bool, str]:
    """(whether the page came from the cache, its HTML): a cached page asks only for the
    session, the user, the membership and, for a manager, the accounts they manage."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return len(queries) <= 4, response.content.decode()


def test_it_serves_a_page_again_with_a_token_of_the_readers_csrf_secret(
    login, alice, cards
) -> None:
    client = login(alice)
    cached, first = get(client, review())
    assert not cached
    cached, second = get(client, review())
    assert cached
    assert TOKEN_RE.sub("", first) == TOKEN_RE.sub("", second)
    # A fresh mask each time, of the secret in the reader's cookie.
    tokens = TOKEN_RE.findall(first) + TOKEN_RE.findall(second)
    assert tokens and len(set(tokens)) > 1
    secret = client.cookies["csrftoken"].value
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert pagecache.CSRF_MARK not in second


def test_it_keeps_the_htmx_partial_apart_from_the_page(login, alice, cards) -> None:
    client = login(alice)
    get(client, review())
    cached, table = get(client, review(), HX_Request="true", HX_Target="scorecards-table")
    assert not cached and "<html" not in table
    assert get(client, review(), HX_Request="true", HX_Target="scorecards-table")[0]
    assert "<html" in get(client, review())[1]


def test_it_never_serves_one_users_page_to_another(login, alice, bob, cards) -> None:
    alice_page = get(login(alice), review())[1]
    cached, bob_page = get(login(bob), review())
    assert not cached
    assert "alice" in alice_page and "alice" not in bob_page


def test_it_keeps_a_page_per_language(login, alice, cards) -> None:
    client = login(alice)
    get(client, scorecard_url(), Accept_Language="en-US")
    assert get(client, scorecard_url(), Accept_Language="en-US")[0]
    cached, german = get(client, scorecard_url(), Accept_Language="de-DE")
    assert not cached
    cached, again = get(client, scorecard_url(), Accept_Language="de-DE")
    assert cached and TOKEN_RE.sub("", again) == TOKEN_RE.sub("", german)
    response = client.get(scorecard_url(), headers={"Accept-Language": "de-DE"})
    assert "Accept-Language" in response["Vary"]


def test_it_hides_another_teams_cached_page(login, alice, charlie, cards) -> None:
    get(login(alice), review())
    assert login(charlie).get(review()).status_code == 404


def test_it_forgets_the_pages_after_a_tick(login, alice, bob, acmecoffee) -> None:
    checklist = open_checklist(acmecoffee, WEEK)
    client = login(alice)
    get(client, checklist_url())
    assert get(client, checklist_url())[0]
    check_set(checklist=checklist, item=item(checklist, "Hosted"), user=bob, ticked=True)
    assert not get(client, checklist_url())[0]


def test_it_forgets_the_pages_after_a_template_edit(login, alice, acmecoffee) -> None:
    checklist = open_checklist(acmecoffee, WEEK)
    client = login(alice)
    get(client, checklist_url())
    ChecklistItem.objects.filter(pk=item(checklist, "Hosted").pk).update(title="Hosted a LIVE")
    cached, html = get(client, checklist_url())
    assert not cached and "Hosted a LIVE" in html


def test_it_forgets_the_pages_after_an_account_edit(login, alice, cards, acmecoffee) -> None:
    client = login(alice)
    before = get(client, review())[1].count("pb-marketing")
    kind = Kind.MARKETING if acmecoffee.kind == Kind.OFFICIAL else Kind.OFFICIAL
    Account.objects.filter(pk=acmecoffee.pk).update(kind=kind)
    cached, html = get(client, review())
    assert not cached and html.count("pb-marketing") != before


def test_it_forgets_the_pages_after_a_recompute_and_an_import(login, alice, acmecoffee) -> None:
    client = login(alice)
    get(client, scorecard_url())
    DailyMetric.objects.create(account=acmecoffee, date=END, video_views=1234, followers=10)
    assert not get(client, scorecard_url())[0]
    assert get(client, scorecard_url())[0]
    scorecards_compute(accounts=Account.objects.filter(pk=acmecoffee.pk), end=END, days=28)
    assert not get(client, scorecard_url())[0]


def test_it_forgets_the_pages_after_a_review_and_a_marker_edit(login, alice, cards) -> None:
    client = login(alice)
    get(client, review())
    get(client, videos_url())
    mark = reverse(
        "analytics:scorecard-mark-reviewed", args=["acme", "acmecoffee", 28, END.isoformat()]
    )
    assert client.post(mark, {"reviewed": "1", "comment": "Fine"}).status_code == 302
    get(client, review())  # shows the message "…was saved", so it is not kept
    cached, html = get(client, review())
    assert not cached and "Fine" in html
    markers = reverse("analytics:promotional-markers", args=["acme"])
    assert client.post(markers, {"markers": "#sponsored"}).status_code in (200, 302)
    assert not get(client, videos_url())[0]


def test_it_keeps_a_team_s_pages_when_another_team_writes(login, alice, charlie, cards) -> None:
    client = login(alice)
    other = Client()
    other.force_login(charlie)
    get(client, review())
    assert get(client, review())[0]
    globex_markers = reverse("analytics:promotional-markers", args=["globex"])
    assert other.post(globex_markers, {"markers": "#sponsored"}).status_code in (200, 302)
    assert get(client, review())[0]
    # The same write in acme forgets acme's pages.
    acme_markers = reverse("analytics:promotional-markers", args=["acme"])
    assert client.post(acme_markers, {"markers": "#sponsored"}).status_code in (200, 302)
    assert not get(client, review())[0]


def test_it_forgets_every_page_after_a_command(monkeypatch, acme) -> None:
    bumped = []
    monkeypatch.setattr(pagecache, "bump", lambda team=None: bumped.append(team))
    # The file is missing: the command stops with an error, and forgets the pages all the same.
    with pytest.raises(SystemExit):
        call_command("import_metrics", "/nonexistent/metrics.csv", "--team", "acme")
    assert bumped == [None]


def test_it_renders_the_pages_while_redis_is_down(login, alice, cards, settings) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**settings.CACHES["pages"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    client = login(alice)
    try:
        for _ in range(2):
            cached, html = get(client, review())
            assert not cached and "acmecoffee" in html
        assert not pagecache._health.usable()
    finally:
        pagecache._health.paused_until = 0.0
        pagecache._health.owes_bump = False


def test_it_lets_one_request_render_a_missing_page_while_the_others_wait() -> None:
    cache = caches[pagecache.ALIAS]
    key = f"page:test-{uuid.uuid4().hex}"
    assert pagecache._stored_or_wait(key) == (None, True)  # this one renders
    page = {"content": "<p>rendered</p>"}
    threading.Timer(0.05, lambda: cache.set(key, page, 10)).start()
    # Another reader waits for the copy instead of rendering it again.
    assert pagecache._stored_or_wait(key) == (page, False)
    # A renderer that stored nothing frees its readers at once: they render it themselves.
    other = f"page:test-{uuid.uuid4().hex}"
    assert pagecache._stored_or_wait(other) == (None, True)
    threading.Timer(0.05, lambda: pagecache._release(other)).start()
    started = time.monotonic()
    assert pagecache._stored_or_wait(other) == (None, False)
    assert time.monotonic() - started < pagecache.WAIT_SECONDS


def test_it_forgets_every_team_s_pages_after_a_write_outside_a_team(login, alice, cards) -> None:
    # Pages outside /t/<team>/ may write what every team's pages show (a user's name):
    # the write itself forgets them, not the request.
    client = login(alice)
    get(client, review())
    assert get(client, review())[0]
    assert client.post(reverse("password_change"), {}).status_code == 200  # invalid: re-shown
    assert get(client, review())[0]
    new = "another-long-password-7"
    fields = {"old_password": "secret-pass-123", "new_password1": new, "new_password2": new}
    assert client.post(reverse("password_change"), fields).status_code == 302
    assert not get(client, review())[0]

"""Fuzzing every page's query parameters: whatever the query, never a 500.

Each URL that answers GET is asked, as its lead and as a manager, with queries made of
the parameters the views read (and some they do not), holding text, numbers, dates near
the ends of the calendar and ISO weeks that do or do not exist. Hypothesis keeps it
bounded: a few examples per URL and no deadline, so the file runs in well under a minute.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.access import accounts, analytics, imports, strategy
from tests.access.roles import Cast
from tests.test_access_matrix import url_for, url_params

PARAMETERS = [
    "days",
    "end",
    "week",
    "weeks",
    "page",
    "kind",
    "grade",
    "quadrant",
    "flag",
    "q",
    "sort",
    "account",
    "manager",
    "part",
    "primary_goal",
    "next",
    "format",
]
ODD_VALUES = [
    "",
    "0",
    "-1",
    "1e309",
    "99999999999999999999999",
    "0001-01-01",
    "0001-01-05",
    "9999-12-31",
    "2000-01-01",
    "2026-02-29",
    "2026-W53",
    "2025-W53",
    "0001-W01",
    "9999-W52",
    "-overall_score",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "@acmecoffee",
    "globex",
    "../../etc/passwd",
    "\u202e\u00e9\u4e2d",
]
values = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=40),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.tuples(st.integers(0, 9999), st.integers(0, 99)).map(lambda yw: f"{yw[0]:04d}-W{yw[1]:02d}"),
)
queries = st.dictionaries(
    st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=1, max_size=10)),
    st.one_of(values, st.lists(values, min_size=2, max_size=3)),
    max_size=5,
)
GET_URLS = sorted(
    name
    for app in (accounts, analytics, imports, strategy)
    for name, entry in app.EXPECTED.items()
    if "GET" in (entry if isinstance(entry, dict) else {entry[0]: None})
    and name not in {"login", "logout"}
)


@pytest.fixture
def urls(acme, globex, alice, bob, charlie, root, acmecoffee, acme_deals, globex_main):
    cast = Cast(acme, globex, alice, bob, charlie, root, acmecoffee, acme_deals, None, globex_main)
    kwargs: dict[str, str] = {}
    for app in (accounts, analytics, imports, strategy):
        kwargs.update(app.url_kwargs(cast))
    return {name: url_for(name, kwargs) for name in GET_URLS}


@pytest.fixture
def clients(alice, bob) -> dict[str, Client]:
    """The lead and a manager, logged in once for every example."""
    clients = {}
    for role, user in (("lead", alice), ("manager", bob)):
        clients[role] = Client(raise_request_exception=True)
        clients[role].force_login(user)
    return clients


def test_it_fuzzes_every_page_that_answers_get() -> None:
    assert {
        "analytics:scorecard-review",
        "analytics:scorecard-export",
        "analytics:account-scorecard",
        "strategy:checklist",
    } <= set(GET_URLS)
    assert "login" not in GET_URLS


# One database for all examples; the URL is drawn like the query, so every page gets
# several queries (about 100 / 20) while the whole file stays under a minute.
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
@given(name=st.sampled_from(GET_URLS), role=st.sampled_from(["lead", "manager"]), query=queries)
# The queries of issue 9, each once for sure.
@example(name="analytics:scorecard-review", role="manager", query={"end": "0001-01-05"})
@example(name="analytics:scorecard-export", role="manager", query={"end": "0001-01-05"})
@example(name="analytics:account-scorecard", role="manager", query={"end": "0001-01-05"})
@example(name="strategy:checklist", role="manager", query={"week": "0001-W01"})
@example(name="analytics:account-scorecard", role="lead", query={"days": "90", "end": "9999-12-31"})
@example(name="imports:import-upload", role="manager", query={"account": "acme\x00coffee"})
@example(
    name="accounts:account-list", role="lead", query={"q": "\x00", "page": "99999999999999999999"}
)
def test_no_query_gives_a_500(name: str, role: str, query: dict, urls: dict, clients) -> None:
    url = f"{urls[name]}?{urlencode(query, doseq=True)}"
    response = clients[role].get(url)
    assert response.status_code < 500, (url, response.status_code)


POSTS = {"strategy:checklist-tick", "strategy:checklist-note", "analytics:scorecard-mark-reviewed"}
HANDLE_URLS = sorted(name for name in {*GET_URLS, *POSTS} if "handle" in url_params(name))


@pytest.mark.parametrize("handle", ["acme%00coffee", "acmecoffee%0A", "%E2%80%AE" * 9])
def test_a_handle_no_account_could_have_is_a_404(urls: dict, clients, handle: str) -> None:
    kwargs = {
        "team_slug": "acme",
        # Such a handle cannot be reversed (<text:> refuses it): placed into the path after.
        "handle": "handle-placeholder",
        "item_id": "00000000-0000-0000-0000-000000000000",
        "period_days": "28",
        "period_end": "2025-03-28",
        "video_id": "7486000011122334455",
    }
    for name in HANDLE_URLS:
        url = url_for(name, kwargs).replace("handle-placeholder", handle)
        response = clients["lead"].generic("POST" if name in POSTS else "GET", url)
        assert response.status_code == 404, (name, response.status_code)


def test_a_query_django_refuses_is_the_products_400_page(clients) -> None:
    query = "&".join(f"f{n}=1" for n in range(1100))
    # The account list reads its query (the team's home page, Needs attention, reads none).
    response = clients["lead"].get(f"/t/acme/accounts/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "That request cannot be answered" in html
    assert "<title>" in html and "Traceback" not in html

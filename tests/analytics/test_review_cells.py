"""The scorecard cells' markup (analytics/templatetags/review_table.py), which the review
table's rows, the partials of the account's scorecard page and the htmx answer to a review
all write: their text, their links, and the escaping of what users typed."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Kind
from analytics.models import Scorecard
from strategy.services import check_set
from tests.factories import AccountFactory, ScorecardFactory, UserFactory
from tests.strategy.helpers import item, open_checklist

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)
PERIOD = {"days": 28, "end": END.isoformat()}
HOSTILE = '<b>&</b> "ok"\nand <script>alert(1)</script>'
HOSTILE_HTML = (
    "&lt;b&gt;&amp;&lt;/b&gt; &quot;ok&quot;<br>and &lt;script&gt;alert(1)&lt;/script&gt;"
)


@pytest.fixture(autouse=True)
def broker_up(monkeypatch) -> None:
    monkeypatch.setattr("analytics.scorecards.queue.broker_available", lambda: True)


@pytest.fixture
def cards(acmecoffee, acme_deals, bob) -> None:
    """Every branch of the cells: scores and none, trends up, down, level and none,
    grades and none, flags and none, verified and not, official and marketing, a
    practice score and none."""
    checklist = open_checklist(acmecoffee, date(2025, 3, 17))
    check_set(checklist=checklist, item=item(checklist, "Hosted"), user=bob, ticked=True)
    verified = AccountFactory(team=acme_deals.team, handle="acme.v", kind=Kind.OFFICIAL)
    verified.verified = True
    verified.save()
    shop = AccountFactory(team=acme_deals.team, handle="acme.shop", kind=Kind.MARKETING)
    shop.verified = True
    shop.save()
    rows = [
        (acmecoffee, "90.0", "40.0", "80.0", "75.5", ""),
        (acme_deals, "30.0", "95.0", "75.5", "90.0", "no_paid_marketing;declining"),
        (verified, "50.0", None, "50.0", "50.0", "data_gap"),
        (shop, None, None, None, None, ""),
    ]
    for account, engagement, roi, overall, previous, flags in rows:
        ScorecardFactory(
            account=account,
            period_end=END,
            engagement_score=engagement and Decimal(engagement),
            roi_score=roi and Decimal(roi),
            overall_score=overall and Decimal(overall),
            previous_overall_score=previous and Decimal(previous),
            flags=flags,
        )


def rows(html: str) -> dict[str, list[str]]:
    """Each row's cells (kind onwards), by handle."""
    found = {}
    for handle, row in re.findall(
        r'<th scope="row"><a href="[^"]+">@([^<]+)</a></th>(.*?)</tr>', html, flags=re.S
    ):
        found[handle] = [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return found


def missing(why: str, short: str = "") -> str:
    return f'<span title="{why}">—<span class="visually-hidden"> ({short or why})</span></span>'


def test_the_cells_of_the_rows(login, alice, cards) -> None:
    html = login(alice).get(reverse("analytics:scorecard-review", args=["acme"]), PERIOD)
    html = html.content.decode()
    shown = rows(html)
    assert set(shown) == {"acmecoffee", "acme.deals", "acme.v", "acme.shop"}
    # The handle links to the account's scorecard.
    assert f'<a href="{reverse("analytics:account-scorecard", args=["acme", "acme.v"])}?' in html
    kind, engagement, roi, overall, grade, _, trend, practice, flags, _ = shown["acmecoffee"]
    assert kind == (
        '<span class="badge pb-official">Official <span class="pb-check" title="Verified" '
        'aria-label="verified">✓</span></span>'
    )
    assert (engagement, roi, overall) == ("90.0", "40.0", "80.0")
    assert grade == '<span class="pb-grade pb-grade-B" title="Grade B">B</span>'
    assert '<span aria-hidden="true">▲</span><span class="visually-hidden">up</span> +4.5' in trend
    assert re.fullmatch(
        r'<span title="Share of checklist items done[^"]*">[\d.]+%</span>', practice
    )
    assert flags == '<span class="text-body-secondary">none</span>'
    deals = shown["acme.deals"]
    assert deals[0] == '<span class="badge pb-marketing">Marketing</span>'
    assert '<span class="visually-hidden">down</span> -14.5' in deals[6]
    assert deals[7] == missing(
        "No checklist items in the weeks of this period",
        "no checklist items in the weeks of this period",
    )
    assert deals[8].count('class="badge pb-flag"') == 2
    verified = shown["acme.v"]
    assert verified[2] == missing("Neither CTR, conversion rate nor ROI could be computed")
    assert '<span class="visually-hidden">unchanged</span> 0.0' in verified[6]
    assert verified[8].count('class="badge pb-flag"') == 1
    shop = shown["acme.shop"]
    assert shop[0:5] == [
        '<span class="badge pb-marketing">Marketing <span class="pb-check" title="Verified" '
        'aria-label="verified">✓</span></span>',
        missing("Neither engagement rate nor follower growth could be computed"),
        missing("Neither CTR, conversion rate nor ROI could be computed"),
        missing("No score could be computed"),
        missing("No overall score, so no grade", "no overall score, so no grade"),
    ]
    assert shop[6] == missing(
        "No overall score for this period or the previous one to compare", "no score to compare"
    )


def test_an_official_account_not_verified_says_so(login, alice, cards) -> None:
    Account.objects.filter(handle="acme.v").update(verified=False)
    html = login(alice).get(reverse("analytics:scorecard-review", args=["acme"]), PERIOD)
    assert rows(html.content.decode())["acme.v"][0] == (
        '<span class="badge pb-official">Official</span>\n <span class="badge text-bg-light '
        'border" title="Official accounts are usually verified">not verified</span>'
    )


@pytest.fixture
def reviewed(acmecoffee, cards) -> Scorecard:
    """acmecoffee's card reviewed by a reviewer with a hostile name and comment."""
    reviewer = UserFactory(username="eve", first_name="<i>Eve", last_name='"&"')
    Scorecard.objects.filter(account=acmecoffee).update(
        reviewed_at=timezone.now(), reviewed_by=reviewer, review_comment=HOSTILE
    )
    return Scorecard.objects.get(account=acmecoffee)


def assert_review_escaped(html: str) -> None:
    assert "✓ Reviewed" in html
    assert "by &lt;i&gt;Eve &quot;&amp;&quot;, <time" in html
    assert f'<div class="small pb-review-comment">{HOSTILE_HTML}</div>' in html
    assert "<script>alert" not in html and "<i>Eve" not in html


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_a_review_is_escaped_on_every_page(request, login, reviewed, who) -> None:
    client = login(request.getfixturevalue(who))
    review = client.get(reverse("analytics:scorecard-review", args=["acme"]), PERIOD)
    assert_review_escaped(rows(review.content.decode())["acmecoffee"][-1])
    scorecard = client.get(
        reverse("analytics:account-scorecard", args=["acme", "acmecoffee"]), PERIOD
    )
    assert_review_escaped(scorecard.content.decode())
    # Only a lead may take the review back.
    assert ('value="0"' in scorecard.content.decode()) is (who == "alice")


def test_the_answer_to_a_review_refused_keeps_the_comment_escaped(login, alice, cards) -> None:
    mark_url = reverse(
        "analytics:scorecard-mark-reviewed", args=["acme", "acme.v", 28, END.isoformat()]
    )
    comment = "<script>alert(1)</script>" + "x" * 2000
    response = login(alice).post(
        mark_url, {"reviewed": "1", "comment": comment}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.startswith('\n<div class="pb-review">')
    assert '<details class="pb-review-details" open>' in html
    assert 'class="form-control form-control-sm mt-1 is-invalid"' in html
    assert ">&lt;script&gt;alert(1)&lt;/script&gt;xxx" in html
    assert '<div class="invalid-feedback d-block">Ensure this value has at most 2000' in html
    assert f'action="{mark_url}"' in html and f'hx-post="{mark_url}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "<script>" not in html


def test_a_hostile_handle_is_escaped_in_the_rows(login, alice, cards) -> None:
    # Handles are checked when saved; the cells escape one that got past anyway.
    Account.objects.filter(handle="acme.v").update(handle='v"><script>x')
    html = login(alice).get(reverse("analytics:scorecard-review", args=["acme"]), PERIOD)
    html = html.content.decode()
    assert "<script>x" not in html
    assert "@v&quot;&gt;&lt;script&gt;x</a>" in html
    assert 'aria-label="Select the scorecard of @v&quot;&gt;&lt;script&gt;x"' in html


def test_the_partials_write_the_cells(acmecoffee) -> None:
    """The partials other pages include are the same writers."""
    assert render_to_string("includes/missing.html", {"why": "<no>"}) == missing("&lt;no&gt;")
    assert render_to_string("analytics/partials/grade.html", {"grade": "A"}).startswith(
        '<span class="pb-grade pb-grade-A" title="Grade A">A</span>'
    )
    assert (
        render_to_string("analytics/partials/flags.html", {"flags": []}).strip()
        == '<span class="text-body-secondary">none</span>'
    )
    assert (
        render_to_string("analytics/partials/practice_score.html", {"value": Decimal("0.25")})
        == '<span title="Share of checklist items done in the weeks of this period">25.0%</span>'
    )
    assert render_to_string("includes/kind_badge.html", {"account": acmecoffee}).strip() == (
        '<span class="badge pb-official">Official <span class="pb-check" title="Verified" '
        'aria-label="verified">✓</span></span>'
    )


def test_the_sort_headings_link_each_column_with_its_direction() -> None:
    from analytics.templatetags.review_table import sort_header_cells

    headers = [
        {
            "label": "Account",
            "query": "sort=-handle&kind=official",
            "direction": "ascending",
            "numeric": False,
        },
        {
            "label": "ROI <score>",
            "query": 'sort=roi_score&search="x"',
            "direction": "",
            "numeric": True,
        },
        {"label": "Grade", "query": "sort=grade", "direction": "descending", "numeric": False},
    ]
    html = str(sort_header_cells(headers, "/t/acme/scorecards/", '{"Playbook-Chart": "x"}'))
    cells = html.split("\n\n        ")
    assert len(cells) == 3 and html.endswith("</th>\n\n")
    first, second, third = cells
    assert first.startswith('<th scope="col" aria-sort="ascending"><a class="pb-sort text-nowrap"')
    assert 'href="/t/acme/scorecards/?sort=-handle&amp;kind=official"' in first
    assert 'hx-get="/t/acme/scorecards/?sort=-handle&amp;kind=official"' in first
    assert 'hx-headers="{&quot;Playbook-Chart&quot;: &quot;x&quot;}"' in first
    assert '>Account<span class="pb-sort-mark" aria-hidden="true">▲</span></a></th>' in first
    # Not the sorted column: no aria-sort, the neutral mark; a number column is right-aligned.
    assert second.startswith('<th scope="col" class="text-end"><a ')
    assert "search=&quot;x&quot;" in second and "ROI &lt;score&gt;" in second
    assert "↕</span>" in second
    assert 'aria-sort="descending"' in third and "▼</span>" in third


@pytest.mark.parametrize(
    "query",
    [
        "",
        "sort=grade",
        "sort=-handle&page=3",
        "page=2&days=7&sort=practice&kind=official",
        "q=<a&b>",
        "xsort=~&a=%26sort%3D~&sort=flags&sort=-trend&z=%7E+%C3%BC",
        "page=1&page=2&end=2025-03-01",
    ],
)
def test_each_sort_link_is_the_query_with_its_own_sort(query) -> None:
    """The links are encoded once with a stand-in sort: each is what QueryDict writes for
    the request's query, the page left out, with the column's sort set."""
    from django.http import QueryDict

    from analytics.review.cards_read import SORT_COLUMNS
    from analytics.review.views import _sort_links

    params = QueryDict(query)
    current = params.get("sort", "handle")
    links = _sort_links(params, current)
    assert list(links) == list(SORT_COLUMNS)
    for name, link in links.items():
        own = params.copy()
        own.pop("page", None)
        if current == name:
            own["sort"], direction = f"-{name}", "ascending"
        elif current == f"-{name}":
            own["sort"], direction = name, "descending"
        else:
            own["sort"], direction = name, ""
        assert link == {"query": own.urlencode(), "direction": direction}


@pytest.mark.parametrize(("who", "forms"), [("alice", True), ("bob", False)])
def test_only_a_leads_table_has_forms_and_their_token(request, login, cards, who, forms) -> None:
    """A manager's rows have no review forms, so the table asks for no CSRF token (whose
    masking costs some five hundred calls): the answer sets no CSRF cookie."""
    table = login(request.getfixturevalue(who)).get(
        reverse("analytics:scorecard-review", args=["acme"]),
        PERIOD,
        headers={"HX-Request": "true", "HX-Target": "scorecards-table"},
    )
    html = table.content.decode()
    assert 'id="scorecards-table"' in html and "<tr>" in html
    assert ('name="csrfmiddlewaretoken"' in html) is forms
    assert ("Mark reviewed" in html) is forms
    assert ("csrftoken" in table.cookies) is forms

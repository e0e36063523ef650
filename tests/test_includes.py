"""The shared template pieces: page links, the missing-value mark, filter fields."""

from __future__ import annotations

import re

from django import forms
from django.core.paginator import Paginator
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import RequestFactory


def pages(number: int, **extra: object) -> str:
    request = RequestFactory().get("/t/acme/things/", {"kind": "official", "page": number})
    page = Paginator(list(range(25)), 10).get_page(number)
    return render_to_string("includes/pagination.html", {"page": page, **extra}, request=request)


def test_it_links_the_neighbouring_pages_keeping_the_other_parameters() -> None:
    html = pages(2)
    assert 'href="?kind=official&amp;page=1"' in html
    assert 'href="?kind=official&amp;page=3"' in html
    assert "Page 2 of 3" in html
    assert 'aria-label="Pages"' in html
    assert "hx-get" not in html


def test_it_swaps_the_region_with_htmx_and_counts_the_list() -> None:
    html = pages(
        1, url="/t/acme/things/", target="things-table", label="Pages of things", noun="things"
    )
    link = (
        'href="/t/acme/things/?kind=official&amp;page=2" '
        'hx-get="/t/acme/things/?kind=official&amp;page=2" hx-target="#things-table"'
    )
    assert link in html
    assert "Previous" not in html
    assert "Page 1 of 3 (25 things)" in html
    assert 'aria-label="Pages of things"' in html


def test_it_keeps_a_query_other_than_the_requests() -> None:
    html = pages(1, query=QueryDict("days=7&end=2025-03-28"))
    assert 'href="?days=7&amp;end=2025-03-28&amp;page=2"' in html


def test_it_shows_nothing_for_a_single_page() -> None:
    request = RequestFactory().get("/")
    page = Paginator([1, 2], 10).get_page(1)
    assert (
        render_to_string("includes/pagination.html", {"page": page}, request=request).strip() == ""
    )


def test_it_marks_a_missing_figure_with_its_reason_for_eyes_and_ears() -> None:
    html = render_to_string("includes/missing.html", {"why": "No views <yet>"})
    assert html == (
        '<span title="No views &lt;yet&gt;">—'
        '<span class="visually-hidden"> (No views &lt;yet&gt;)</span></span>'
    )
    short = render_to_string("includes/missing.html", {"why": "No views", "short": "none"})
    assert short.endswith('<span class="visually-hidden"> (none)</span></span>')


def test_it_says_why_each_score_is_missing() -> None:
    def score(of: str) -> str:
        return render_to_string("analytics/partials/score.html", {"value": None, "of": of})

    assert 'title="Neither engagement rate nor follower growth could be computed"' in score(
        "engagement"
    )
    assert 'title="Neither CTR, conversion rate nor ROI could be computed"' in score("roi")
    assert 'title="No score could be computed"' in score("overall")
    assert render_to_string("analytics/partials/score.html", {"value": "72.25"}).strip() == "72.2"


class _Filters(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=[("", "All"), ("official", "Official")])


def test_it_labels_a_filter_field() -> None:
    field = _Filters()["kind"]
    html = render_to_string(
        "includes/filter_field.html", {"field": field, "column": "col-6", "small": True}
    )
    assert '<div class="col-6">' in html
    assert '<label class="form-label small mb-0" for="id_kind">Kind</label>' in html
    assert '<select name="kind"' in html


class _Described(forms.Form):
    name = forms.CharField(help_text="As on TikTok.")
    verified = forms.BooleanField(help_text="The blue check.")
    kind = forms.ChoiceField(
        choices=[("official", "Official"), ("marketing", "Marketing")],
        widget=forms.RadioSelect,
        help_text="Which kind of account.",
    )


def test_every_field_points_its_description_and_errors_at_elements_that_exist() -> None:
    form = _Described(data={"name": "", "kind": "other"})
    html = "".join(
        render_to_string("includes/field.html", {"field": form[name]}) for name in form.fields
    )
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    # The text input, the checkbox and the radio group each name their help and error.
    assert len(described) == 3
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for refs in described:
        assert refs.split() and set(refs.split()) <= ids, refs
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    checkbox = re.search(r'<input type="checkbox"[^>]*>', html).group()
    assert 'aria-invalid="true"' in checkbox

"""The Content table's rows, written by the video_rows tags, are byte for byte what the
template's loop wrote (kept here as the reference), escaping and languages included."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.template.defaultfilters import truncatechars
from django.utils.html import conditional_escape
from django.utils.translation import override

from analytics.templatetags.video_rows import (
    column_headers,
    grouped_numbers,
    promotional_badge,
    ranked_items,
    truncated,
    video_row,
    video_rows,
)

LOOP = """{% load humanize playbook %}{% for video in videos %}
      
<tr id="video-{{ video.video_id }}">
  <td class="text-nowrap">{{ video.posted_on|date:"j M Y"|default:"—" }}</td>
  <td class="pb-video-title">
    <a href="{{ video.detail_url }}">{{ video.title|default:"(no title)"|truncatechars:90 }}</a>
    {% if video.link %}<a class="small text-nowrap ms-1" href="{{ video.link }}" target="_blank" rel="noopener noreferrer">TikTok<span class="visually-hidden"> (opens in a new tab)</span> ↗</a>{% endif %}
  </td>
  {% if video.latest_views is None %}
  <td class="text-end text-body-secondary" colspan="5"><span title="No Content download has figures for this video yet">— no figures yet</span></td>
  {% else %}
  <td class="text-end" data-column="views">{{ video.latest_views|intcomma }}</td>
  <td class="text-end" data-column="likes">{{ video.latest_likes|intcomma }}</td>
  <td class="text-end" data-column="comments">{{ video.latest_comments|intcomma }}</td>
  <td class="text-end" data-column="shares">{{ video.latest_shares|intcomma }}</td>
  <td class="text-end" data-column="engagement_rate">{% if video.engagement_rate is None %}{% include "includes/missing.html" with why="No views yet, so no engagement rate" short="no views yet" %}{% else %}{{ video.engagement_rate|percent }}{% endif %}</td>
  {% endif %}
  <td class="pb-mark" data-column="promotional">
    <form class="d-flex gap-1 align-items-center" method="post" action="{{ video.mark_url }}" hx-post="{{ video.mark_url }}" hx-trigger="change" hx-target="closest tr" hx-swap="outerHTML">
      {% csrf_token %}
      <input type="hidden" name="next" value="{{ next_url }}">
      <label class="visually-hidden" for="mark-{{ video.video_id }}">Promotional or authentic: {{ video.title|default:"(no title)"|truncatechars:40 }}</label>
      <select class="form-select form-select-sm pb-mark-select {% if video.promotional %}pb-mark-promotional{% else %}pb-mark-authentic{% endif %}" name="promotional" id="mark-{{ video.video_id }}">
        {% if not video.promotional_by_mark %}
        <option value="title" selected>{% if video.promotional %}Promotional{% else %}Authentic{% endif %} (by title)</option>
        <option value="promotional">Promotional (marked)</option>
        <option value="authentic">Authentic (marked)</option>
        {% elif video.promotional %}
        <option value="title">Decide by title</option>
        <option value="promotional" selected>Promotional (marked{% if video.marked_by %} by {{ video.marked_by.get_full_name|default:video.marked_by.username }}{% endif %})</option>
        <option value="authentic">Authentic (marked)</option>
        {% else %}
        <option value="title">Decide by title</option>
        <option value="promotional">Promotional (marked)</option>
        <option value="authentic" selected>Authentic (marked{% if video.marked_by %} by {{ video.marked_by.get_full_name|default:video.marked_by.username }}{% endif %})</option>
        {% endif %}
      </select>
      <noscript><button class="btn btn-outline-secondary btn-sm" type="submit">Save</button></noscript>
    </form>
    {% if mark_error %}<div class="invalid-feedback d-block" role="alert">{{ mark_error }}</div>{% endif %}
  </td>
</tr>
    {% endfor %}"""  # noqa: E501


class Person(SimpleNamespace):
    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def video(n: int, **fields) -> SimpleNamespace:
    values = {
        "video_id": f"74860000111223{n:05d}",
        "title": f"Video {n}",
        "link": f"https://www.tiktok.com/@acme/video/{n}?a=1&b=<2>",
        "posted_on": date(2025, 3, n % 28 + 1),
        "detail_url": f"/t/acme/a/acme&co/videos/{n}/",
        "mark_url": f"/t/acme/a/acme&co/videos/{n}/mark/",
        "latest_views": 1_234_567 * n,
        "latest_likes": 1000 + n,
        "latest_comments": 7,
        "latest_shares": 0,
        "engagement_rate": Decimal(1000 + n + 7) / Decimal(1_234_567 * n),
        "promotional": False,
        "promotional_by_mark": False,
        "marked_by": None,
    }
    return SimpleNamespace(**{**values, **fields})


VIDEOS = [
    video(1),
    video(2, title="", link="", posted_on=None, promotional=True),
    video(3, title='A <b>bold</b> & "quoted" title ' + "x" * 100, promotional=True),
    video(4, latest_views=None, latest_likes=None, latest_comments=None, latest_shares=None),
    video(5, latest_views=0, latest_likes=5, engagement_rate=None),
    video(6, title="Café ☕ " + "e\u0301" * 50, promotional_by_mark=True, promotional=True),
    video(
        7,
        promotional_by_mark=True,
        promotional=True,
        marked_by=Person(first_name="Max <M>", last_name="", username="max"),
    ),
    video(
        8,
        promotional_by_mark=True,
        marked_by=Person(first_name="", last_name="", username="a&b"),
        video_id="id-<8>",
    ),
    video(
        9,
        promotional_by_mark=True,
        marked_by=Person(first_name="Lena", last_name="Lead", username="lena"),
    ),
]


# A token with characters to escape: the rows write it as {% csrf_token %} does.
TOKEN = "a1B2c3&<>"


def render_loop(videos, **context) -> str:
    return Template(LOOP).render(Context({"videos": videos, "csrf_token": TOKEN, **context}))


@pytest.mark.parametrize("language", ["en-us", "de", "fr", "de-ch"])
def test_the_rows_are_the_loops_rows(language) -> None:
    next_url = "/t/acme/a/acmecoffee/videos/?page=2&sort=title"
    with override(language):
        expected = render_loop(VIDEOS, next_url=next_url)
        context = Context({"next_url": next_url, "csrf_token": TOKEN})
        written = video_rows(context, VIDEOS)
    assert written == expected
    assert 'name="csrfmiddlewaretoken"' in written


def test_one_row_with_the_mark_forms_error() -> None:
    error = "Choose promotional, authentic or by title, not <x>."
    for one in VIDEOS:
        context = {"next_url": "/videos/", "mark_error": error}
        expected = render_loop([one], **context)
        written = video_row(Context({**context, "csrf_token": TOKEN}), one)
        assert f"\n      {written}\n    " == expected


def test_truncated_is_truncatechars() -> None:
    texts = [
        "",
        "short",
        "x" * 39,
        "x" * 40,
        "x" * 41,
        "x" * 90,
        "x" * 91,
        "Café ☕ " * 20,
        "e\u0301" * 45,  # not NFC: the filter writes its NFC form
        "e\u0301" * 30 + "x" * 80,
        "a\u0300\u0301" * 60,
    ]
    for text in texts:
        for length in (40, 90):
            assert truncated(text, length) == truncatechars(text, length), (text, length)


@pytest.mark.parametrize("language", ["en-us", "de", "fr", "de-ch", "hi", "ar"])
def test_grouped_numbers_are_intcomma_escaped(language) -> None:
    with override(language):
        number = grouped_numbers()
        for value in (0, 7, 999, 1000, 12_345, 1_234_567, 987_654_321_012, -4_321):
            assert number(value) == conditional_escape(intcomma(value)), value


HEADERS = """{% for column in columns %}
        <th scope="col"{% if column.direction %} aria-sort="{{ column.direction }}"{% endif %}{% if column.numeric %} class="text-end"{% endif %}><a class="pb-sort text-nowrap" href="{{ list_url }}?{{ column.query }}" hx-get="{{ list_url }}?{{ column.query }}" hx-target="#videos-table" hx-swap="outerHTML" hx-push-url="true">{{ column.label }}<span class="pb-sort-mark" aria-hidden="true">{% if column.direction == "ascending" %}▲{% elif column.direction == "descending" %}▼{% else %}↕{% endif %}</span></a></th>
        {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize(
    "query",
    [
        "",
        "sort=views",
        "sort=-title&page=3",
        "page=2&days=7&sort=engagement_rate",
        "q=<a&b>",
        "xsort=~&a=%26sort%3D~&sort=likes&sort=views&z=%7E+%C3%BC",
        "page=1&page=2&end=2025-03-01",
    ],
)
def test_the_column_headers_are_the_loops(query) -> None:
    from django.http import QueryDict

    from analytics.content.views import _columns

    params = QueryDict(query)
    current = params.get("sort", "-posted_on")
    columns = _columns(params, current)
    list_url = "/t/acme/a/acme&co/videos/"
    expected = Template(HEADERS).render(Context({"columns": columns, "list_url": list_url}))
    assert column_headers(columns, list_url) == expected
    # Each link sorts by its column and keeps the other parameters, the page aside: the
    # request's query with its own sort set, as QueryDict writes it.
    for column in columns:
        own = params.copy()
        own.pop("page", None)
        own["sort"] = QueryDict(column["query"])["sort"]
        assert column["query"] == own.urlencode()
        assert own["sort"].removeprefix("-") == column["name"]


BADGE = """{% if video.promotional %}<span class="badge pb-promotional">Promotional</span>{% else %}<span class="badge pb-authentic">Authentic</span>{% endif %} <span class="small text-body-secondary">{% if video.promotional_by_mark %}marked{% if video.marked_by %} by {{ video.marked_by.get_full_name|default:video.marked_by.username }}{% endif %}{% else %}by title{% endif %}</span>"""  # noqa: E501
RANKED = """{% load humanize %}{% for video in videos %}
<li class="list-group-item d-flex justify-content-between align-items-start gap-2">
  <div class="me-auto">
    <a href="{{ video.detail_url }}">{{ video.title|default:"(no title)"|truncatechars:80 }}</a>
    <div class="small text-body-secondary">posted {{ video.posted_on|date:"j M Y" }} · BADGE</div>
  </div>
  <span class="text-nowrap" data-views="{{ video.latest_views }}">{{ video.latest_views|intcomma }} views</span>
</li>
{% endfor %}""".replace("BADGE", BADGE)  # noqa: E501


@pytest.mark.parametrize("language", ["en-us", "de", "fr"])
def test_the_ranked_items_and_badges_are_the_templates(language) -> None:
    ranked = [one for one in VIDEOS if one.latest_views is not None]
    with override(language):
        expected = Template(RANKED).render(Context({"videos": ranked}))
        assert ranked_items(ranked) == expected
    for one in VIDEOS:
        assert promotional_badge(one) == Template(BADGE).render(Context({"video": one}))

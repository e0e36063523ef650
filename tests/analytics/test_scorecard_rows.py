"""The scorecard page's table rows, written by the scorecard_rows tags, are byte for byte
what the template's loops wrote (kept here as the reference), escaping included."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import RequestContext, engines
from django.test import RequestFactory

from accounts.templatetags.playbook import missing
from analytics.templatetags.review_table import score_cell
from analytics.templatetags.scorecard_rows import (
    daily_rows,
    history_rows,
    target_rows,
    total_rows,
    viewer_rows,
    week_rows,
)

LOOPS = {
    "target_rows": """{% for row in rows %}
        <tr>
          <th scope="row" class="fw-normal">{{ row.label }}</th>
          <td class="text-end" data-figure="{{ row.name }}">{{ row.value }}</td>
          <td class="text-end">{{ row.target }}</td>
          <td class="text-end" data-sub-score="{{ row.name }}">{{ row.sub_score }}</td>
        </tr>
      {% endfor %}""",
    "total_rows": """{% for row in rows %}
        <tr>
          <th scope="row" class="fw-normal">{{ row.label }}</th>
          <td class="text-end" data-figure="{{ row.name }}">{{ row.value }}</td>
        </tr>
      {% endfor %}""",
    "daily_rows": """{% for row in rows %}
        <tr>
          <th scope="row" class="fw-normal">{{ row.day }}</th>
          {% if row.views is None %}<td class="text-end" colspan="4"><span class="text-body-secondary">— no metrics for this day</span></td>{% else %}
          <td class="text-end">{{ row.views }}</td>
          <td class="text-end">{{ row.engagement_rate }}</td>
          <td class="text-end">{{ row.spend }}</td>
          <td class="text-end">{{ row.roas }}</td>
          {% endif %}
        </tr>
      {% endfor %}""",  # noqa: E501
    "viewer_rows": """{% for row in rows %}
        <tr data-viewers="{{ row.date }}">
          <th scope="row" class="fw-normal">{{ row.day }}</th>
          {% if not row.known %}<td class="text-end" colspan="3"><span class="text-body-secondary">— no viewer figures for this day</span></td>{% else %}
          <td class="text-end">{{ row.new }}</td>
          <td class="text-end">{{ row.returning }}</td>
          <td class="text-end">{{ row.total }}</td>
          {% endif %}
        </tr>
      {% endfor %}""",  # noqa: E501
    "week_rows": """{% for week in rows %}
        <tr>
          <th scope="row" class="fw-normal">{{ week.week }}</th>
          <td class="text-end" data-week-completion="{{ week.date }}">{{ week.completion }}</td>
          <td class="text-end" data-week-outcome="{{ week.date }}">{{ week.outcome }}</td>
        </tr>
      {% endfor %}""",
    "history_rows": """{% for past in rows %}
      <tr{% if past.current %} class="table-active"{% endif %}>
        <th scope="row" class="fw-normal"><a href="{{ scorecard_url }}{% querystring days=past.days end=past.end %}"{% if past.current %} aria-current="page"{% endif %}>{{ past.period }}</a></th>
        <td class="text-end">{{ past.engagement }}</td>
        <td class="text-end">{{ past.roi }}</td>
        <td class="text-end">{{ past.overall }}</td>
        <td>{% include "analytics/partials/grade.html" with grade=past.grade %}</td>
        <td class="text-end text-nowrap">{% include "analytics/partials/trend.html" with trend=past.trend %}</td>
        <td>{% if past.reviewed %}<span class="badge text-bg-success">✓ Reviewed</span>{% else %}<span class="text-body-secondary">no</span>{% endif %}</td>
      </tr>
    {% endfor %}""",  # noqa: E501
}

MARK = missing("No views on this day")
ODD = "<b>&\"'</b>"  # text that must come out escaped, as {{ }} escaped it


def loop(name: str, rows: list[dict], **context) -> str:
    template = engines["django"].from_string(LOOPS[name])
    return template.render({"rows": rows, **context}, request=context.get("request"))


@pytest.mark.parametrize(
    ("name", "tag", "rows"),
    [
        (
            "target_rows",
            target_rows,
            [
                {"name": "ctr", "label": ODD, "value": MARK, "target": "1.0%", "sub_score": "50.0"},
                {"name": ODD, "label": "ROI", "value": "4.8%", "target": ODD, "sub_score": MARK},
                {
                    "name": "roi",
                    "label": "ROI",
                    "value": "4.8%",
                    "target": "5.0%",
                    "sub_score": "96.0",
                },
            ],
        ),
        (
            "total_rows",
            total_rows,
            [
                {"name": "views", "label": ODD, "value": "1,234"},
                {"name": ODD, "label": "x", "value": MARK},
                {"name": "spend", "label": "Spend", "value": "$1,234.50"},
            ],
        ),
        (
            "daily_rows",
            daily_rows,
            [
                {"day": "Fri 28 Mar", "views": None},
                {
                    "day": ODD,
                    "views": "12,345",
                    "engagement_rate": MARK,
                    "spend": "0,00\xa0€",
                    "roas": ODD,
                },
                # Plain figures (written as they are), and a figure that is not text.
                {
                    "day": "Sat 29 Mar",
                    "views": "7",
                    "engagement_rate": "4.8%",
                    "spend": "$1,234.50",
                    "roas": "120.0%",
                },
                {
                    "day": "Sun 30 Mar",
                    "views": 7,
                    "engagement_rate": "1%",
                    "spend": "x",
                    "roas": "2%",
                },
            ],
        ),
        (
            "viewer_rows",
            viewer_rows,
            [
                {"date": "2025-03-28", "day": "Fri 28 Mar", "known": False},
                {
                    "date": "2025-03-29",
                    "day": "Sat 29 Mar",
                    "known": True,
                    "new": "1,234",
                    "returning": "5",
                    "total": "1,239",
                },
                {
                    "date": ODD,
                    "day": ODD,
                    "known": True,
                    "new": MARK,
                    "returning": "1,2",
                    "total": ODD,
                },
            ],
        ),
        (
            "week_rows",
            week_rows,
            [
                {
                    "date": "2025-03-24",
                    "week": "24 Mar to 30 Mar 2025",
                    "completion": MARK,
                    "outcome": "4.8%",
                },
                {"date": ODD, "week": ODD, "completion": "50.0%", "outcome": ODD},
                {
                    "date": "2025-03-31",
                    "week": "31 Mar to 6 Apr 2025",
                    "completion": "50.0%",
                    "outcome": "4.8%",
                },
            ],
        ),
    ],
)
def test_a_tag_writes_what_its_loop_wrote(name, tag, rows) -> None:
    assert tag(rows) == loop(name, rows)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "days=abc&x=%3C1%3E",
        "end=2025-01-05&x=1&x=2&days=7",
        "a=%26b&days=28&days=7",
        "x=~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~&end=~&%7E=%C3%A9+%20",
    ],
)
def test_the_history_writes_what_its_loop_wrote(query: str) -> None:
    request = RequestFactory().get(f"/t/acme/a/x/scorecard/?{query}")
    rows = [
        {
            "days": 28,
            "end": "2025-03-30",
            "current": True,
            "period": "3 Mar to 30 Mar 2025",
            "engagement": "61.5",
            "roi": score_cell(None, "roi"),
            "overall": "70.0",
            "grade": "B",
            "trend": Decimal("2.5"),
            "reviewed": True,
        },
        {
            "days": 28,
            "end": "2025-03-23",
            "current": False,
            "period": ODD,
            "engagement": ODD,
            "roi": "0.0",
            "overall": score_cell(None, "overall"),
            "grade": "",
            "trend": None,
            "reviewed": False,
        },
        {
            "days": 7,
            "end": "2025-03-16",
            "current": False,
            "period": "x",
            "engagement": "1.0",
            "roi": "2.0",
            "overall": "3.0",
            "grade": ODD,
            "trend": Decimal("-4.0"),
            "reviewed": False,
        },
    ]
    url = "/t/acme/a/a&b/scorecard/"
    expected = loop("history_rows", rows, request=request, scorecard_url=url)
    assert history_rows(RequestContext(request), rows, url) == expected

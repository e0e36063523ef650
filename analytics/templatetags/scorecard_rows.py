"""The scorecard page's tables, a <tr> per figure, day, week or scorecard, written in
Python: `{% target_rows rows %}`, `{% total_rows rows %}`, `{% daily_rows rows %}`,
`{% viewer_rows rows %}`, `{% week_rows weeks %}` and `{% history_rows rows scorecard_url %}`
write what the template's loops wrote, byte for byte, from the rows of ready text of
analytics.review.scorecard_tables (the page's other sections: scorecard_sections).

Looped in the template, every row cost a dozen variable lookups and conditions (and the
history's an include and a `{% querystring %}` each): a few hundred nodes a page, about a
third of its rendering. Every value is escaped as `{{ }}` escaped it (lib.html.escape_text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote_plus

from django import template
from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from analytics.templatetags.review_table import grade_cell, trend_cell
from lib.html import escape_text

register = template.Library()

_DAY = '\n        <tr>\n          <th scope="row" class="fw-normal">{}</th>\n          '
_NO_METRICS = (
    '<td class="text-end" colspan="4"><span class="text-body-secondary">'
    "— no metrics for this day</span></td>"
)
_NO_VIEWERS = (
    '<td class="text-end" colspan="3"><span class="text-body-secondary">'
    "— no viewer figures for this day</span></td>"
)
_ROW_END = "\n        </tr>\n      "
_ACTIVE = ' class="table-active"'
_CURRENT = ' aria-current="page"'
_REVIEWED = '<span class="badge text-bg-success">✓ Reviewed</span>'
_NOT_REVIEWED = '<span class="text-body-secondary">no</span>'


_CELL = '\n          <td class="text-end">'
_NEXT_CELL = "</td>" + _CELL
# What html.escape (so escape_text) replaces: a text without any is its own escape.
_ESCAPED = re.compile("[&<>\"']")


def _escaped(*values: Any) -> Sequence[str]:
    """escape_text of each value. A row's figures seldom hold a character to escape: the
    row's texts are searched once, and written as they are when none does (rather than
    escaped one by one, a handful of calls each); else, or when a value is not text, each
    is escaped."""
    try:
        plain = _ESCAPED.search("".join(values)) is None
    except TypeError:  # a value that is not text
        plain = False
    return values if plain else [escape_text(value) for value in values]


def _cells(*values: str) -> str:
    """Right-aligned cells, each on its own line, as the template wrote them, of escaped
    texts."""
    return _CELL + _NEXT_CELL.join(values) + "</td>"


@register.simple_tag
def target_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """The figures against targets (scorecard_tables.scored_figure_rows)."""
    html = []
    for row in rows:
        name, label, value, target, sub_score = _escaped(
            row["name"], row["label"], row["value"], row["target"], row["sub_score"]
        )
        html.append(
            "\n        <tr>\n"
            f'          <th scope="row" class="fw-normal">{label}</th>\n'
            f'          <td class="text-end" data-figure="{name}">{value}</td>\n'
            f'          <td class="text-end">{target}</td>\n'
            f'          <td class="text-end" data-sub-score="{name}">{sub_score}</td>\n'
            "        </tr>\n      "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


@register.simple_tag
def total_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """The totals over the period (scorecard_tables.other_figure_rows)."""
    html = []
    for row in rows:
        label, name, value = _escaped(row["label"], row["name"], row["value"])
        html.append(
            "\n        <tr>\n"
            f'          <th scope="row" class="fw-normal">{label}</th>\n'
            f'          <td class="text-end" data-figure="{name}">{value}</td>\n'
            "        </tr>\n      "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


@register.simple_tag
def daily_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """The day-by-day table's rows (scorecard_tables.daily_rows)."""
    html = []
    for row in rows:
        if row["views"] is None:
            html.append(_DAY.format(escape_text(row["day"])))
            html.append(_NO_METRICS)
        else:
            day, *cells = _escaped(
                row["day"], row["views"], row["engagement_rate"], row["spend"], row["roas"]
            )
            html.append(_DAY.format(day))
            html.append(f"{_cells(*cells)}\n          ")
        html.append(_ROW_END)
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


@register.simple_tag
def viewer_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """The viewers table's rows (scorecard_tables.viewer_rows)."""
    html = []
    for row in rows:
        html.append(
            f'\n        <tr data-viewers="{escape_text(row["date"])}">\n'
            f'          <th scope="row" class="fw-normal">{escape_text(row["day"])}</th>\n'
            "          "
        )
        if not row["known"]:
            html.append(_NO_VIEWERS)
        else:
            cells = _cells(*_escaped(row["new"], row["returning"], row["total"]))
            html.append(f"{cells}\n          ")
        html.append(_ROW_END)
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


@register.simple_tag
def week_rows(weeks: Iterable[dict[str, Any]]) -> SafeString:
    """The practice-beside-outcome table's rows (scorecard_tables.week_rows)."""
    html = []
    for week in weeks:
        date, text, completion, outcome = _escaped(
            week["date"], week["week"], week["completion"], week["outcome"]
        )
        html.append(
            "\n        <tr>\n"
            f'          <th scope="row" class="fw-normal">{text}</th>\n'
            f'          <td class="text-end" data-week-completion="{date}">{completion}</td>\n'
            f'          <td class="text-end" data-week-outcome="{date}">{outcome}</td>\n'
            "        </tr>\n      "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


@register.simple_tag(takes_context=True)
def history_rows(
    context: Context, rows: Iterable[dict[str, Any]], scorecard_url: str
) -> SafeString:
    """The history table's rows (scorecard_tables.history_rows), each with its grade's
    badge (analytics/partials/grade.html) and linking to its scorecard with the request's
    query string, its days and end set: what `{% querystring days=past.days end=past.end %}`
    wrote, from one copy of the query string for all the rows (the tag deep-copies it for
    each)."""
    url = escape_text(scorecard_url)
    params = context.request.GET.copy()
    # The rows' query strings differ only in their end (a history has one length of days):
    # the query string is encoded once per length with a mark where the end goes, and
    # each row's end is encoded into its place. The mark, longer than the whole query
    # string without it, cannot stand anywhere else in it.
    with_mark: dict[Any, tuple[str, str]] = {}
    # analytics/partials/grade.html (the grade_cell tag and the newline the file ends
    # with), written once per grade: a history has a few.
    grades: dict[str, str] = {}
    html = []
    for past in rows:
        active = _ACTIVE if past["current"] else ""
        current = _CURRENT if past["current"] else ""
        days = past["days"]
        if days not in with_mark:
            params["days"] = days
            mark = "~" * (len(params.urlencode()) + 1)
            params["end"] = mark
            with_mark[days] = mark, params.urlencode()
        mark, query = with_mark[days]
        link = f"?{query.replace(mark, quote_plus(str(past['end'])))}"
        grade = past["grade"]
        if grade not in grades:
            grades[grade] = f"{grade_cell(grade)}\n"
        period, engagement, roi, overall = _escaped(
            past["period"], past["engagement"], past["roi"], past["overall"]
        )
        html.append(
            f"\n      <tr{active}>\n"
            f'        <th scope="row" class="fw-normal"><a href="{url}{escape_text(link)}"'
            f"{current}>{period}</a></th>\n"
            f'        <td class="text-end">{engagement}</td>\n'
            f'        <td class="text-end">{roi}</td>\n'
            f'        <td class="text-end">{overall}</td>\n'
            f"        <td>{grades[grade]}</td>\n"
            '        <td class="text-end text-nowrap">'
            f"{escape_text(trend_cell(past['trend']))}\n</td>\n"
            f"        <td>{_REVIEWED if past['reviewed'] else _NOT_REVIEWED}</td>\n"
            "      </tr>\n    "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above

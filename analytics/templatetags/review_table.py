"""The review table's rows as HTML, written in Python: `{% review_rows page.object_list %}`.

The template engine spends about a third of a millisecond on each row of this table (some
eighty variable lookups and sixty conditions, a partial per review cell): most of the
page's rendering. These functions write the same bytes as the rows that
templates/analytics/review.html used to hold and the partials they copy
(includes/kind_badge.html, includes/missing.html, analytics/partials/{score,grade,trend,
practice_score,flags}.html and review.html#review-cell); tests/analytics/test_review_cells.py
keeps them the same. Every value is escaped as the template escaped it, with the same
filters.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.template import Context
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from accounts.templatetags.playbook import percent, score
from analytics.templatetags.analytics import (
    flag_explanation,
    flag_label,
    goal_met,
    goal_met_text,
    quadrant_label,
    trend_direction,
)

register = template.Library()

_VERIFIED = ' <span class="pb-check" title="Verified" aria-label="verified">✓</span>'
_NOT_VERIFIED = (
    ' <span class="badge text-bg-light border" title="Official accounts are usually verified">'
    "not verified</span>"
)
_TREND_MARKS = {"up": ("▲", "up", "+"), "down": ("▼", "down", ""), "flat": ("▬", "unchanged", "")}


def _missing(why: str, short: str = "") -> str:
    """includes/missing.html: '—' with why (plain words, nothing to escape)."""
    return f'<span title="{why}">—<span class="visually-hidden"> ({short or why})</span></span>'


def _date(value: Any, format_string: str) -> str:
    # The date filter expects local time: the template engine converts before calling it.
    return conditional_escape(date_filter(template_localtime(value), format_string))


def _kind(account: Any) -> str:
    verified = _VERIFIED if account.verified else ""
    if account.kind == "official":
        badge = f'<span class="badge pb-official">Official{verified}</span>'
    else:
        badge = f'<span class="badge pb-marketing">Marketing{verified}</span>'
    # The template wrote the "not verified" badge on the next line.
    return badge + "\n" + (_NOT_VERIFIED if account.is_official and not account.verified else "")


def _score(value: Any, why: str) -> str:
    return _missing(why) if value is None else conditional_escape(score(value))


def _grade(grade: str) -> str:
    if grade:
        grade = conditional_escape(grade)
        return f'<span class="pb-grade pb-grade-{grade}" title="Grade {grade}">{grade}</span>'
    return _missing("No overall score, so no grade", "no overall score, so no grade")


def _quadrant(card: Any) -> str:
    text = conditional_escape(quadrant_label(card.quadrant))
    if goal_met(card):
        met = conditional_escape(goal_met_text())
        text += (
            f' <span class="badge text-bg-success" title="{met}">✓ goal met'
            f'<span class="visually-hidden">: {met}</span></span>'
        )
    return text


def _trend(trend: Any) -> str:
    direction = trend_direction(trend)
    if not direction:
        return _missing(
            "No overall score for this period or the previous one to compare",
            "no score to compare",
        )
    mark, words, sign = _TREND_MARKS[direction]
    return (
        f'<span class="pb-trend pb-trend-{direction}" title="Overall score against the previous '
        f'period of the same length"><span aria-hidden="true">{mark}</span>'
        f'<span class="visually-hidden">{words}</span> {sign}{conditional_escape(score(trend))}'
        "</span>"
    )


def _practice(value: Any) -> str:
    if value is None:
        return _missing(
            "No checklist items in the weeks of this period",
            "no checklist items in the weeks of this period",
        )
    return (
        '<span title="Share of checklist items done in the weeks of this period">'
        f"{conditional_escape(percent(value))}</span>"
    )


def _flags(card: Any) -> str:
    badges = []
    for flag in card.flag_list:
        explanation = conditional_escape(flag_explanation(flag))
        badges.append(
            f'<span class="badge pb-flag" title="{explanation}"><span aria-hidden="true">⚠</span> '
            f"{conditional_escape(flag_label(flag))}"
            f'<span class="visually-hidden">: {explanation}</span></span>'
        )
    if badges:
        text = " ".join(badges)
    elif card.unscored:
        text = '<span class="badge text-bg-light border">Not scored yet</span>'
    else:
        text = '<span class="text-body-secondary">none</span>'
    text += "\n"
    if not card.days_with_rows:
        if card.last_data_day:
            last = (
                f'Last day with data: <time datetime="{_date(card.last_data_day, "Y-m-d")}">'
                f"{_date(card.last_data_day, 'j M Y')}</time>"
            )
        else:
            last = "No data imported yet"
        text += f'<div class="small text-body-secondary pb-last-data">{last}</div>'
    return text


def _reviewer(user: Any) -> str:
    # `get_full_name|default:username|default:"a former member"`.
    if user is None:
        return "a former member"
    return conditional_escape(user.get_full_name() or user.username or "a former member")


def review_cell(card: Any, *, lead: bool, csrf_input: str, next_url: str) -> str:
    """review.html#review-cell of a card of the table (no review form: nothing posted)."""
    handle = conditional_escape(card.account.handle)
    mark_url = conditional_escape(card.mark_url)
    next_url = conditional_escape(next_url)
    parts = ['\n<div class="pb-review">\n  ']
    if card.reviewed_at:
        parts.append(
            '\n  <span class="badge text-bg-success">✓ Reviewed</span>\n'
            f'  <div class="small text-body-secondary">by {_reviewer(card.reviewed_by)}, '
            f'<time datetime="{_date(card.reviewed_at, "c")}">'
            f"{_date(card.reviewed_at, 'j M Y, H:i')}</time></div>\n  "
        )
        if card.review_comment:
            comment = linebreaksbr(card.review_comment, autoescape=True)
            parts.append(f'<div class="small pb-review-comment">{comment}</div>')
        parts.append("\n  ")
        if lead:
            parts.append(
                f'\n  <form method="post" action="{mark_url}"\n'
                f'        hx-post="{mark_url}" hx-target="closest .pb-review" '
                f'hx-swap="outerHTML">\n    {csrf_input}\n'
                '    <input type="hidden" name="reviewed" value="0">\n'
                f'    <input type="hidden" name="next" value="{next_url}">\n'
                '    <button class="btn btn-link btn-sm p-0" type="submit">Un-review'
                f'<span class="visually-hidden"> @{handle}</span></button>\n'
                "  </form>\n  "
            )
        parts.append("\n  ")
    elif lead:
        parts.append(
            '\n  <details class="pb-review-details">\n'
            '    <summary class="btn btn-outline-secondary btn-sm">Mark reviewed'
            f'<span class="visually-hidden"> @{handle}</span></summary>\n'
            f'    <form class="mt-2" method="post" action="{mark_url}"\n'
            f'          hx-post="{mark_url}" hx-target="closest .pb-review" hx-swap="outerHTML">\n'
            f"      {csrf_input}\n"
            '      <input type="hidden" name="reviewed" value="1">\n'
            f'      <input type="hidden" name="next" value="{next_url}">\n'
            "      \n"
            f'      <label class="form-label small d-block">Comment on @{handle} (optional)\n'
            '        <textarea class="form-control form-control-sm mt-1" name="comment" rows="2" '
            'maxlength="2000"></textarea>\n'
            "      </label>\n"
            "      \n"
            '      <button class="btn btn-primary btn-sm mt-2" type="submit">Save review</button>\n'
            "    </form>\n"
            "  </details>\n  "
        )
    else:
        parts.append('\n  <span class="text-body-secondary">Not reviewed</span>\n  ')
    parts.append("\n</div>\n")
    return "".join(parts)


def _row(card: Any, *, lead: bool, csrf_input: str, next_url: str) -> str:
    handle = conditional_escape(card.account.handle)
    unscored = card.unscored
    # Each row as the template's loop wrote it: after a newline, before four spaces.
    parts = [
        f'\n      <tr data-unscored="{handle}">\n' if unscored else "\n      <tr>\n",
        "        ",
    ]
    if lead:
        parts.append('<td class="pb-select">')
        if not unscored and not card.reviewed_at:
            parts.append(
                f'<input class="form-check-input" type="checkbox" name="handle" value="{handle}" '
                f'form="bulk-review" aria-label="Select the scorecard of @{handle}">'
            )
        parts.append("</td>")
    if unscored:
        if card.rows_in_window:
            days = card.rows_in_window
            reviewed = (
                f"Its {conditional_escape(days)} day{'' if days == 1 else 's'} of data here "
                "are scored at the next recompute."
            )
        else:
            reviewed = "Nothing to review in this period."
        reviewed = f'<span class="text-body-secondary small">{reviewed}</span>'
    else:
        reviewed = review_cell(card, lead=lead, csrf_input=csrf_input, next_url=next_url)
    parts.append(
        "\n"
        f'        <th scope="row"><a href="{conditional_escape(card.scorecard_url)}">@{handle}</a>'
        "</th>\n"
        "        \n"
        f'        <td data-label="Kind">{_kind(card.account)}</td>\n'
        '        <td class="text-end" data-column="engagement_score" data-label="Engagement score">'
        + _score(
            card.engagement_score, "Neither engagement rate nor follower growth could be computed"
        )
        + "\n</td>\n"
        '        <td class="text-end" data-column="roi_score" data-label="ROI score">'
        + _score(card.roi_score, "Neither CTR, conversion rate nor ROI could be computed")
        + "\n</td>\n"
        '        <td class="text-end fw-semibold" data-column="overall_score" data-label="Overall">'
        + _score(card.overall_score, "No score could be computed")
        + "\n</td>\n"
        f'        <td data-label="Grade">{_grade(card.grade)}\n</td>\n'
        f'        <td data-label="Quadrant">{_quadrant(card)}</td>\n'
        f'        <td class="text-end text-nowrap" data-label="Trend">{_trend(card.trend)}\n</td>\n'
        '        <td class="text-end" data-column="practice" data-label="Practice">'
        f"{_practice(card.practice_score)}</td>\n"
        f'        <td data-label="Flags">{_flags(card)}</td>\n'
        f'        <td data-label="Reviewed">{reviewed}</td>\n'
        "      </tr>\n    "
    )
    return "".join(parts)


@register.simple_tag(takes_context=True)
def review_rows(context: Context, rows: Iterable[Any]) -> SafeString:
    """`{% review_rows page.object_list %}`: the table's <tr>s, one per card or account
    without a scorecard (UnscoredRow), each card with its `scorecard_url` and `mark_url`
    set, and its practice score. Leads' rows have forms, posting to return to `next_url`."""
    lead = context["membership"].is_lead
    # What {% csrf_token %} writes.
    token = context.get("csrf_token")
    csrf_input = ""
    if token and token != "NOTPROVIDED":  # noqa: S105 - Django's marker of no token
        csrf_input = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
        )
    next_url = context["next_url"]
    html = "".join(_row(row, lead=lead, csrf_input=csrf_input, next_url=next_url) for row in rows)
    return mark_safe(html)  # noqa: S308 - every value is escaped above

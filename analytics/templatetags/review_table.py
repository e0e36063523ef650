"""The scorecard cells, written in Python once, for every page: `{% review_rows rows %}`
writes the review table's rows, and the partials that show a cell elsewhere
(analytics/partials/{score,grade,trend,practice_score,flags}.html, review.html#review-cell)
are each a tag of this library calling the same writer.

The template engine spent about a third of a millisecond on each row of the review table
(some eighty variable lookups and sixty conditions, a partial per cell): most of the page's
rendering. Every value is escaped as the template escaped it, with the same filters.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.template import Context
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from accounts.templatetags.playbook import kind_badge, missing, percent, score
from analytics.scorecards.terms import NO_SCORE_WHY
from analytics.templatetags.analytics import (
    flag_explanation,
    flag_label,
    goal_met,
    goal_met_text,
    quadrant_label,
    trend_direction,
)
from lib.html import csrf_input as csrf_field
from lib.html import date_text, escape_text, sort_heading

register = template.Library()

_NOT_VERIFIED = (
    ' <span class="badge text-bg-light border" title="Official accounts are usually verified">'
    "not verified</span>"
)
_TREND_MARKS = {"up": ("▲", "up", "+"), "down": ("▼", "down", ""), "flat": ("▬", "unchanged", "")}


def _kind(account: Any) -> str:
    # The template wrote the "not verified" badge on the next line.
    verified = _NOT_VERIFIED if account.is_official and not account.verified else ""
    return "".join((kind_badge(account), "\n", verified))


# The cells' "—" for a missing figure, each with why: written once, as the missing tag
# writes them (their words are constants).
_NO_SCORE = {of: str(missing(why)) for of, why in NO_SCORE_WHY.items()}
_NO_GRADE = str(missing("No overall score, so no grade", "no overall score, so no grade"))
_NO_TREND = str(
    missing(
        "No overall score for this period or the previous one to compare",
        "no score to compare",
    )
)
_NO_PRACTICE = str(
    missing(
        "No checklist items in the weeks of this period",
        "no checklist items in the weeks of this period",
    )
)
_NO_FLAGS = '<span class="text-body-secondary">none</span>'

# The cells below are written as plain strings, joined into a row and marked safe once;
# each tag marks its own cell safe. Every value in them is escaped, except a score or a
# share as score() and percent() write them from a Decimal: digits, a sign, a point, a
# comma or a "%", none of which HTML escapes (the rows write some hundred).


def _score(value: Any, of: str) -> str:
    if value is None:
        return _NO_SCORE.get(of) or _NO_SCORE["overall"]
    return score(value)


def _grade(grade: str) -> str:
    if grade:
        grade = escape_text(grade)
        return f'<span class="pb-grade pb-grade-{grade}" title="Grade {grade}">{grade}</span>'
    return _NO_GRADE


def _trend(trend: Any) -> str:
    direction = trend_direction(trend)
    if not direction:
        return _NO_TREND
    mark, words, sign = _TREND_MARKS[direction]
    return (
        f'<span class="pb-trend pb-trend-{direction}" title="Overall score against the previous '
        f'period of the same length"><span aria-hidden="true">{mark}</span>'
        f'<span class="visually-hidden">{words}</span> {sign}{score(trend)}'
        "</span>"
    )


def _practice(value: Any) -> str:
    if value is None:
        return _NO_PRACTICE
    return (
        '<span title="Share of checklist items done in the weeks of this period">'
        f"{percent(value)}</span>"
    )


def _flag_badges(flags: Iterable[str], none: str = "") -> str:
    badges = []
    for flag in flags:
        explanation = escape_text(flag_explanation(flag))
        badges.append(
            f'<span class="badge pb-flag" title="{explanation}"><span aria-hidden="true">⚠</span> '
            f"{escape_text(flag_label(flag))}"
            f'<span class="visually-hidden">: {explanation}</span></span>'
        )
    if badges:
        return " ".join(badges)
    return none or _NO_FLAGS


@register.simple_tag
def score_cell(value: Any, of: str) -> SafeString:
    """`{% score_cell value of %}`: a score with one decimal, or "—" saying why there is
    none; `of` is "engagement", "roi" or "overall"."""
    return mark_safe(_score(value, of))  # noqa: S308 - escaped in _score


@register.simple_tag
def grade_cell(grade: str) -> SafeString:
    """`{% grade_cell grade %}`: the grade's badge, or "—"."""
    return mark_safe(_grade(grade))  # noqa: S308 - escaped in _grade


_GOAL_MET = escape_text(goal_met_text())
_GOAL_MET_BADGE = (
    f' <span class="badge text-bg-success" title="{_GOAL_MET}">✓ goal met'
    f'<span class="visually-hidden">: {_GOAL_MET}</span></span>'
)


def _quadrant(card: Any) -> str:
    text = escape_text(quadrant_label(card.quadrant))
    if goal_met(card):
        text += _GOAL_MET_BADGE
    return text


@register.simple_tag
def trend_cell(trend: Any) -> SafeString:
    """`{% trend_cell trend %}`: the overall score against the previous period, or "—"."""
    return mark_safe(_trend(trend))  # noqa: S308 - escaped in _trend


@register.simple_tag
def practice_cell(value: Any) -> SafeString:
    """`{% practice_cell value %}`: the practice score, or "—"."""
    return mark_safe(_practice(value))  # noqa: S308 - escaped in _practice


@register.simple_tag
def flags_cell(flags: Iterable[str], none: str = "") -> SafeString:
    """`{% flags_cell flags %}`: a badge per flag, or "none" (or the `none` given)."""
    return mark_safe(_flag_badges(flags, none))  # noqa: S308 - escaped in _flag_badges


def _flags(card: Any) -> str:
    # The review table says which cards have no scores yet.
    text = _flag_badges(
        card.flag_list,
        '<span class="badge text-bg-light border">Not scored yet</span>' if card.unscored else "",
    )
    text += "\n"
    if not card.days_with_rows:
        if card.last_data_day:
            last = (
                f'Last day with data: <time datetime="{date_text(card.last_data_day, "Y-m-d")}">'
                f"{date_text(card.last_data_day, 'j M Y')}</time>"
            )
        else:
            last = "No data imported yet"
        text += f'<div class="small text-body-secondary pb-last-data">{last}</div>'
    return text


def _reviewer(user: Any) -> str:
    # `get_full_name|default:username|default:"a former member"`.
    if user is None:
        return "a former member"
    return escape_text(user.get_full_name() or user.username or "a former member")


def review_cell(
    card: Any,
    *,
    lead: bool,
    csrf_input: str,
    next_url: str,
    form: Any = None,
    mark_url: str = "",
) -> str:
    """A card's review: who reviewed it and when, with the lead's form to review it or
    to take the review back. `form` is the ReviewForm just refused, if any; `mark_url`,
    where the form posts, is the card's own when not given."""
    parts = ['\n<div class="pb-review">\n  ']
    if lead:
        # Only a lead's cell has forms, which name the account and post to these.
        handle = escape_text(card.account.handle)
        mark_url = escape_text(mark_url or card.mark_url)
        next_url = escape_text(next_url)
    if card.reviewed_at:
        parts.append(
            '\n  <span class="badge text-bg-success">✓ Reviewed</span>\n'
            f'  <div class="small text-body-secondary">by {_reviewer(card.reviewed_by)}, '
            f'<time datetime="{date_text(card.reviewed_at, "c")}">'
            f"{date_text(card.reviewed_at, 'j M Y, H:i')}</time></div>\n  "
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
        errors = form.errors if form is not None else {}
        comment_errors = errors.get("comment", ())
        value = form["comment"].value() if form is not None else None
        parts.append(
            f'\n  <details class="pb-review-details"{" open" if errors else ""}>\n'
            '    <summary class="btn btn-outline-secondary btn-sm">Mark reviewed'
            f'<span class="visually-hidden"> @{handle}</span></summary>\n'
            f'    <form class="mt-2" method="post" action="{mark_url}"\n'
            f'          hx-post="{mark_url}" hx-target="closest .pb-review" hx-swap="outerHTML">\n'
            f"      {csrf_input}\n"
            '      <input type="hidden" name="reviewed" value="1">\n'
            f'      <input type="hidden" name="next" value="{next_url}">\n'
            "      \n"
            f'      <label class="form-label small d-block">Comment on @{handle} (optional)\n'
            f'        <textarea class="form-control form-control-sm mt-1'
            f'{" is-invalid" if comment_errors else ""}" name="comment" rows="2" '
            f'maxlength="2000">{escape_text(value or "")}</textarea>\n'
            "      </label>\n"
            "      "
            + "".join(
                f'<div class="invalid-feedback d-block">{escape_text(error)}</div>'
                for error in comment_errors
            )
            + "\n"
            '      <button class="btn btn-primary btn-sm mt-2" type="submit">Save review</button>\n'
            "    </form>\n"
            "  </details>\n  "
        )
    else:
        parts.append('\n  <span class="text-body-secondary">Not reviewed</span>\n  ')
    parts.append("\n</div>\n")
    return "".join(parts)


def _row(card: Any, *, lead: bool, csrf_input: str, next_url: str) -> str:
    handle = escape_text(card.account.handle)
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
                f"Its {escape_text(days)} day{'' if days == 1 else 's'} of data here "
                "are scored at the next recompute."
            )
        else:
            reviewed = "Nothing to review in this period."
        reviewed = f'<span class="text-body-secondary small">{reviewed}</span>'
    else:
        reviewed = review_cell(card, lead=lead, csrf_input=csrf_input, next_url=next_url)
    parts.append(
        "\n"
        f'        <th scope="row"><a href="{escape_text(card.scorecard_url)}">@{handle}</a>'
        "</th>\n"
        "        \n"
        f'        <td data-label="Kind">{_kind(card.account)}</td>\n'
        '        <td class="text-end" data-column="engagement_score" data-label="Engagement score">'
        + _score(card.engagement_score, "engagement")
        + "\n</td>\n"
        '        <td class="text-end" data-column="roi_score" data-label="ROI score">'
        + _score(card.roi_score, "roi")
        + "\n</td>\n"
        '        <td class="text-end fw-semibold" data-column="overall_score" data-label="Overall">'
        + _score(card.overall_score, "overall")
        + "\n</td>\n"
        f'        <td data-label="Grade">{_grade(card.grade)}\n</td>\n'
        f'        <td data-label="Quadrant">{_quadrant(card)}</td>\n'
        '        <td class="text-end text-nowrap" data-label="Trend">'
        f"{_trend(card.trend)}\n</td>\n"
        '        <td class="text-end" data-column="practice" data-label="Practice">'
        f"{_practice(card.practice_score)}</td>\n"
        f'        <td data-label="Flags">{_flags(card)}</td>\n'
        f'        <td data-label="Reviewed">{reviewed}</td>\n'
        "      </tr>\n    "
    )
    return "".join(parts)


@register.simple_tag
def sort_header_cells(headers: Iterable[dict], review_url: str, htmx_headers: str) -> SafeString:
    """`{% sort_header_cells sort_headers review_url chart_unchanged_headers %}`: a <th> per
    sortable column (views._sort_headers), with the link that sorts by it and its direction,
    each followed by a blank line as the template's loop wrote them."""
    hx_attrs = f' hx-headers="{escape_text(htmx_headers)}" hx-target="#scorecards-table"'
    cells = [
        sort_heading(
            url=review_url,
            query=header["query"],
            label=header["label"],
            direction=header["direction"],
            numeric=header["numeric"],
            hx_attrs=hx_attrs,
        )
        + "\n\n"
        for header in headers
    ]
    return mark_safe("        ".join(cells))  # noqa: S308 - sort_heading escapes every value


def review_cell_tag(context: Context, card: Any) -> SafeString:
    """`{% review_cell card %}` (review.html#review-cell): the card's review, for the
    account's scorecard page and the answer to a review posted with htmx."""
    membership = context["membership"]
    # The review page sets each card's mark_url (one reverse() for its rows).
    mark_url = getattr(card, "mark_url", "") or reverse(
        "analytics:scorecard-mark-reviewed",
        args=[membership.team.slug, card.account.handle, card.days, card.period_end],
    )
    html = review_cell(
        card,
        lead=membership.is_lead,
        csrf_input=csrf_field(context),
        next_url=context.get("next_url") or "",
        form=context.get("review_form"),
        mark_url=mark_url,
    )
    return mark_safe(html)  # noqa: S308 - every value is escaped in review_cell


register.simple_tag(review_cell_tag, takes_context=True, name="review_cell")


@register.simple_tag(takes_context=True)
def review_rows(context: Context, rows: Iterable[Any]) -> SafeString:
    """`{% review_rows page.object_list %}`: the table's <tr>s, one per card or account
    without a scorecard (UnscoredRow), each card with its `scorecard_url` and `mark_url`
    set, and its practice score. Leads' rows have forms, posting to return to `next_url`."""
    lead = context["membership"].is_lead
    # Only a lead's rows have forms: a manager's table asks for no CSRF token (masking one
    # costs some five hundred calls), so its htmx answers need none.
    csrf_input = csrf_field(context) if lead else ""
    next_url = context["next_url"]
    html = "".join(_row(row, lead=lead, csrf_input=csrf_input, next_url=next_url) for row in rows)
    return mark_safe(html)  # noqa: S308 - every value is escaped above

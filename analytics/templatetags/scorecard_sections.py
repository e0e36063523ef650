"""The scorecard page's sections around its tables, written in Python:
`{% scorecard_header %}` (breadcrumb, heading, period), `{% scores_section card trend
practice_score %}`, `{% practice_outcome outcome weeks chart_data %}` (checklist
completion beside the main outcome), `{% next_step_section %}` (what to fix first) and
`{% window_fields window_form %}` (the period form's fields). Each writes what the template
or partial it replaced wrote, and each test of these keeps that template as its reference.
Every value is escaped as `{{ }}` escaped it (lib.html.escape_text).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.template import Context
from django.template.defaultfilters import capfirst, pluralize
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from accounts.templatetags.playbook import json_data, kind_badge, percent, score
from analytics.scorecards import next_step as steps
from analytics.templatetags.analytics import goal_met, grade_legend, quadrant_of, score_weight
from analytics.templatetags.review_table import grade_cell, score_cell, trend_cell
from analytics.templatetags.scorecard_rows import week_rows
from lib.html import date_text, escape_text, small_filter_fields
from lib.urls import account_page_url, import_upload_url, page_url

register = template.Library()


_PRACTICE_FORMULA = {
    "roi": " ((revenue − spend) ÷ spend)",
    "engagement_rate": " (likes, comments and shares ÷ video views)",
}
_PRACTICE_CHANCE = (
    '\n    <p class="small text-body-secondary mb-0">This is a correlation, not proof: other '
    "things change from week to week too (the videos, the season, the spend), and with a few "
    "weeks a difference can be chance.</p>\n  "
)


def _practice_summary(context: Context, outcome: Any, both: int, total: int) -> str:
    """The summary of practice_outcome: too few weeks, or the two sides' averages."""
    label = escape_text(outcome.outcome_label)
    if not outcome.enough:
        membership = context["membership"]
        checklist = escape_text(
            account_page_url("strategy:checklist", membership.team.slug, context["account"].handle)
        )
        link = f'Tick the account\'s <a href="{checklist}">weekly checklist</a>'
        if membership.is_lead:
            then = f"{link} and import its daily metrics to fill this in."
        else:
            then = f"{link} each week; a lead imports the metrics."
        return (
            '\n    <p class="alert alert-light border mb-0">Too few weeks to tell whether doing '
            f"the practices goes with better results ({both} of {total} weeks have both a "
            f"checklist and metrics). {then}</p>\n  "
        )
    comparison = outcome.comparison
    done, undone = comparison.done_weeks, comparison.undone_weeks
    html = [
        f'\n    <p class="mb-1"><strong>{both} of {total} weeks</strong> have both a checklist '
        "and metrics.</p>\n    "
    ]
    if done and undone:
        if comparison.direction == "same":
            verdict = "The averages are the same."
        else:
            verdict = (
                f"That is {escape_text(localize(comparison.difference_points))} percentage "
                f"points <strong>{escape_text(comparison.direction)}</strong> in the weeks "
                "with the practices done."
            )
        html.append(
            f'\n    <p class="mb-1">In the {done} week{pluralize(done)} with at least half of '
            f"the checklist done, the {label} averaged "
            f"<strong>{escape_text(percent(comparison.done_average))}</strong>; in the {undone} "
            f"week{pluralize(undone)} with less than half done, it averaged "
            f"<strong>{escape_text(percent(comparison.undone_average))}</strong>.\n"
            f"      {verdict}</p>\n    "
        )
    elif done:
        html.append(
            '\n    <p class="mb-1">At least half of the checklist was done in every one of these '
            f"{both} weeks (the {label} averaged {escape_text(percent(comparison.done_average))})"
            ", so there are no weeks with less done to compare with.</p>\n    "
        )
    else:
        html.append(
            '\n    <p class="mb-1">Less than half of the checklist was done in every one of these '
            f"{both} weeks (the {label} averaged "
            f"{escape_text(percent(comparison.undone_average))}), so there are no weeks with the "
            "practices done to compare with.</p>\n    "
        )
    html.append(_PRACTICE_CHANCE)
    return "".join(html)


@register.simple_tag(takes_context=True)
def practice_outcome(
    context: Context, outcome: Any, weeks: Iterable[dict[str, Any]], chart_data: Any
) -> SafeString:
    """`{% practice_outcome outcome weeks chart_data %}`: checklist completion beside the
    main outcome, week by week (analytics.review.practice.PracticeOutcome; `weeks`, its
    rows of text, scorecard_tables.week_rows; `chart_data`, practice_chart_data), with
    the context's membership and account. What the partial practice_outcome.html wrote,
    byte for byte (tests/analytics/test_scorecard_practice_section.py keeps it as the
    reference): included, its few dozen nodes cost more than writing it here."""
    label = escape_text(outcome.outcome_label)
    total = len(outcome.weeks)
    kind = "an official" if outcome.kind == "official" else "a marketing"
    formula = _PRACTICE_FORMULA["roi" if outcome.outcome_name == "roi" else "engagement_rate"]
    summary = _practice_summary(context, outcome, outcome.weeks_with_both, total)
    html = [
        '<section class="mb-4" aria-labelledby="practice-outcome-h">\n'
        f'  <h2 class="h5" id="practice-outcome-h">Practice beside {label}, last {total} '
        "weeks</h2>\n"
        '  <p class="small text-body-secondary mb-2">Week by week (Monday to Sunday): the share '
        f"of the week's checklist that was done, beside the week's {label}{formula}, the main "
        f"result of {kind} account.</p>\n"
        f'  \n  <div id="practice-summary" class="mb-3">\n  {summary}\n  </div>\n  \n  '
    ]
    if outcome.has_figures:
        handle = escape_text(context["account"].handle)
        heading = escape_text(capfirst(outcome.outcome_label))
        html.append(
            f"\n  {json_data(chart_data, 'practice-outcome-data')}\n"
            '  <div class="pb-chart pb-chart-practice">\n'
            '    <canvas data-chart="practice-outcome" role="img" aria-label="Bar chart of the '
            "weekly share of the checklist done (left axis, percent) with a line of the weekly "
            f'{label} (right axis, percent); the table below gives the same figures."></canvas>\n'
            "  </div>\n"
            '  <details class="mt-3">\n'
            "    <summary>Weekly figures as a table</summary>\n"
            '    <div class="pb-table-wrap">\n'
            '    <table class="table table-sm" id="practice-outcome-table">\n'
            f'      <caption class="visually-hidden">Checklist done and {label} of @{handle} per '
            "week, oldest first; a week without a figure shows — with the reason</caption>\n"
            '      <thead><tr><th scope="col">Week</th><th scope="col" class="text-end">Checklist '
            f'done</th><th scope="col" class="text-end">{heading}</th></tr></thead>\n'
            "      <tbody>\n"
            f"      {week_rows(weeks)}\n"
            "      </tbody>\n"
            "    </table>\n"
            "    </div>\n"
            "  </details>\n  "
        )
    html.append("\n</section>\n")
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


def _score_box(size: str, title: str, cell: str, below: str) -> str:
    return (
        '\n  <div class="col-6 col-md-3">\n'
        '    <div class="border rounded p-3 h-100">\n'
        f'      <div class="small text-body-secondary">{title}</div>\n'
        f'      <div class="{size}">{cell}\n</div>{below}\n'
        "    </div>\n"
        "  </div>"
    )


@register.simple_tag(takes_context=True)
def scores_section(context: Context, card: Any, trend: Any, practice_score: Any) -> SafeString:
    """`{% scores_section card trend practice_score %}`: the scorecard's grade and scores,
    each with its weight, the grades' legend, its quadrant and the practice score, with the
    context's membership, account and window_days. Byte for byte what the template wrote
    (tests/analytics/test_scorecard_scores_section.py keeps it as the reference), from
    the same cells and filters."""
    membership, account = context["membership"], context["account"]
    previous = ""
    if card.previous_overall_score is not None:
        previous = f" ({escape_text(score(card.previous_overall_score))})"
    if practice_score is None:
        practice = (
            '<strong>—</strong> <span class="text-body-secondary">no checklist items in the '
            "weeks of this period, so there is no practice score.</span>"
        )
    else:
        practice = (
            f"<strong>{escape_text(percent(practice_score))}</strong> of checklist items done "
            "in the weeks of this period."
        )
    history = escape_text(
        account_page_url("strategy:checklist-history", membership.team.slug, account.handle)
    )
    weighs = '\n      <div class="small text-body-secondary">weighs {}% in the overall score</div>'
    html = [
        '<section class="row g-3 mb-4" aria-label="Scores">',
        _score_box("fs-3", "Grade", grade_cell(card.grade), ""),
        _score_box(
            "fs-3 fw-semibold",
            "Overall score",
            score_cell(card.overall_score, "overall"),
            f'\n      <div class="small">{trend_cell(trend)}\n <span class="text-body-secondary">'
            f"against the previous {escape_text(context['window_days'])} days{previous}"
            "</span></div>",
        ),
        _score_box(
            "fs-4",
            "Engagement score",
            score_cell(card.engagement_score, "engagement"),
            weighs.format(escape_text(score_weight(account.kind, "engagement"))),
        ),
        _score_box(
            "fs-4",
            "ROI score",
            score_cell(card.roi_score, "roi"),
            weighs.format(escape_text(score_weight(account.kind, "roi"))),
        ),
        '\n  <div class="col-12">\n'
        f"    {grade_legend(card.grade)}\n"
        "  </div>\n"
        '  <div class="col-12">\n'
        f'    <p class="mb-1">Quadrant: <strong>{escape_text(quadrant_of(card))}</strong>.</p>\n'
        f'    <p class="mb-0" id="practice-score">Practice: {practice} '
        f'<a href="{history}">Checklist history</a></p>\n'
        "  </div>\n"
        "</section>",
    ]
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


@register.simple_tag(takes_context=True)
def scorecard_header(context: Context) -> SafeString:
    """`{% scorecard_header %}`: the account's scorecard page's breadcrumb, heading, period
    and link to its Content, from the context the view gives (membership, account, card
    and the window's texts). Byte for byte what the template wrote
    (tests/analytics/test_scorecard_header.py keeps it as the reference)."""
    membership, account, card = context["membership"], context["account"], context["card"]
    slug = membership.team.slug
    handle = escape_text(context["handle"])
    days = escape_text(context["window_days"])
    end_iso = escape_text(context["window_end_iso"])
    review = escape_text(page_url("analytics:scorecard-review", slug))
    detail = escape_text(account_page_url("accounts:account-detail", slug, account.handle))
    videos = escape_text(account_page_url("analytics:video-list", slug, account.handle))
    computed = f"; computed {date_text(card.computed_at, 'j M Y, H:i')}" if card else ""
    return mark_safe(  # noqa: S308 - every value is escaped
        '<nav aria-label="breadcrumb"><ol class="breadcrumb">\n'
        f'  <li class="breadcrumb-item"><a href="{review}?days={days}&amp;end={end_iso}">'
        "Scorecards</a></li>\n"
        f'  <li class="breadcrumb-item"><a href="{detail}">@{handle}</a></li>\n'
        '  <li class="breadcrumb-item active" aria-current="page">Scorecard</li>\n'
        "</ol></nav>\n"
        '<div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-3">\n'
        "  <div>\n"
        f'    <h1 class="h3 mb-1">@{handle}: scorecard {kind_badge(account)}\n</h1>\n'
        f'    <p class="text-body-secondary mb-0">{days} days, '
        f"{escape_text(context['window_start_text'])} to "
        f"{escape_text(context['window_end_text'])}{computed}.</p>\n"
        f'    <p class="mb-0"><a href="{videos}?days={days}&amp;end={end_iso}">Content: the '
        f"videos of @{handle}</a></p>\n"
        "  </div>"
    )


_STEP_TEXTS = {
    steps.START_PAID: (
        "This marketing account spent nothing on paid promotion in the period, so its "
        "click-through rate, conversion rate and ROI cannot be measured. Run some paid "
        "promotion."
    ),
}


@register.simple_tag(takes_context=True)
def next_step_section(context: Context) -> SafeString:
    """`{% next_step_section %}`: what to fix first (the context's next_step, a
    next_step_item.ScorecardNextStep) with the checklist item that addresses it, from the
    context's membership, account and card. Byte for byte what its partial wrote
    (tests/analytics/test_scorecard_next_step_section.py keeps it as the reference)."""
    membership, account, card = context["membership"], context["account"], context["card"]
    next_step = context["next_step"]
    step, figure, item = next_step.step, next_step.figure, next_step.item
    slug = membership.team.slug
    handle = escape_text(account.handle)
    name = step.step
    if name in (steps.IMPORT_ALL, steps.IMPORT_GAP):
        upload = escape_text(import_upload_url(slug, account.handle))
        link = f' on the <a href="{upload}">import page</a>'
        if name == steps.IMPORT_ALL:
            text = (
                f"There is no metric row of @{handle} in this period, so nothing can be "
                f"graded. Import the account's daily metrics{link}."
            )
        else:
            text = (
                f"Only {escape_text(localize(card.days_with_rows))} of the period's "
                f"{escape_text(localize(card.days))} days have data, so this grade rests on "
                f"part of the period. Import the missing days first{link}; then the weakest "
                "figure can be told."
            )
    elif name == steps.START_PAID:
        text = _STEP_TEXTS[steps.START_PAID]
    elif name == steps.WEAKEST:
        text = (
            f"<strong>{escape_text(figure.label)}</strong> is the weakest figure against its "
            f"target: {escape_text(percent(figure.value))} for a target of "
            f"{escape_text(percent(figure.target))}, a sub-score of "
            f"{escape_text(score(figure.sub_score))} out of 100."
        )
    else:
        met = (
            ": engaging without paid activity is this official account's goal, and it is met"
            if goal_met(card)
            else ""
        )
        text = (
            f"Every figure that could be measured meets its target{met}. Keep the checklist going."
        )
    html = [
        '\n<section class="mb-4" aria-labelledby="next-step-h" id="next-step" '
        f'data-next-step="{escape_text(name)}">\n'
        '  <h2 class="h5" id="next-step-h">What to fix first</h2>\n'
        '  <div class="border rounded p-3">\n'
        "  \n"
        f'  \n  <p class="mb-1">{text}</p>\n  \n'
    ]
    if item:
        checklist = escape_text(account_page_url("strategy:checklist", slug, account.handle))
        html.append(
            '  \n  <p class="mb-0">The checklist item that addresses it: '
            f'<a href="{checklist}" data-next-step-item>{escape_text(item.title)}</a> '
            f'<span class="text-body-secondary">({escape_text(item.practice_name)})</span>.'
            "</p>\n  \n"
        )
    elif name in (steps.WEAKEST, steps.START_PAID):
        practice = ""
        if next_step.practice_name:
            practice = (
                f' (the practice "{escape_text(next_step.practice_name)}" has no active item)'
            )
        add = ""
        if membership.is_lead:
            templates = escape_text(page_url("strategy:checklist-templates", slug))
            add = f' <a href="{templates}">Add one to the checklist</a>.'
        kind = escape_text(str(account.get_kind_display()).lower())
        html.append(
            '  \n  <p class="mb-0 text-body-secondary">No item of the team\'s '
            f"{kind} checklist addresses this figure{practice}.{add}</p>\n  \n"
        )
    else:
        html.append("  \n")
    html.append("  </div>\n</section>\n\n")
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


@register.simple_tag
def window_fields(form: Any) -> SafeString:
    """`{% window_fields window_form %}`: each visible field of the period's form with its
    label (includes/filter_field.html with small=True, written out), what the template's
    loop over the fields wrote (tests/analytics/test_scorecard_window_fields.py keeps it
    as the reference); each widget is the field's own rendering."""
    return mark_safe(small_filter_fields(form, "    "))  # noqa: S308 - escaped there

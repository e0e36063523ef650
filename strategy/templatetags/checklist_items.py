"""A checklist item's <li>, written in Python once: `{% checklist_item state %}` writes it
in the htmx answers of a tick or a note (templates/strategy/checklist.html, the partial
`item`), and `{% checklist_groups groups %}` writes each practice's <section> with its items
on the checklist page; `{% checklist_head %}` writes the page's breadcrumb, heading and
links, and `{% week_nav %}` its links to the weeks before and after (their template text
kept as the reference in tests/strategy/test_checklist_head.py).

The template engine spent about a thousand function calls on each item (some forty
variable lookups and twenty conditions): most of the page's rendering. Every value is
escaped as the template escaped it, dates with the same filters.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.template import Context
from django.template.defaulttags import querystring
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from accounts.templatetags.playbook import day, kind_badge, percent
from lib.html import csrf_input, date_text, escape_text
from lib.urls import account_page_url, page_url
from strategy.selectors import ItemState, PracticeGroup, Progress
from strategy.templatetags.checklists import iso_week

register = template.Library()

_NO_LONGER_HERE = "someone no longer here"
_ONCE = (
    '<span class="badge text-bg-light border" title="Once ticked, it stays ticked in later '
    'weeks.">once</span>'
)


def _check_lines(check: Any, week: date | None) -> str:
    """Who ticked and corrected the item, and its note: the three lines under its help."""
    if check is None:
        return "\n          \n          \n          \n          "
    ticked = corrected = note = ""
    if check.ticked:
        by = escape_text(check.ticked_by_name or _NO_LONGER_HERE)
        other_week = ""
        if check.checklist.week_start != week:
            other_week = f" (week {escape_text(iso_week(check.checklist.week_start))})"
        ticked = (
            f'<div class="small text-body-secondary">Ticked by {by} on '
            f"{date_text(check.ticked_at, 'D j M, H:i')}{other_week}.</div>"
        )
    if check.corrected_at:
        by = escape_text(check.corrected_by_name or _NO_LONGER_HERE)
        corrected = (
            f'<div class="small text-warning-emphasis">Corrected by {by} on '
            f"{date_text(check.corrected_at, 'D j M, H:i')}, after the week was over.</div>"
        )
    if check.note:
        note = (
            '<p class="small mb-0"><span class="text-body-secondary">Note:</span> '
            f"{escape_text(check.note)}</p>"
        )
    return f"\n          {ticked}\n          {corrected}\n          {note}\n          "


def item_html(  # noqa: PLR0913 - what the template's context gave the partial
    state: ItemState,
    *,
    csrf: str,
    editable: bool,
    week: date | None,
    week_label: str,
    note_error: str = "",
    note_error_item: Any = None,
) -> str:
    """The item's <li> as the template wrote it (with the partial's blank lines around)."""
    item = state.item
    check = state.check
    item_id = escape_text(str(item.public_id))
    title = escape_text(item.title)
    automatic = state.automatic
    checked = " checked" if state.done else ""
    week_input = f'{csrf}<input type="hidden" name="week" value="{escape_text(week_label)}">'
    if automatic or not editable:
        from_data = not_available = ""
        if automatic:
            from_data = (
                f'<span class="badge pb-from-data ms-1" title="{escape_text(state.evidence_label)}'
                ' It cannot be ticked by hand.">from data</span>'
            )
        if not state.available:
            not_available = (
                '<span class="badge text-bg-light border ms-1" '
                f'title="{escape_text(state.unavailable_reason)}">not available</span>'
            )
        tick = (
            '\n          <div class="form-check flex-grow-1 mb-0">\n'
            f'            <input class="form-check-input" type="checkbox" id="tick-{item_id}" '
            f'disabled{checked} aria-describedby="help-{item_id}">\n'
            f'            <label class="form-check-label" for="tick-{item_id}">{title}</label>\n'
            f"            {from_data}\n"
            f"            {not_available}\n"
            "          </div>\n          "
        )
    else:
        tick_url = escape_text(state.tick_url)
        tick = (
            "\n          \n"
            '          <form class="d-flex flex-wrap align-items-start gap-2 flex-grow-1" '
            f'method="post" action="{tick_url}" hx-post="{tick_url}" '
            f'hx-trigger="change, submit" hx-target="#item-{item_id}" hx-swap="outerHTML">\n'
            f"            {week_input}\n"
            '            <div class="form-check flex-grow-1 mb-0">\n'
            '              <input class="form-check-input" type="checkbox" name="ticked" '
            f'value="1" id="tick-{item_id}"{checked} aria-describedby="help-{item_id}">\n'
            f'              <label class="form-check-label" for="tick-{item_id}">{title}</label>\n'
            "            </div>\n"
            '            <button class="btn btn-sm btn-outline-primary pb-nojs-only" '
            f'type="submit">Save<span class="visually-hidden"> “{title}”</span></button>\n'
            "          </form>\n          "
        )
    cadence = ""
    if item.cadence == "monthly":
        cadence = (
            '<span class="badge text-bg-light border" title="A tick counts for every week of '
            f'{date_text(week, "F")}.">monthly</span>'
        )
    elif item.cadence == "once":
        cadence = _ONCE
    help_text = ""
    if automatic and not state.available:
        help_text = f"Not available: {escape_text(state.unavailable_reason)} "
    elif automatic and not item.help_text:
        help_text = escape_text(state.evidence_label)
    help_text += escape_text(item.help_text)
    note_form = ""
    if editable and not automatic:
        error = escape_text(note_error) if note_error and note_error_item == item.pk else ""
        note_url = escape_text(state.note_url)
        note = check.note if check is not None else ""
        invalid = described = error_line = ""
        if error:
            invalid = " is-invalid"
            described = f' aria-invalid="true" aria-describedby="note-error-{item_id}"'
            error_line = (
                f'<div class="invalid-feedback d-block" id="note-error-{item_id}" '
                f'role="alert">{error}</div>'
            )
        note_form = (
            "\n          \n          \n"
            f'          <details class="pb-note"{" open" if error else ""}>\n'
            f'            <summary class="small">{"Edit the note" if note else "Add a note"}'
            "</summary>\n"
            f'            <form class="d-flex flex-wrap gap-2 mt-1" method="post" '
            f'action="{note_url}" hx-post="{note_url}" hx-target="#item-{item_id}" '
            'hx-swap="outerHTML">\n'
            f"              {week_input}\n"
            f'              <label class="visually-hidden" for="note-{item_id}">'
            f"Note on “{title}”</label>\n"
            '              <input class="form-control form-control-sm flex-grow-1 '
            f'pb-note-input{invalid}" type="text" name="note" id="note-{item_id}" '
            f'maxlength="500" value="{escape_text(note or "")}"{described}>\n'
            '              <button class="btn btn-sm btn-outline-secondary" type="submit">'
            "Save note</button>\n"
            f"              {error_line}\n"
            "            </form>\n"
            "          </details>\n          "
        )
    done = " pb-item-done" if state.done else ""
    return (
        "\n      \n"
        f'      <li class="list-group-item pb-item{done}" id="item-{item_id}">\n'
        '        <div class="d-flex flex-wrap align-items-start gap-2">\n'
        f"          {tick}\n"
        f"          {cadence}\n"
        "        </div>\n"
        '        <div class="ms-4">\n'
        f'          <div class="form-text mt-0" id="help-{item_id}">{help_text}</div>'
        f"{_check_lines(check, week)}{note_form}\n"
        "        </div>\n"
        "      </li>\n"
        "      \n      "
    )


def _item_options(context: Context) -> dict[str, Any]:
    """What item_html takes from the template's context."""
    return {
        "csrf": csrf_input(context),
        "editable": context.get("editable"),
        "week": context.get("week"),
        "week_label": context.get("week_label", ""),
        "note_error": context.get("note_error", ""),
        "note_error_item": context.get("note_error_item"),
    }


@register.simple_tag(takes_context=True)
def checklist_groups(context: Context, groups: list[PracticeGroup]) -> SafeString:
    """`{% checklist_groups groups %}`: each practice's <section>, its heading, guidance and
    items, as the template's loop over the groups wrote them (the loop's own blank lines
    included)."""
    options = _item_options(context)
    parts = []
    for group in groups:
        practice = group.practice
        pk = practice.pk
        guidance = ""
        if practice.guidance:
            guidance = (
                f'<p class="text-body-secondary small mb-2">{escape_text(practice.guidance)}</p>'
            )
        parts.append(
            f'\n  <section class="mb-4" aria-labelledby="practice-{pk}">\n'
            f'    <h3 class="h5 mb-1" id="practice-{pk}">{escape_text(practice.name)}</h3>\n'
            f"    {guidance}\n"
            '    <ul class="list-group">\n      '
        )
        for state in group.states:
            parts.append(f"\n      {item_html(state, **options)}\n      ")
        parts.append("\n    </ul>\n  </section>\n  ")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped here and by item_html


@register.simple_tag(takes_context=True)
def checklist_progress(context: Context, progress: Progress) -> SafeString:
    """`{% checklist_progress progress %}`: the week's progress bar, out of band in the htmx
    answers of a tick or a note (`oob` in the context), with the partial's blank lines."""
    done, total, left = progress.done, progress.total, progress.left
    oob = ' hx-swap-oob="innerHTML"' if context.get("oob") else ""
    share = f" ({escape_text(percent(progress.share, 0))})" if total else ""
    rest = f", {left} left" if left else ": all done" if total else ""
    return mark_safe(  # noqa: S308 - numbers only
        f'\n  <div id="checklist-progress" class="mb-3" aria-live="polite"{oob}>\n'
        f'    <p class="mb-1" id="progress-label"><strong>{done} of {total}</strong> done'
        f"{share}{rest}.</p>\n"
        f'    <progress class="pb-progress" max="{total or 1}" value="{done}" '
        f'aria-labelledby="progress-label">{done} of {total}</progress>\n'
        "  </div>\n  "
    )


@register.simple_tag(takes_context=True)
def checklist_item(context: Context, state: ItemState) -> SafeString:
    """`{% checklist_item state %}`: the item's <li>, editable or not as the context says."""
    return mark_safe(item_html(state, **_item_options(context)))  # noqa: S308 - escaped there


@register.simple_tag(takes_context=True)
def checklist_head(context: Context) -> SafeString:
    """The checklist page's breadcrumb, heading, kind and links (the history; the kind's
    checklist for a lead), from the view's context."""
    membership, account = context["membership"], context["account"]
    slug = membership.team.slug
    handle = escape_text(account.handle)
    accounts = escape_text(page_url("accounts:account-list", slug))
    detail = escape_text(account_page_url("accounts:account-detail", slug, account.handle))
    history = escape_text(account_page_url("strategy:checklist-history", slug, account.handle))
    edit = ""
    if membership.is_lead:
        edit_url = escape_text(reverse("strategy:checklist-template", args=[slug, account.kind]))
        edit = (
            f'<a class="btn btn-outline-secondary btn-sm" href="{edit_url}">Edit the '
            f"{escape_text(account.get_kind_display().lower())} checklist</a>"
        )
    return mark_safe(  # noqa: S308 - every value is escaped
        '<nav aria-label="breadcrumb"><ol class="breadcrumb"><li class="breadcrumb-item">'
        f'<a href="{accounts}">Accounts</a></li><li class="breadcrumb-item">'
        f'<a href="{detail}">@{handle}</a></li><li class="breadcrumb-item active" '
        'aria-current="page">Checklist</li></ol></nav>\n'
        '<div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-2">\n'
        f'  <h1 class="h3 mb-0">@{handle}: best practices {kind_badge(account)}\n</h1>\n'
        '  <div class="d-flex flex-wrap gap-2">\n'
        f'    <a class="btn btn-outline-secondary btn-sm" href="{history}">History</a>\n'
        f"    {edit}\n"
        "  </div>\n"
        "</div>"
    )


@register.simple_tag(takes_context=True)
def week_nav(context: Context) -> SafeString:
    """The links to the week before and (for a past week) after and to this week, and the
    week's name and days, from the view's context; the week links keep the request's other
    query parameters ({% querystring %})."""
    membership, account = context["membership"], context["account"]
    url = escape_text(account_page_url("strategy:checklist", membership.team.slug, account.handle))
    previous_week, next_week = context["previous_week"], context["next_week"]
    previous = f"{url}{escape_text(querystring(context, week=previous_week))}"
    name = "This week" if context["is_current"] else f"Week {escape_text(context['week_label'])}"
    after = ""
    if next_week:
        following = f"{url}{escape_text(querystring(context, week=next_week))}"
        after = (
            f'<a class="btn btn-sm btn-outline-primary" href="{following}" hx-get="{following}" '
            'hx-target="#checklist-week" hx-swap="outerHTML" hx-push-url="true">Week after'
            f'<span class="visually-hidden"> ({escape_text(next_week)})</span> '
            '<span aria-hidden="true">→</span></a>\n'
            f'    <a class="btn btn-sm btn-link" href="{url}">This week</a>'
        )
    return mark_safe(  # noqa: S308 - every value is escaped
        '<nav class="pb-week-nav d-flex flex-wrap align-items-center gap-2 my-3" '
        'aria-label="Weeks">\n    \n    \n'
        f'    <a class="btn btn-sm btn-outline-primary" href="{previous}" hx-get="{previous}" '
        'hx-target="#checklist-week" hx-swap="outerHTML" hx-push-url="true">'
        '<span aria-hidden="true">←</span> Week before<span class="visually-hidden"> '
        f"({escape_text(previous_week)})</span></a>\n"
        f'    <h2 class="h5 mb-0 px-2">{name} <span class="text-body-secondary fw-normal small">'
        f"{escape_text(day(context['week'], 'j M'))} – "
        f"{escape_text(day(context['week_end'], 'j M Y'))}</span></h2>\n"
        f"    {after}\n"
        "  </nav>"
    )

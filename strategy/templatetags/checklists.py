"""Checklist words for templates: week names and the account page's checklist section."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Account, Membership
from lib.html import escape_text
from lib.urls import account_page_url
from strategy.periods import week_label
from strategy.selectors import account_week_progress

register = template.Library()


@register.filter
def iso_week(value: date | None) -> str:
    """A Monday -> '2026-W47'."""
    return week_label(value) if value else ""


@register.simple_tag
def checklist_summary(account: Account, membership: Membership) -> SafeString:
    """This week's checklist progress of the account, for its page (reads only).

    Written here rather than by an inclusion template: a section of a few values."""
    progress = account_week_progress(account=account)
    slug, handle = membership.team.slug, account.handle
    checklist_url = escape_text(account_page_url("strategy:checklist", slug, handle))
    history_url = escape_text(account_page_url("strategy:checklist-history", slug, handle))
    if progress and progress.total:
        done, total, left = progress.done, progress.total, progress.left
        rest = f", {left} left" if left else ": all done"
        state = (
            '    <div class="flex-grow-1">\n'
            f'      <p class="mb-1 small" id="summary-progress-label">{done} of {total} '
            f"checklist items done{rest}.</p>\n"
            f'      <progress class="pb-progress" max="{total}" value="{done}" '
            f'aria-labelledby="summary-progress-label">{done} of {total}</progress>\n'
            "    </div>\n"
        )
    else:
        kind = escape_text(str(account.get_kind_display()).lower())
        state = (
            '    <p class="mb-0 flex-grow-1 text-body-secondary">No checklist is open for this '
            f"week yet. Open it to see the {kind} account's best practices and tick what is "
            "done.</p>\n"
        )
    return mark_safe(  # noqa: S308 - every value is escaped above
        '<section class="mb-4" aria-labelledby="checklist-summary-h">\n'
        '  <h2 class="h5" id="checklist-summary-h">Best practices this week</h2>\n'
        '  <div class="d-flex flex-wrap align-items-center gap-3 border rounded p-3">\n'
        f"{state}"
        f'    <a class="btn btn-outline-primary btn-sm" href="{checklist_url}">Open the '
        "checklist</a>\n"
        f'    <a class="btn btn-outline-secondary btn-sm" href="{history_url}">History</a>\n'
        "  </div>\n"
        "</section>\n"
    )

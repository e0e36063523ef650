"""The account page's scorecard section: its latest 28-day scorecard in a few words."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Account, Membership
from analytics.models import Scorecard
from analytics.review.scorecard import scorecard_latest, scorecard_run_pending_for
from analytics.scorecards.windows import DEFAULT_DAYS
from analytics.templatetags.analytics import grade_legend, quadrant_of
from analytics.templatetags.review_table import flags_cell, grade_cell, score_cell
from lib.html import date_text, escape_text
from lib.urls import account_page_url, page_url

register = template.Library()


@register.simple_tag
def latest_scorecard(account: Account) -> Scorecard | None:
    """`{% latest_scorecard account as card %}`: the account's latest 28-day scorecard (one
    query), read once for the account page's sections that show it or follow its period."""
    return scorecard_latest(account=account, days=DEFAULT_DAYS)


@register.simple_tag
def scorecard_summary(
    account: Account, membership: Membership, card: Scorecard | None
) -> SafeString:
    """The account's latest 28-day scorecard (`latest_scorecard`), for the account page.

    Written here rather than by an inclusion template; the grade, scores and flags by the
    review table's own tags."""
    body = _summary(account, membership, card) if card else _no_summary(account, membership)
    return mark_safe(  # noqa: S308 - every value is escaped by the parts
        '<section class="mb-4" aria-labelledby="scorecard-summary-h">\n'
        f'  <h2 class="h5" id="scorecard-summary-h">Scorecard, {DEFAULT_DAYS} days</h2>\n'
        f"{body}</section>\n"
    )


def _summary(account: Account, membership: Membership, card: Scorecard) -> str:
    url = account_page_url("analytics:account-scorecard", membership.team.slug, account.handle)
    end = card.period_end
    rows = [
        ("Period", f"{date_text(card.period_start, 'j M')} to {date_text(end, 'j M Y')}"),
        ("Overall", score_cell(card.overall_score, "overall")),
        ("Engagement score", score_cell(card.engagement_score, "engagement")),
        ("ROI score", score_cell(card.roi_score, "roi")),
        ("Quadrant", escape_text(quadrant_of(card))),
        ("Flags", flags_cell(card.flag_list)),
    ]
    terms = "".join(
        f'      <dt class="col-6 col-md-3">{term}</dt><dd class="col-6 col-md-3">{value}</dd>\n'
        for term, value in rows
    )
    return (
        '  <div class="d-flex flex-wrap align-items-center gap-3 border rounded p-3">\n'
        f"    <div>{grade_cell(card.grade)}</div>\n"
        '    <dl class="row mb-0 flex-grow-1 small">\n'
        f"{terms}"
        "    </dl>\n"
        f'    <div class="w-100">{grade_legend(card.grade)}</div>\n'
        f'    <a class="btn btn-outline-primary btn-sm" href="{escape_text(url)}?days='
        f'{card.days}&amp;end={date_text(end, "Y-m-d")}">Open the scorecard</a>\n'
        "  </div>\n"
    )


def _no_summary(account: Account, membership: Membership) -> str:
    # Asked only when there is no scorecard to show: the empty state then says the
    # recompute is on its way instead of asking for one.
    recomputing = scorecard_run_pending_for(account=account)
    if recomputing:
        waiting = (
            " (waiting for background work, which starts by itself)"
            if recomputing.waiting_for_queue
            else ""
        )
        return (
            f'  <p class="text-body-secondary">No {DEFAULT_DAYS}-day scorecard yet: the '
            f"scorecards are being computed now{waiting}. Reload this page in a moment.</p>\n"
        )
    recompute = ""
    if membership.is_lead:
        review_url = escape_text(page_url("analytics:scorecard-review", membership.team.slug))
        recompute = (
            ": importing computes it by itself, or recompute on the "
            f'<a href="{review_url}">Scorecards</a> page'
        )
    return (
        f'  <p class="text-body-secondary">No {DEFAULT_DAYS}-day scorecard yet. It appears once '
        f"this account's daily metrics are imported{recompute}.</p>\n"
    )

"""Scorecard words for templates: flag and quadrant names, weights, trends, the summary."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from analytics.scorecards import rules
from lib.html import escape_text

register = template.Library()


@register.filter
def flag_label(flag: str) -> str:
    return rules.FLAG_LABELS.get(flag, flag)


@register.filter
def flag_explanation(flag: str) -> str:
    return rules.FLAG_EXPLANATIONS.get(flag, "")


@register.filter
def score_weight(kind: str, score: str) -> str:
    """`official|score_weight:"engagement"` -> '80': a score's weight in the overall, in %."""
    engagement, roi = rules.WEIGHTS[kind]
    weight = engagement if score == "engagement" else roi
    return format((weight * 100).normalize(), "f")


@register.filter
def quadrant_label(quadrant: str) -> str:
    return rules.QUADRANT_LABELS.get(quadrant, "—") if quadrant else "—"


GOAL_MET_WITHOUT_PAID = (
    "its goal met: without paid activity, engaging is an official account's best"
)


@register.filter
def quadrant_of(card: Any) -> str:
    """A scorecard's quadrant in words; for an official account without paid activity that
    is engaging, also that this is its goal met (docs/scoring.md, "Grade and quadrant")."""
    label = quadrant_label(card.quadrant)
    if rules.goal_met_without_paid(card.account.kind, card.quadrant, card.roi_score):
        return f"{label} ({GOAL_MET_WITHOUT_PAID})"
    return label


@register.simple_tag
def goal_met_text() -> str:
    return GOAL_MET_WITHOUT_PAID[0].upper() + GOAL_MET_WITHOUT_PAID[1:]


@register.filter
def goal_met(card: Any) -> bool:
    """Whether the card is an engaging official account without paid activity: its goal met."""
    return rules.goal_met_without_paid(card.account.kind, card.quadrant, card.roi_score)


@register.filter
def trend_direction(value: Any) -> str:
    """'up', 'down' or 'flat' for a score change; '' when the change is unknown."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if number > 0:
        return "up"
    if number < 0:
        return "down"
    return "flat"


def grade_spans() -> list[tuple[str, str]]:
    """Each grade with the overall scores it stands for, from the rules' thresholds."""
    rows = []
    upper = None
    for threshold, letter in rules.GRADE_THRESHOLDS:
        span = (
            f"{threshold} or more" if upper is None else f"{threshold} to {upper - Decimal('0.1')}"
        )
        rows.append((letter, span))
        upper = threshold
    rows.append(("F", f"below {upper}"))
    return rows


@register.simple_tag
@lru_cache(maxsize=16)
def grade_legend(current: str = "") -> SafeString:
    """`{% grade_legend current %}`: what each grade means, `current` marked; written here
    rather than by an included template (a loop of a dozen nodes per grade) on the pages
    that show it. Kept per `current` grade: the rest is the rules' constant thresholds."""
    spans = []
    for letter, span in grade_spans():
        letter = escape_text(letter)
        marked = letter == current
        spans.append(
            f' <span class="text-nowrap{" fw-semibold text-body" if marked else ""}">'
            f'<span class="pb-grade pb-grade-{letter}">{letter}</span> {escape_text(span)}'
            f"{_THIS_SCORECARD if marked else ''}</span>"
        )
    return mark_safe(  # noqa: S308 - escaped above
        '<p class="small text-body-secondary mb-0 pb-grade-legend" data-grade-legend>'
        f"Grades, from the overall score:{';'.join(spans)}.</p>\n"
    )


_THIS_SCORECARD = '<span class="visually-hidden"> (this scorecard)</span>'

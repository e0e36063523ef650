"""The next step of a scorecard (scorecards.next_step) with the checklist item behind it."""

from __future__ import annotations

from dataclasses import dataclass

from analytics.models import Scorecard
from analytics.review.scorecard import FigureRow
from analytics.scorecards import next_step as steps
from lib.dates import this_week
from strategy.models import ChecklistItem

# ChecklistItem's Meta.ordering, as columns to read.
ITEM_ORDER = tuple(ChecklistItem._meta.ordering)


@dataclass(frozen=True)
class StepItem:
    """What the page names of the checklist item that addresses a next step."""

    title: str
    practice_name: str


@dataclass(frozen=True)
class ScorecardNextStep:
    step: steps.NextStep
    figure: FigureRow | None
    # The team's checklist item for this kind of account that addresses it, if it has one.
    item: StepItem | None
    practice_name: str


def scorecard_next_step(*, card: Scorecard, scored: list[FigureRow]) -> ScorecardNextStep:
    """What to fix first on this scorecard, with the checklist item that addresses it."""
    step = steps.next_step(
        flags=card.flag_list, sub_scores=[(row.name, row.sub_score) for row in scored]
    )
    figure = next((row for row in scored if row.name == step.figure), None)
    named = step.practice(card.account.kind)
    item = None
    if named is not None:
        item = _item(card, *named)
    return ScorecardNextStep(
        step=step, figure=figure, item=item, practice_name=named[0] if named else ""
    )


def _item(card: Scorecard, practice: str, title_start: str) -> StepItem | None:
    # The team may have renamed or retired the default item: then the first active item of
    # the same practice stands in for it (one query either way, of the two texts shown).
    # The items come in the model's order, sorted here by the columns of that order (the
    # database's ORDER BY costs more to write than the few rows to sort).
    rows = (
        ChecklistItem.objects.active_in(this_week())
        .filter(
            practice__template__team_id=card.account.team_id,
            practice__template__kind=card.account.kind,
            practice__name__iexact=practice,
        )
        .order_by()
        .values_list("title", "practice__name", *ITEM_ORDER)
    )
    items = [
        StepItem(title=title, practice_name=name)
        for title, name, *_ in sorted(rows, key=lambda row: row[2:])
    ]
    for item in items:
        if item.title.lower().startswith(title_start.lower()):
            return item
    return items[0] if items else None

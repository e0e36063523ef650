"""Needs attention: this week's checklists under half done, from Thursday on."""

from __future__ import annotations

from datetime import date

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from accounts.models import Account, Team
from lib.dates import monday_of
from lib.urls import url_of_handle
from notifications.selectors.lines import SHOWN_LINES, AttentionLine, Topic
from strategy.models import Checklist
from strategy.selectors import WeekProgress, progress_of
from strategy.selectors.states import states_of_checklists

# From this weekday (Thursday) a checklist under half done is behind.
BEHIND_FROM_WEEKDAY = 3
BEHIND_SHARE = 0.5


def _is_behind(done: int, total: int) -> bool:
    """A checklist under BEHIND_SHARE done; one without items that count is not behind."""
    return bool(total) and done / total < BEHIND_SHARE


def checklist_lines(
    scope: QuerySet[Account], team: Team, today: date, week: list[WeekProgress] | None
) -> tuple[list[AttentionLine], int]:
    """This week's checklists under half done, from Thursday on.

    Without `week`, the database finds them by their stored figures
    (strategy.models.WeekPractice); a checklist without them (written around the write
    services) has its progress computed from its items, as week_progress does.
    """
    if today.weekday() < BEHIND_FROM_WEEKDAY:
        return [], 0
    if week is not None:
        behind = [
            (row.account.handle, row.progress.done, row.progress.total)
            for row in week
            if row.checklist is not None and _is_behind(row.progress.done, row.progress.total)
        ]
        count = len(behind)
    else:
        behind, count = _checklists_behind(scope, monday_of(today), team)
    checklist_url = url_of_handle("strategy:checklist", team.slug)
    lines = [
        AttentionLine(
            Topic.CHECKLIST,
            f"@{handle}'s checklist is {done} of {total} done.",
            checklist_url(handle),
            "Open the checklist",
            handle,
        )
        for handle, done, total in behind[:SHOWN_LINES]
    ]
    return lines, count


def _checklists_behind(
    scope: QuerySet[Account], week_start: date, team: Team
) -> tuple[list[tuple[str, int, int]], int]:
    """(handle, done, total) of the first SHOWN_LINES checklists of the week behind, by
    handle, and how many are behind in all: one query, and the items' reads only for the
    checklists without stored figures."""
    unstored = Q(practice__isnull=True)
    # done / counted < BEHIND_SHARE, in the database's exact arithmetic.
    share_of_counted = ExpressionWrapper(
        F("practice__counted") * BEHIND_SHARE, output_field=FloatField()
    )
    stored_behind = Q(practice__counted__gt=0, practice__done__lt=share_of_counted)
    # Ranked and counted apart: the checklists with stored figures, and those without.
    apart = {"partition_by": [F("unstored")]}
    query = (
        Checklist.objects.filter(account__in=scope.values("pk"), week_start=week_start)
        .filter(unstored | stored_behind)
        .annotate(unstored=Case(When(unstored, then=True), default=False))
        .annotate(
            rank=Window(RowNumber(), order_by=F("account__handle").asc(), **apart),
            in_part=Window(Count("pk"), **apart),
        )
        .filter(Q(unstored=True) | Q(rank__lte=SHOWN_LINES))
        .select_related("account", "practice")
        .order_by("account__handle")
    )
    rows = list(query)
    unstored_rows = [row for row in rows if row.unstored]
    for checklist in unstored_rows:
        checklist.account.team = team
    progress = {
        pk: progress_of(states) for pk, states in states_of_checklists(unstored_rows).items()
    }
    # The stored ones come counted; the others are counted here, the database's order kept.
    count = next((row.in_part for row in rows if not row.unstored), 0)
    behind = []
    for checklist in rows:
        if checklist.unstored:
            done, total = progress[checklist.pk].done, progress[checklist.pk].total
            if not _is_behind(done, total):
                continue
            count += 1
        else:
            done, total = checklist.practice.done, checklist.practice.counted
        behind.append((checklist.account.handle, done, total))
    return behind[:SHOWN_LINES], count

"""The ORM read of one checklist's items and checks that strategy.selectors.checklist_read
replaced with hand-written SQL (as it stood before; kept here as the reference that
tests/strategy/test_checklist_read.py compares the SQL with)."""

from __future__ import annotations

from django.db.models import F, FilteredRelation, Q

from strategy.models import Cadence, Checklist, ChecklistItem


def reference_items(checklist: Checklist) -> list[tuple]:
    """(item id, practice id, check id, period start, ticked, ticked at, ticked by, note,
    corrected at, corrected by, check's week) per item of the checklist's week."""
    week = checklist.week_start
    this_check = FilteredRelation(
        "checks",
        condition=Q(checks__account_id=checklist.account_id)
        & (
            Q(cadence=Cadence.WEEKLY, checks__period_start=week)
            | Q(cadence=Cadence.MONTHLY, checks__period_start=week.replace(day=1))
            | Q(cadence=Cadence.ONCE)
        ),
    )
    items = (
        ChecklistItem.objects.filter(practice__template_id=checklist.template_id)
        .active_in(week)
        .select_related("practice")
        .annotate(
            this_check=this_check,
            check_id=F("this_check__id"),
            check_period_start=F("this_check__period_start"),
            check_ticked=F("this_check__ticked"),
            check_ticked_at=F("this_check__ticked_at"),
            check_ticked_by=F("this_check__ticked_by__username"),
            check_note=F("this_check__note"),
            check_corrected_at=F("this_check__corrected_at"),
            check_corrected_by=F("this_check__corrected_by__username"),
            check_week_start=F("this_check__checklist__week_start"),
        )
    )
    return [
        (
            item.pk,
            item.practice.pk,
            item.check_id,
            item.check_period_start,
            item.check_ticked,
            item.check_ticked_at,
            item.check_ticked_by,
            item.check_note,
            item.check_corrected_at,
            item.check_corrected_by,
            item.check_week_start,
        )
        for item in items
    ]

"""Writes of the stored weekly practice figures (strategy.models.WeekPractice).

The figures of a week are what `strategy.selectors.states` computes from its item states;
they are stored so that pages can sum, sort and filter them in the database. Every write
that changes what a week's items show refreshes them in its own transaction: ticks
(strategy.services.check_set), items added or retired, checklists opened, account settings
read by the account rules (StrategyConfig.on_account_changed), and analytics once it has
written the metrics or videos the evidence rules read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from accounts.models import Account
from strategy.models import Checklist, ChecklistTemplate, WeekPractice
from strategy.selectors.states import (
    ItemState,
    checklist_states,
    progress_of,
    states_of_checklists,
)

# Accounts whose checklists are computed together: bounds the memory of a large refresh.
REFRESH_BATCH = 200


def accounts_lock(account_ids: Iterable[int]) -> None:
    """Holds the accounts' rows until the transaction ends, in one order, so that two writes
    refreshing the same week take turns and the second computes with the first's rows.

    FOR NO KEY UPDATE: rows that merely reference the account (metrics) are not held up.
    """
    ids = sorted(set(account_ids))
    if ids:
        locked = Account.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
        list(locked.values_list("pk", flat=True))


def figures_store(checklists: list[Checklist]) -> dict[int, list[ItemState]]:
    """Stores each checklist's figures, computed from its item states (its `account` loaded).

    Returns the item states by checklist pk, for a caller that shows them.
    """
    if not checklists:
        return {}
    if len(checklists) == 1:
        # A tick's week: the one-checklist read (one query and the evidence rules').
        states = {checklists[0].pk: checklist_states(checklist=checklists[0])}
    else:
        states = states_of_checklists(checklists)
    rows = []
    for checklist in checklists:
        progress = progress_of(states[checklist.pk])
        rows.append(
            WeekPractice(
                checklist_id=checklist.pk,
                account_id=checklist.account_id,
                week_start=checklist.week_start,
                done=progress.done,
                counted=progress.total,
                share=progress.share,
            )
        )
    WeekPractice.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["account", "week_start"],
        update_fields=["checklist", "done", "counted", "share"],
    )
    return states


@transaction.atomic
def practice_refresh(
    *,
    accounts: Iterable[Account | int] | None = None,
    weeks: Iterable[date] | None = None,
    since: date | None = None,
    template: ChecklistTemplate | None = None,
    pairs: Iterable[tuple[int, date]] | None = None,
) -> int:
    """Computes again the stored figures (WeekPractice) of the checklists asked for: of
    these accounts (default: the template's team's, or all), these weeks (or `since` a
    Monday), this template, or only these (account id, Monday) pairs. Returns how many.

    Every write that changes what a week's items show calls this (or `figures_store`) in
    its own transaction, after its rows are written.
    """
    if pairs is not None:
        pairs = set(pairs)
        accounts = {account_id for account_id, _ in pairs}
        weeks = {week for _, week in pairs}
    if accounts is not None:
        account_ids = sorted({getattr(a, "pk", a) for a in accounts})
    elif template is not None:
        account_ids = list(
            Account.objects.filter(team=template.team_id).values_list("pk", flat=True)
        )
    else:
        account_ids = list(Account.objects.values_list("pk", flat=True))
    checklists = Checklist.objects.select_related("account").order_by()
    if weeks is not None:
        checklists = checklists.filter(week_start__in=set(weeks))
    if since is not None:
        checklists = checklists.filter(week_start__gte=since)
    if template is not None:
        checklists = checklists.filter(template=template)
    count = 0
    for start in range(0, len(account_ids), REFRESH_BATCH):
        batch = account_ids[start : start + REFRESH_BATCH]
        accounts_lock(batch)
        found = [
            c
            for c in checklists.filter(account__in=batch)
            if pairs is None or (c.account_id, c.week_start) in pairs
        ]
        figures_store(found)
        count += len(found)
    return count

"""Checklist test helpers: open a week, find an item by its words, build URLs."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from accounts.models import Account
from lib.dates import this_week
from strategy.models import Checklist, ChecklistItem
from strategy.periods import week_label
from strategy.services import checklist_open


def open_checklist(account: Account, week_start: date | None = None) -> Checklist:
    return checklist_open(account=account, week_start=week_start or this_week())


def item(checklist: Checklist, title_start: str) -> ChecklistItem:
    """The checklist's item whose title starts with the words given."""
    return ChecklistItem.objects.get(
        practice__template=checklist.template, title__startswith=title_start
    )


def checklist_url(account: Account, week_start: date | None = None) -> str:
    url = reverse("strategy:checklist", args=[account.team.slug, account.handle])
    return f"{url}?week={week_label(week_start)}" if week_start else url


def tick_url(account: Account, checklist_item: ChecklistItem) -> str:
    return reverse(
        "strategy:checklist-tick",
        args=[account.team.slug, account.handle, checklist_item.public_id],
    )


def note_url(account: Account, checklist_item: ChecklistItem) -> str:
    return reverse(
        "strategy:checklist-note",
        args=[account.team.slug, account.handle, checklist_item.public_id],
    )

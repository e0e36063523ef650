"""Reads of the API, each from the caller's readable accounts (api.auth.Caller.accounts)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db.models import Max, Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Account, Team, normalize_handle
from accounts.selectors import handle_is_valid
from analytics.models import DailyMetric, Scorecard, Video, VideoSnapshot
from analytics.scorecards.export import EXPORT_COLUMNS
from api.models import ApiKey
from lib.dates import yesterday
from strategy.selectors.overview import week_overview
from strategy.selectors.states import ItemState

HANDLE_SEPARATORS = re.compile(r"[\s,]+")


# The handles one key may be limited to, typed or given on the command line. More than
# this is a key for nearly every account: leave the list empty for all of them.
MAX_KEY_HANDLES = 200


def key_accounts_of(*, team: Team, text: str) -> tuple[list[Account], list[str]]:
    """The team's active accounts named in `text` (handles separated by commas or spaces,
    with or without @) and the names that are no such account, in the order typed.

    Raises ValueError for more than MAX_KEY_HANDLES names; text that cannot be a handle
    never reaches the database and is returned as missing.
    """
    names = list(dict.fromkeys(normalize_handle(n) for n in HANDLE_SEPARATORS.split(text) if n))
    if len(names) > MAX_KEY_HANDLES:
        raise ValueError(
            f"A key names at most {MAX_KEY_HANDLES} accounts; leave the list empty for every "
            "account of the team."
        )
    handles = [name for name in names if handle_is_valid(name)]
    found = Account.objects.filter(team=team, handle__in=handles).active().order_by("handle")
    found = list(found)
    known = {account.handle for account in found}
    return found, [name for name in names if name not in known]


def api_key_list(*, team: Team) -> QuerySet[ApiKey]:
    return ApiKey.objects.of_team(team).select_related("created_by").prefetch_related("accounts")


def api_key_get(*, team: Team, public_id: object) -> ApiKey:
    return get_object_or_404(ApiKey.objects.of_team(team), public_id=public_id)


def account_list(*, accounts: QuerySet[Account]) -> QuerySet[Account]:
    return accounts.prefetch_related("managers")


def account_get(*, accounts: QuerySet[Account], handle: str) -> Account:
    """One readable account by handle; any other (another team's too, or text no handle
    could be) is a 404."""
    if not handle_is_valid(handle):
        raise Http404("No such account.")
    return get_object_or_404(accounts, handle=handle)


def day_list(*, account: Account, start: date, end: date) -> QuerySet[DailyMetric]:
    return DailyMetric.objects.filter(account=account, date__range=(start, end))


def scorecard_default_end(*, accounts: QuerySet[Account], days: int) -> date:
    """As the review page: the latest period end stored for these accounts, else yesterday."""
    latest = Scorecard.objects.filter(account__in=accounts, days=days).aggregate(
        latest=Max("period_end")
    )["latest"]
    return latest or yesterday()


def scorecard_list(*, accounts: QuerySet[Account], days: int, end: date) -> QuerySet[Scorecard]:
    """The window's scorecards of the readable accounts (the review page's rows)."""
    cards = Scorecard.objects.filter(account__in=accounts, days=days, period_end=end)
    return _export_columns(cards)


def _export_columns(cards: QuerySet[Scorecard]) -> QuerySet[Scorecard]:
    """Only the columns the export writes: a page of 100 loads a third of the bytes."""
    fields = [column for column in EXPORT_COLUMNS if column not in ("handle", "kind")]
    return cards.select_related("account").only("account__handle", "account__kind", "days", *fields)


def account_scorecard_list(*, account: Account, days: int | None) -> QuerySet[Scorecard]:
    cards = Scorecard.objects.filter(account=account)
    if days:
        cards = cards.filter(days=days)
    return _export_columns(cards)


def video_list(*, account: Account) -> QuerySet[Video]:
    snapshots = VideoSnapshot.objects.order_by("date")
    return Video.objects.filter(account=account).prefetch_related(
        Prefetch("snapshots", queryset=snapshots)
    )


def checklist_rows(*, accounts: list[Account], week_start: date) -> list[dict[str, Any]]:
    """Each account's items of the week, ticks and completion, in a constant number of queries.

    Reads only: an account whose checklist of the week was never opened has no items yet.
    """
    rows = []
    for week in week_overview(accounts=accounts, week_start=week_start):
        rows.append(
            {
                "handle": week.account.handle,
                "week": week_start,
                "opened": week.checklist is not None,
                "done": week.progress.done,
                "total": week.progress.total,
                "completion": None if week.progress.share is None else str(week.progress.share),
                "items": [_item(state) for state in week.states],
            }
        )
    return rows


def _item(state: ItemState) -> dict[str, Any]:
    check = state.check
    return {
        "id": str(state.item.public_id),
        "practice": state.item.practice.name,
        "title": state.item.title,
        "cadence": state.item.cadence,
        "automatic": state.automatic,
        "available": state.available,
        "done": state.done,
        "ticked_by": getattr(check, "ticked_by_name", "") or None if check else None,
        "ticked_at": check.ticked_at if check else None,
        "note": check.note if check else "",
    }

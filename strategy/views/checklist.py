"""An account's weekly checklist: the page, ticks, notes and the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.access import team_view
from accounts.models import Account, Membership
from accounts.selectors import account_get
from lib import dates
from lib.htmx import htmx_error, render_partial_for_target
from lib.urls import url_filler
from strategy import selectors, services
from strategy.forms import HistoryForm, NoteForm, TickForm
from strategy.models import Checklist
from strategy.periods import week_label
from strategy.selectors import ItemState, Joined


class WeekOutOfRange(Exception):
    """A week before checklists begin: the page says so instead of computing with it."""


def week_from(value: str | None) -> date:
    """The week a request names (like 2026-W47), this week when none.

    404 for text that names no ISO week or a week still to come; WeekOutOfRange for a
    week before 2000-W01, so dates near the calendar's start never reach the arithmetic.
    """
    current = dates.this_week()
    if not value:
        return current
    week = dates.week_start_of(value)
    if week is None or week > current:
        raise Http404("No checklist for this week.")
    if week < dates.EARLIEST_WEEK:
        raise WeekOutOfRange(dates.week_error(value, latest=current))
    return week


def _week_out_of_range(request: HttpRequest, error: WeekOutOfRange, handle: str) -> HttpResponse:
    membership = request.membership
    back_url = reverse("strategy:checklist", args=[membership.team.slug, handle.lower()])
    if request.htmx:
        return htmx_error(request, str(error), back_url=back_url)
    context = {"membership": membership, "message": str(error), "back_url": back_url}
    return render(request, "strategy/problem.html", context, status=400)


def item_urls_set(account: Account, states: list[ItemState]) -> None:
    """Gives each state its item's `tick_url` and `note_url`, as {% url %} would write them:
    two reverse() calls a page rather than two per item (lib.urls.url_filler)."""
    args = (account.team.slug, account.handle)
    tick = url_filler("strategy:checklist-tick", *args, stand_in=UUID(int=0))
    note = url_filler("strategy:checklist-note", *args, stand_in=UUID(int=0))
    for state in states:
        item_id = str(state.item.public_id)
        state.tick_url = tick(item_id)
        state.note_url = note(item_id)


def _may_change(membership: Membership, week: date) -> bool:
    try:
        services.check_authorize(membership=membership, checklist=Checklist(week_start=week))
    except PermissionDenied:
        return False
    return True


def _context(
    membership: Membership,
    account: Account,
    week: date,
    checklist: Checklist | None,
    states: list[ItemState],
    **extra: Any,
) -> dict[str, Any]:
    current = dates.this_week()
    item_urls_set(account, states)
    return {
        "membership": membership,
        "account": account,
        "checklist": checklist,
        "week": week,
        "week_end": week + timedelta(days=6),
        "week_label": week_label(week),
        "is_current": week == current,
        "previous_week": week_label(week - timedelta(weeks=1)),
        "next_week": week_label(week + timedelta(weeks=1)) if week < current else "",
        "editable": _may_change(membership, week),
        "groups": selectors.group_by_practice(states),
        "progress": selectors.progress_of(states),
        **extra,
    }


@require_GET
@vary_on_headers("HX-Request")
@team_view
def checklist(request: HttpRequest, membership: Membership, handle: str) -> HttpResponse:
    try:
        week = week_from(request.GET.get("week"))
    except WeekOutOfRange as error:
        # Outsiders still get 404: the scope is checked before saying what was wrong.
        account = account_get(user=request.user, membership=membership, handle=handle)
        return _week_out_of_range(request, error, account.handle)
    account = account_get(user=request.user, membership=membership, handle=handle)
    checklist, items = selectors.checklist_read(account=account, week_start=week)
    states = None
    if week == dates.this_week():
        read = checklist
        checklist = services.checklist_ensure(account=account, week_start=week, checklist=read)
        if checklist is not read:
            # Opened now, or given its kind's template: the states its figures came from.
            states = checklist.week_states
    if states is None:
        states = selectors.checklist_states(checklist=checklist, items=items) if checklist else []
    return render_partial_for_target(
        request,
        "strategy/checklist.html",
        {"checklist-week": "checklist-week"},
        _context(membership, account, week, checklist, states),
    )


@dataclass
class _Change:
    """What a tick and a note share: the scoped account, its week, the item and the rights."""

    membership: Membership
    account: Account
    checklist: Checklist
    states: list[ItemState]
    state: ItemState
    correction: bool

    def context(self, changed: ItemState | None = None) -> dict[str, Any]:
        """The page's context, with `changed` in place of the item's state as read."""
        states = [changed if s is self.state and changed else s for s in self.states]
        week = self.checklist.week_start
        return _context(self.membership, self.account, week, self.checklist, states)


def _checklist_of_change(
    request: HttpRequest, membership: Membership, handle: str
) -> tuple[Account, Checklist, list[Joined]]:
    """The scoped account, its checklist of the week a tick or a note changes (opened if
    it is this week's) and the week's items, each with its check; 404 for what the user may
    not see."""
    try:
        week = week_from(request.POST.get("week"))
    except WeekOutOfRange:
        # Outsiders still get 404: the scope is checked before saying what was wrong.
        account_get(user=request.user, membership=membership, handle=handle)
        raise
    account = account_get(user=request.user, membership=membership, handle=handle)
    checklist, items = selectors.checklist_read(account=account, week_start=week)
    if checklist is None and week == dates.this_week():
        checklist = services.checklist_ensure(account=account, week_start=week, checklist=None)
        # Opened now: the week's items as its figures were stored from them.
        items = [(state.item, state.check) for state in checklist.week_states]
    if checklist is None:
        raise Http404("No checklist for this week.")
    checklist.account = account
    return account, checklist, items


def _change(request: HttpRequest, membership: Membership, handle: str, item_id: UUID) -> _Change:
    """The scoped account, its checklist of the week, the item's state and the rights."""
    account, checklist, items = _checklist_of_change(request, membership, handle)
    states = selectors.checklist_states(checklist=checklist, items=items)
    state = next((s for s in states if s.item.public_id == item_id), None)
    if state is None:
        raise Http404("This item is not part of this week's checklist.")
    correction = services.check_authorize(membership=membership, checklist=checklist)
    return _Change(membership, account, checklist, states, state, correction)


def _respond(
    request: HttpRequest,
    context: dict[str, Any],
    state: ItemState,
    *,
    note_error: str = "",
) -> HttpResponse:
    """htmx gets the item and (out of band) the progress bar; a plain form post goes back."""
    account = context["account"]
    if not state.tick_url:
        item_urls_set(account, [state])
    context.update(note_error=note_error, note_error_item=state.item.pk)
    if request.htmx:
        context.update(state=state, oob=True)
        return render(request, "strategy/checklist.html#changed-item", context)
    if note_error:
        return render(request, "strategy/checklist.html", context)
    url = reverse("strategy:checklist", args=[account.team.slug, account.handle])
    if not context["is_current"]:
        url += f"?week={context['week_label']}"
    return redirect(f"{url}#item-{state.item.public_id}")


def _bad_request(request: HttpRequest, error: ValidationError, account: Account) -> HttpResponse:
    message = " ".join(error.messages)
    back_url = reverse("strategy:checklist", args=[account.team.slug, account.handle])
    if request.htmx:
        return htmx_error(request, message, back_url=back_url)
    context = {"message": message, "back_url": back_url}
    return render(request, "strategy/problem.html", context, status=400)


@require_POST
@vary_on_headers("HX-Request")
@team_view
def checklist_tick(
    request: HttpRequest, membership: Membership, handle: str, item_id: UUID
) -> HttpResponse:
    try:
        account, checklist, items = _checklist_of_change(request, membership, handle)
    except WeekOutOfRange as error:
        return _week_out_of_range(request, error, handle)
    item = next((item for item, _ in items if item.public_id == item_id), None)
    if item is None:
        raise Http404("This item is not part of this week's checklist.")
    correction = services.check_authorize(membership=membership, checklist=checklist)
    form = TickForm(request.POST)
    form.is_valid()
    try:
        written = services.check_set(
            checklist=checklist,
            item=item,
            user=request.user,
            ticked=form.cleaned_data.get("ticked", False),
            correction=correction,
        )
    except ValidationError as error:
        return _bad_request(request, error, account)
    # The week as the tick left it, read under the account's lock by check_set.
    states = written.week_states
    if states is None:
        states = selectors.checklist_states(checklist=checklist)
    changed = next((s for s in states if s.item.pk == item.pk), None)
    if changed is None:
        changed = selectors.state_after_change(ItemState(item, done=False), written, request.user)
    week = checklist.week_start
    return _respond(request, _context(membership, account, week, checklist, states), changed)


@require_POST
@vary_on_headers("HX-Request")
@team_view
def checklist_note(
    request: HttpRequest, membership: Membership, handle: str, item_id: UUID
) -> HttpResponse:
    try:
        change = _change(request, membership, handle, item_id)
    except WeekOutOfRange as error:
        return _week_out_of_range(request, error, handle)
    form = NoteForm(request.POST)
    if not form.is_valid():
        note_error = " ".join(form.errors["note"])
        return _respond(request, change.context(), change.state, note_error=note_error)
    try:
        written = services.check_note_set(
            checklist=change.checklist,
            item=change.state.item,
            user=request.user,
            note=form.cleaned_data["note"],
            correction=change.correction,
        )
    except ValidationError as error:
        return _bad_request(request, error, change.account)
    changed = selectors.state_after_change(change.state, written, request.user)
    return _respond(request, change.context(changed), changed)


@require_GET
@vary_on_headers("HX-Request")
@team_view
def checklist_history(request: HttpRequest, membership: Membership, handle: str) -> HttpResponse:
    account = account_get(user=request.user, membership=membership, handle=handle)
    form = HistoryForm(request.GET)
    weeks = form.cleaned_data["weeks"] if form.is_valid() else 12
    history = selectors.checklist_history(account=account, weeks=weeks)
    context = {"membership": membership, "account": account, "form": form, "history": history}
    return render_partial_for_target(
        request, "strategy/history.html", {"history-grid": "history-grid"}, context
    )

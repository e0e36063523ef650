"""My week: this week's progress of every account someone looks after."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from accounts.access import team_view
from accounts.models import Membership
from lib.dates import this_week
from lib.htmx import render_partial_for_target
from strategy import selectors, services
from strategy.forms import WeekFilterForm
from strategy.periods import week_label


@require_GET
@vary_on_headers("HX-Request")
@team_view
def my_week(request: HttpRequest, membership: Membership) -> HttpResponse:
    managers = selectors.week_managers(membership=membership) if membership.is_lead else None
    filters = WeekFilterForm(request.GET, managers=managers)
    filters.is_valid()
    chosen = filters.cleaned_data if membership.is_lead else {}
    accounts = selectors.week_accounts(
        user=request.user,
        membership=membership,
        kind=chosen.get("kind", ""),
        manager_id=chosen["manager"].pk if chosen.get("manager") else None,
    )
    week = this_week()
    services.checklists_open_week(week_start=week, accounts=accounts)
    context = {
        "membership": membership,
        "filters": filters,
        "filtered": bool(chosen.get("kind") or chosen.get("manager")),
        "rows": selectors.week_overview(accounts=accounts, week_start=week),
        "week": week,
        "week_end": week + timedelta(days=6),
        "week_label": week_label(week),
    }
    return render_partial_for_target(
        request, "strategy/my_week.html", {"week-table": "week-table"}, context
    )

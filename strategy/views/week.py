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

PER_PAGE = 25


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
        manager_id=chosen.get("manager"),
    )
    week = this_week()
    page = selectors.week_page(
        accounts=accounts, week_start=week, number=request.GET.get("page"), per_page=PER_PAGE
    )
    if any(account.week_checklist is None for account in page.object_list):
        # The Monday task opens every checklist; a visit opens those it shows if missing.
        services.checklists_open_week(week_start=week, accounts=page.object_list)
        page = selectors.week_page(
            accounts=accounts, week_start=week, number=page.number, per_page=PER_PAGE
        )
    context = {
        "membership": membership,
        "filters": filters,
        "filtered": bool(chosen.get("kind") or chosen.get("manager")),
        "page": page,
        "rows": selectors.week_overview(
            accounts=page.object_list,
            week_start=week,
            checklists=[a.week_checklist for a in page.object_list if a.week_checklist],
        ),
        "week": week,
        "week_end": week + timedelta(days=6),
        "week_label": week_label(week),
    }
    return render_partial_for_target(
        request, "strategy/my_week.html", {"week-table": "week-table"}, context
    )

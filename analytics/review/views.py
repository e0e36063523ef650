"""The leads' review of a team's scorecards: table, chart, CSV, review marks and recompute."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseStopPolling, trigger_client_event

from accounts.access import rights_held, team_view
from accounts.models import Membership
from analytics.models import ScorecardRun
from analytics.review import cards_read
from analytics.review import marks as reviews
from analytics.review import rows as selectors
from analytics.review import scorecard as account_scorecard
from analytics.review import table as review_table
from analytics.review.forms import BulkReviewForm, RecomputeForm, ReviewForm, ScorecardFilterForm
from analytics.review.scorecard_views import scorecard_context
from analytics.scorecards import export, windows
from analytics.scorecards import queue as scorecard_queue
from analytics.scorecards import runs as scorecard_runs
from analytics.scorecards.windows import WindowForm
from lib.htmx import render_partial_for_target
from lib.urls import sort_links

SCORECARDS_PER_PAGE = 25
# The event that makes the review table fetch itself again after a recompute.
UPDATED_EVENT = "scorecards-updated"
# Sent by the table's sort and page links, which show the same cards in another order: the
# answer leaves the chart as it is instead of sending its points again (a lead's thousand).
CHART_HEADER = "Playbook-Chart"
CHART_UNCHANGED = "unchanged"


@require_GET
@vary_on_headers("HX-Request", CHART_HEADER)
@team_view
def scorecard_review(request: HttpRequest, membership: Membership) -> HttpResponse:
    context = review_context(request, membership, request.GET)
    return render_partial_for_target(
        request, "analytics/review.html", {"scorecards-table": "table"}, context
    )


@require_GET
@team_view
def scorecard_export(request: HttpRequest, membership: Membership) -> HttpResponse:
    filters = ScorecardFilterForm(request.GET)
    if filters.window_error():
        # A file named after a period nobody asked for would mislead; say what was wrong.
        context = {
            "membership": membership,
            "message": filters.window_error(),
            "back_url": reverse("analytics:scorecard-review", args=[membership.team.slug]),
        }
        return render(request, "errors/400.html", context, status=400)
    scope = cards_read.Scope(user=request.user, membership=membership)
    window = _window(request, membership, filters, scope)
    chosen = filters.filters()
    cards = cards_read.Cards(scope=scope, window=window, filters=cards_read.CardFilters.of(chosen))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"scorecards-{membership.team.slug}-{window.days}d-{window.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # The rows follow the page's order, also when it is sorted by practice score.
    rows = review_table.scorecards_in_order(cards.in_order(chosen["sort"]))
    export.write_csv(rows, response, for_spreadsheet=True)
    return response


@require_POST
@team_view(lead_only=True)
def scorecard_recompute(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = RecomputeForm(request.POST)
    if not form.is_valid():
        # Only a hand-made request lacks the window or names one out of range; show the
        # page for the default period with what was wrong.
        context = review_context(request, membership, QueryDict())
        context["recompute_error"] = "Choose a period to recompute."
        if form.has_error("end", "out_of_range"):
            context["recompute_error"] = " ".join(form.errors["end"])
        return render(request, "analytics/review.html", context)
    days, end = form.cleaned_data["days"], form.cleaned_data["end"]
    unavailable: scorecard_queue.BackgroundUnavailable | None = None
    with rights_held(user=request.user, team=membership.team, lead_only=True):
        try:
            run = scorecard_runs.scorecard_run_start(
                scope=ScorecardRun.Scope.TEAM,
                team=membership.team,
                end=end,
                days=(days,),
                requested_by=request.user,
            )
        except scorecard_queue.BackgroundUnavailable as error:
            # Caught inside the transaction, so the waiting run is kept (the sweep queues it).
            unavailable = error
    if unavailable is not None:
        return _unavailable(request, membership, days=days, end=end, waiting=unavailable.run)
    # The run was queued as the transaction committed (and, run eagerly, has finished;
    # a broker failing just then put it back to waiting for the sweep).
    run.refresh_from_db()
    if request.htmx:
        context = {"membership": membership, "run": run}
        response = render(request, "analytics/scorecard_run.html#run-status", context)
        # With tasks run eagerly (the demo) the run is finished already: refresh the table now.
        if run.status == ScorecardRun.Status.DONE:
            trigger_client_event(response, UPDATED_EVENT)
        return response
    return redirect(
        "analytics:scorecard-run", team_slug=membership.team.slug, scorecard_run_id=run.public_id
    )


@require_GET
@vary_on_headers("HX-Request")
@team_view(lead_only=True)
def scorecard_run(
    request: HttpRequest, membership: Membership, scorecard_run_id: UUID
) -> HttpResponse:
    run = selectors.scorecard_run_get(membership=membership, public_id=scorecard_run_id)
    context = {"membership": membership, "run": run}
    if not request.htmx:
        return render(request, "analytics/scorecard_run.html", context)
    html = render_to_string("analytics/scorecard_run.html#run-status", context, request=request)
    if run.status == ScorecardRun.Status.DONE:
        return trigger_client_event(HttpResponseStopPolling(html), UPDATED_EVENT)
    if run.status == ScorecardRun.Status.FAILED:
        return HttpResponseStopPolling(html)
    return HttpResponse(html)


@require_POST
@team_view(lead_only=True)
def scorecard_bulk_mark_reviewed(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = BulkReviewForm(request.POST)
    next_url = _next_url(request)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect(next_url)
    data = form.cleaned_data
    with rights_held(user=request.user, team=membership.team, lead_only=True):
        # Read inside the transaction that holds the right: only this team's visible cards.
        cards = selectors.scorecards_of_handles(
            user=request.user,
            membership=membership,
            days=data["days"],
            end=data["end"],
            handles=data["handles"],
        )
        marked = reviews.scorecards_mark_reviewed(scorecards=cards, user=request.user)
    messages.success(request, f"{marked} scorecard{'' if marked == 1 else 's'} marked reviewed.")
    return redirect(next_url)


@require_POST
@team_view(lead_only=True)
def scorecard_mark_reviewed(
    request: HttpRequest, membership: Membership, handle: str, period_days: int, period_end: date
) -> HttpResponse:
    card = account_scorecard.scorecard_get(
        user=request.user, membership=membership, handle=handle, days=period_days, end=period_end
    )
    form = ReviewForm(request.POST)
    next_url = _next_url(request)
    if form.is_valid():
        with rights_held(
            user=request.user, team=membership.team, lead_only=True, account=card.account
        ):
            if form.cleaned_data["reviewed"]:
                reviews.scorecard_mark_reviewed(
                    scorecard=card, user=request.user, comment=form.cleaned_data["comment"]
                )
            else:
                reviews.scorecard_unmark_reviewed(scorecard=card)
        if not request.htmx:
            messages.success(request, f"The scorecard of @{card.account.handle} was saved.")
            return redirect(next_url)
    context = {"membership": membership, "card": card, "review_form": form, "next_url": next_url}
    if request.htmx:
        return render(request, "analytics/review.html#review-cell", context)
    # Without JavaScript an invalid review shows the account's scorecard with the error.
    context = scorecard_context(
        request, membership, card.account, days=card.days, end=card.period_end
    )
    context["review_form"] = form
    return render(request, "analytics/account_scorecard.html", context)


def review_context(
    request: HttpRequest, membership: Membership, query: QueryDict
) -> dict[str, Any]:
    # The period asked for; the filter form (built once) shows the period actually on
    # screen, also when the URL left it to the default. Its other fields are the query's.
    asked = WindowForm(query)
    window_error = asked.window_error()
    scope = cards_read.Scope(user=request.user, membership=membership)
    window = _window(request, membership, asked, scope)
    shown = query.copy()
    shown["days"], shown["end"] = str(window.days), window.end.isoformat()
    filters = ScorecardFilterForm(shown)
    chosen = filters.filters()
    sort = chosen.pop("sort")
    cards = cards_read.Cards(scope=scope, window=window, filters=cards_read.CardFilters.of(chosen))
    chart_unchanged = bool(request.htmx) and (request.headers.get(CHART_HEADER) == CHART_UNCHANGED)
    overview = cards.overview(points=not chart_unchanged)
    # Every active account is listed in every window, also one without a scorecard: they
    # are looked for unless every listed account has a card.
    unscored = [] if overview.every_account_scored else selectors.unscored_rows(cards)
    page = review_table.scorecard_page(
        cards.in_order(sort, count=overview.count),
        number=query.get("page"),
        per_page=SCORECARDS_PER_PAGE,
        unscored=unscored,
    )
    window_query = f"days={window.days}&end={window.end.isoformat()}"
    # One reverse() for every row and point: handles match accounts.models.HANDLE_RE,
    # characters a URL carries unquoted. The chart puts each point's link together
    # (static/js/charts.js), so a lead's thousand points do not carry a thousand links.
    head, tail = reverse("analytics:account-scorecard", args=[membership.team.slug, "~"]).rsplit(
        "~", 1
    )
    tail = f"{tail}?{window_query}"
    chart = None
    if overview.points is not None:
        chart = {"url_head": head, "url_tail": tail, "points": overview.points}
    # Every card of the page is of the window: one reverse() for their review forms too.
    mark_head, mark_tail = reverse(
        "analytics:scorecard-mark-reviewed",
        args=[membership.team.slug, "~", window.days, window.end],
    ).rsplit("~", 1)
    for card in page.object_list:
        card.scorecard_url = f"{head}{card.account.handle}{tail}"
        if not card.unscored:
            card.mark_url = f"{mark_head}{card.account.handle}{mark_tail}"
    any_filter = any(chosen[name] for name in ("kind", "grade", "quadrant", "flag", "search"))
    review_url = reverse("analytics:scorecard-review", args=[membership.team.slug])
    table_url = f"{review_url}?{query.urlencode()}" if query else review_url
    background_ok = membership.is_lead and scorecard_queue.broker_available()
    return {
        "membership": membership,
        "filters": filters,
        "window": window,
        "window_error": window_error,
        "window_query": window_query,
        "page": page,
        "any_filter": any_filter,
        "chart": chart,
        "chart_unchanged_headers": f'{{"{CHART_HEADER}": "{CHART_UNCHANGED}"}}',
        "sort": sort,
        "sort_headers": _sort_headers(query, sort),
        # The page links keep this query; it is request.GET except when a POST re-renders.
        "query": query,
        "review_url": review_url,
        "export_query": _export_query(query, window),
        "table_url": table_url,
        "computed_at": overview.computed_at,
        # Only leads may recompute, so only their pages ask whether Redis answers.
        "background_ok": background_ok,
        "next_url": table_url,
    }


def _window(
    request: HttpRequest,
    membership: Membership,
    filters: WindowForm,
    scope: cards_read.Scope,
) -> Any:
    days, end = filters.window_values()
    if end is None:
        end = selectors.scorecard_default_end(
            user=request.user, membership=membership, days=days, scope=scope
        )
    return windows.window_of(end=end, days=days)


def _unavailable(
    request: HttpRequest,
    membership: Membership,
    *,
    days: int,
    end: date,
    waiting: ScorecardRun | None = None,
) -> HttpResponse:
    query = QueryDict(mutable=True)
    query["days"], query["end"] = str(days), end.isoformat()
    context = review_context(request, membership, query)
    context["background_ok"] = False
    # The recompute asked for is recorded; the sweep queues it when Redis is back.
    context["waiting_run"] = waiting
    if request.htmx:
        return render(request, "analytics/review.html#unavailable", context)
    return render(request, "analytics/review.html", context)


# The table's sortable columns in order: heading, sort name, and whether it holds numbers.
SORT_HEADERS = (
    ("Account", "handle", False),
    ("Kind", "kind", False),
    ("Engagement score", "engagement_score", True),
    ("ROI score", "roi_score", True),
    ("Overall", "overall_score", True),
    ("Grade", "grade", False),
    ("Quadrant", "quadrant", False),
    ("Trend", "trend", True),
    ("Practice", "practice", True),
    ("Flags", "flags", False),
    ("Reviewed", "reviewed", False),
)


def _sort_headers(query: QueryDict, current: str) -> list[dict[str, object]]:
    """Each heading of the table with the query that sorts by its column and its direction."""
    links = _sort_links(query, current)
    return [
        {"label": label, "numeric": numeric, **links[name]} for label, name, numeric in SORT_HEADERS
    ]


def _sort_links(query: QueryDict, current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the query that sorts by it and its current direction."""
    links = sort_links(query, current, ((name, name) for name in cards_read.SORT_COLUMNS))
    return {name: {"query": q, "direction": d} for name, (q, d) in links.items()}


def _export_query(query: QueryDict, window: windows.Window) -> str:
    """The table's filters with its period spelled out, so the file matches the page."""
    params = query.copy()
    params.pop("page", None)
    params["days"] = str(window.days)
    params["end"] = window.end.isoformat()
    return params.urlencode()


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("analytics:scorecard-review", args=[request.membership.team.slug])

"""Connecting accounts to TikTok, syncing them, and the team's list of connections."""

from __future__ import annotations

from urllib.parse import urlsplit
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseStopPolling

from accounts.access import team_view
from accounts.models import Membership
from accounts.selectors import account_get
from connections import selectors
from connections.forms import ConnectForm
from connections.models import Source
from connections.services.connect import (
    ConnectError,
    authorize_url,
    connect_finish,
    connect_start,
    connection_disconnect,
    readiness,
)
from connections.services.sync import SyncBusy, next_nightly_sync, sync_run_start
from lib.htmx import render_partial_for_target

# Rows a page of connections, or of accounts not connected, shows: a team of a thousand
# accounts pays for fifty rows of each, not for every account.
CONNECTIONS_PER_PAGE = 50
NOT_CONNECTED_PER_PAGE = 50


def _not_connected_page(request: HttpRequest, membership: Membership, number: str | None):
    accounts = selectors.accounts_without_connection(user=request.user, membership=membership)
    return Paginator(accounts, NOT_CONNECTED_PER_PAGE).get_page(number)


@require_GET
@vary_on_headers("HX-Request")
@team_view
def connection_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    connections = selectors.connection_list(user=request.user, membership=membership)
    context = {
        "membership": membership,
        "page": Paginator(connections, CONNECTIONS_PER_PAGE).get_page(request.GET.get("page")),
        # The accounts not connected start at their first page; their own list pages on.
        "not_connected": _not_connected_page(request, membership, None),
        "next_sync": next_nightly_sync(),
    }
    return render_partial_for_target(
        request, "connections/connection_list.html", {"connections-table": "table"}, context
    )


@require_GET
@vary_on_headers("HX-Request")
@team_view
def connection_not_connected(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The team's accounts without a connection, a page at a time: the connections page
    swaps its section with these pages; visited directly, it is a page of its own."""
    context = {
        "membership": membership,
        "not_connected": _not_connected_page(request, membership, request.GET.get("page")),
    }
    return render_partial_for_target(
        request, "connections/not_connected.html", {"not-connected": "not-connected"}, context
    )


@require_http_methods(["GET", "POST"])
@team_view(lead_only=True)
def connection_start(
    request: HttpRequest, membership: Membership, handle: str, source: str
) -> HttpResponse:
    account = account_get(user=request.user, membership=membership, handle=handle)
    if source not in Source.values or (source == Source.ADS and account.is_official):
        raise Http404("No such connection for this account.")
    form = ConnectForm(request.POST if request.method == "POST" else None)
    ready = readiness(source)
    if request.method == "POST" and ready.ready and form.is_valid():
        try:
            url = connect_start(
                session=request.session,
                account=account,
                source=source,
                redirect_uri=request.build_absolute_uri(reverse("tiktok-callback")),
                advertiser_id=form.cleaned_data["advertiser_id"],
            )
        except ConnectError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(url)
    context = {
        "membership": membership,
        "account": account,
        "source": Source(source),
        "ready": ready,
        "form": form,
        # Variable names mean something only to whoever runs the server.
        "show_variables": request.user.is_superuser,
        "administrators": selectors.administrator_names() if not ready.ready else [],
    }
    response = render(request, "connections/connect.html", context)
    # The form's answer redirects to TikTok's authorize page: the CSP's form-action
    # covers redirects after a submit, so this page allows that one origin too.
    response._csp_update = {"form-action": [_origin(authorize_url(source))]}
    return response


@require_GET
@team_view
def connection_setup_guide(request: HttpRequest, membership: Membership) -> HttpResponse:
    """docs/tiktok-api.md, for the person who registers the app with TikTok."""
    context = {"membership": membership, "guide": selectors.setup_guide_text()}
    return render(request, "connections/setup_guide.html", context)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@require_GET
def connection_callback(request: HttpRequest) -> HttpResponse:
    try:
        connection = connect_finish(
            session=request.session, user=request.user, params=request.GET.dict()
        )
    except ConnectError as exc:
        return render(request, "connections/callback_error.html", {"error": str(exc)}, status=400)
    account = connection.account
    messages.success(
        request, f"@{account.handle} is connected: it syncs every night, or now with Sync now."
    )
    return redirect("accounts:account-detail", team_slug=account.team.slug, handle=account.handle)


@require_POST
@vary_on_headers("HX-Request")
@team_view(lead_only=True)
def connection_sync(
    request: HttpRequest, membership: Membership, connection_id: UUID
) -> HttpResponse:
    """Queues a sync; htmx gets its progress in place, others its page. A sync already
    queued or running is shown instead of a second one."""
    connection = selectors.connection_get(
        user=request.user, membership=membership, public_id=connection_id
    )
    try:
        run = sync_run_start(connection=connection, requested_by=request.user)
    except SyncBusy as exc:
        run = selectors.active_run(connection=connection)
        if run is None:
            messages.warning(request, str(exc))
            return redirect(
                "accounts:account-detail",
                team_slug=membership.team.slug,
                handle=connection.account.handle,
            )
    if request.htmx:
        context = {"membership": membership, "run": run, "account": connection.account}
        return render(request, "connections/sync_run.html#sync-status", context)
    return redirect(
        "connections:sync-run", team_slug=membership.team.slug, sync_run_id=run.public_id
    )


@require_POST
@team_view(lead_only=True)
def connection_disconnect_view(
    request: HttpRequest, membership: Membership, connection_id: UUID
) -> HttpResponse:
    connection = selectors.connection_get(
        user=request.user, membership=membership, public_id=connection_id
    )
    account = connection.account
    connection_disconnect(connection=connection)
    messages.success(request, f"@{account.handle} was disconnected; its tokens are deleted.")
    return redirect(
        "accounts:account-detail", team_slug=membership.team.slug, handle=account.handle
    )


@require_GET
@vary_on_headers("HX-Request")
@team_view
def sync_run(request: HttpRequest, membership: Membership, sync_run_id: UUID) -> HttpResponse:
    run = selectors.sync_run_get(user=request.user, membership=membership, public_id=sync_run_id)
    context = {"membership": membership, "run": run, "account": run.connection.account}
    if not request.htmx:
        return render(request, "connections/sync_run.html", context)
    html = render_to_string("connections/sync_run.html#sync-status", context, request=request)
    if run.finished:
        return HttpResponseStopPolling(html)
    return HttpResponse(html)

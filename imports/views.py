"""Importing metric files: upload, preview, confirm or discard, and the history of imports."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseStopPolling

from accounts.access import team_view
from accounts.models import Account, Membership
from accounts.selectors import account_get, account_list
from analytics.models import ScorecardRun
from imports import selectors
from imports.forms import ImportUploadForm
from imports.models import ImportRun
from imports.services import imports as services
from imports.services.import_upload import RECOMPUTE_QUEUED
from imports.services.previews import MAX_OPEN_PREVIEWS
from lib.htmx import render_partial_for_target
from lib.urls import import_upload_url

IMPORTS_PER_PAGE = 20


@require_http_methods(["GET", "POST"])
@team_view
def import_upload(request: HttpRequest, membership: Membership) -> HttpResponse:
    account = _chosen_account(request, membership)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = services.import_preview(
            membership=membership,
            user=request.user,
            files=form.uploads(),
            account=account,
            format=form.cleaned_data["format"],
            as_of=form.cleaned_data["as_of"],
            max_bytes=settings.METRICS_MAX_UPLOAD_BYTES,
        )
        if run.previews_discarded:
            count = len(run.previews_discarded)
            messages.info(
                request,
                f"Your {count} oldest upload{'s' if count > 1 else ''} waiting for confirmation "
                f"{'were' if count > 1 else 'was'} discarded: at most "
                f"{MAX_OPEN_PREVIEWS} previews (and {settings.METRICS_PREVIEW_MAX_BYTES // 2**20} "
                "MB of files) wait at a time.",
            )
        return redirect(
            "imports:import-detail", team_slug=membership.team.slug, import_run_id=run.public_id
        )
    action = import_upload_url(membership.team.slug, account.handle if account else None)
    context = {"membership": membership, "account": account, "form": form, "action": action}
    if account is None:
        context["accounts"] = account_list(user=request.user, membership=membership)
    return render(request, "imports/import_upload.html", context)


@require_GET
@team_view
def import_detail(
    request: HttpRequest, membership: Membership, import_run_id: UUID
) -> HttpResponse:
    run = selectors.import_run_get(
        user=request.user, membership=membership, public_id=import_run_id
    )
    return render(request, "imports/import_detail.html", _detail_context(membership, run))


@require_GET
@vary_on_headers("HX-Request")
@team_view
def import_recompute_status(
    request: HttpRequest, membership: Membership, import_run_id: UUID
) -> HttpResponse:
    """The recompute an import started, polled by its page until it says what was updated."""
    run = selectors.import_run_get(
        user=request.user, membership=membership, public_id=import_run_id
    )
    if not request.htmx:
        return redirect(
            "imports:import-detail", team_slug=membership.team.slug, import_run_id=run.public_id
        )
    context = _detail_context(membership, run)
    html = render_to_string("imports/import_detail.html#recompute", context, request=request)
    recompute = run.scorecard_run
    if recompute is None or recompute.status in FINISHED:
        return HttpResponseStopPolling(html)
    return HttpResponse(html)


@require_POST
@team_view
def import_confirm(
    request: HttpRequest, membership: Membership, import_run_id: UUID
) -> HttpResponse:
    run = selectors.import_run_get(
        user=request.user, membership=membership, public_id=import_run_id
    )
    try:
        run = services.import_apply(run=run, user=request.user)
    except services.ImportNotAllowed as exc:
        return _refused(request, membership, run, exc)
    except services.ImportNotConfirmable as exc:
        if run.status in (ImportRun.Status.APPLIED, ImportRun.Status.DISCARDED):
            messages.info(request, str(exc))
            return redirect(
                "imports:import-detail",
                team_slug=membership.team.slug,
                import_run_id=run.public_id,
            )
        context = _detail_context(membership, run)
        context["confirm_error"] = str(exc)
        return render(request, "imports/import_detail.html", context)
    if run.status != ImportRun.Status.APPLIED:
        # The files were checked again and something changed since the preview.
        context = _detail_context(membership, run)
        context["confirm_error"] = (
            "Nothing was imported: the files no longer pass the checks (see below)."
        )
        return render(request, "imports/import_detail.html", context)
    return redirect(
        "imports:import-detail", team_slug=membership.team.slug, import_run_id=run.public_id
    )


@require_POST
@team_view
def import_discard(
    request: HttpRequest, membership: Membership, import_run_id: UUID
) -> HttpResponse:
    run = selectors.import_run_get(
        user=request.user, membership=membership, public_id=import_run_id
    )
    try:
        services.import_discard(run=run, user=request.user)
    except services.ImportNotAllowed as exc:
        return _refused(request, membership, run, exc)
    except services.ImportNotConfirmable as exc:
        messages.info(request, str(exc))
        return redirect(
            "imports:import-detail", team_slug=membership.team.slug, import_run_id=run.public_id
        )
    messages.success(request, "The upload was discarded; nothing was imported.")
    return redirect("imports:import-list", team_slug=membership.team.slug)


@require_GET
@vary_on_headers("HX-Request")
@team_view
def import_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    runs = selectors.import_run_list(user=request.user, membership=membership)
    page = Paginator(runs, IMPORTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"membership": membership, "page": page}
    return render_partial_for_target(
        request, "imports/import_list.html", {"imports-table": "table"}, context
    )


def _refused(
    request: HttpRequest, membership: Membership, run: ImportRun, exc: Exception
) -> HttpResponse:
    """The run's page, saying why the user's rights no longer allow this; nothing changed."""
    context = _detail_context(membership, run)
    context["confirm_error"] = str(exc)
    context["can_confirm"] = False
    return render(request, "imports/import_detail.html", context, status=403)


def _chosen_account(request: HttpRequest, membership: Membership) -> Account | None:
    """The account of ?account=<handle>: 404 unless the user may see it in this team."""
    handle = request.GET.get("account", "").strip()
    if not handle:
        return None
    return account_get(user=request.user, membership=membership, handle=handle.removeprefix("@"))


# An error a setting causes, and the page where a lead changes that setting.
CURRENCY_ERROR = re.compile(r"@(?P<handle>[a-z0-9_.]+)'s currency (?P<currency>[A-Z]{3})")


def _error_groups(membership: Membership, run: ImportRun) -> list[dict[str, str]]:
    """The errors grouped by kind, each with a link to what fixes its cause where known."""
    groups = []
    for text in run.details.get("error_groups") or []:
        group = {"text": text, "fix_url": "", "fix_label": ""}
        match = CURRENCY_ERROR.search(text)
        if match and membership.is_lead:
            handle = match["handle"]
            group["fix_url"] = reverse("accounts:account-edit", args=[membership.team.slug, handle])
            group["fix_label"] = f"Change @{handle}'s currency in its settings"
        elif match:
            group["fix_label"] = (
                f"A lead of {membership.team.name} can change @{match['handle']}'s currency."
            )
        groups.append(group)
    return groups


FINISHED = (ScorecardRun.Status.DONE, ScorecardRun.Status.FAILED)


def _detail_context(membership: Membership, run: ImportRun) -> dict[str, Any]:
    shown = len(run.errors)
    recompute = run.scorecard_run
    return {
        "recompute": recompute,
        # The queued-recompute sentence is replaced by the live status; others stay.
        "outcome": "" if run.message == RECOMPUTE_QUEUED else run.message,
        "recompute_polls": recompute is not None and recompute.status not in FINISHED,
        "error_groups": _error_groups(membership, run),
        "warnings": run.details.get("warnings") or [],
        "membership": membership,
        "run": run,
        "rows": run.rows_created + run.rows_updated + run.rows_unchanged,
        "more_errors": max(run.error_count - shown, 0),
        "can_confirm": run.status == ImportRun.Status.PREVIEW and not run.error_count,
        "files": run.details.get("files", []),
    }

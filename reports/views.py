"""Reports of an account and of a team over any period, on screen, in print and as PDF;
and the read-only links that share one report with people outside the product."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.access import team_view
from accounts.models import TARGET_FIELDS, Account, Membership
from accounts.selectors import account_get
from reports import shares
from reports.forms import ReportPeriodForm, ShareLinkForm
from reports.pdf import pdf_response
from reports.periods import ReportPeriod
from reports.selectors import accounts as account_reports
from reports.selectors import teams as team_reports
from reports.services import share_link_create, share_link_revoke

SHARES_PER_PAGE = 25
NOINDEX = "noindex, nofollow"
# A handle that stands for every handle in one reversed URL.
ACCOUNT = "handle"
# What a team report reads of each account.
REPORTED_FIELDS = ("team_id", "handle", "kind", "verified", "currency", *TARGET_FIELDS)


@require_GET
@team_view
def account_report(request: HttpRequest, membership: Membership, handle: str) -> HttpResponse:
    account = account_get(user=request.user, membership=membership, handle=handle)
    form = ReportPeriodForm(request.GET or None)
    period = form.period()
    context = {
        "membership": membership,
        "account": account,
        "report": account_reports.account_report(account=account, period=period),
        "period_form": ReportPeriodForm.showing(period),
        "period_error": form.period_error(),
        "share_form": ShareLinkForm.for_period(period, account.handle),
    }
    return _answer(request, "reports/account_report.html", context, f"{account.handle}-report")


@require_GET
@team_view
def team_report(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = ReportPeriodForm(request.GET or None)
    period = form.period()
    context = {
        "membership": membership,
        "report": team_reports.team_report(
            team=membership.team, accounts=_team_accounts(request, membership), period=period
        ),
        "period_form": ReportPeriodForm.showing(period),
        "period_error": form.period_error(),
        "share_form": ShareLinkForm.for_period(period),
        # Each row links to its account's report: one URL reversed for all of them (a
        # reverse per row cost more than the rest of the row).
        "account_url_start": reverse(
            "reports:account-report", args=[membership.team.slug, ACCOUNT]
        ).removesuffix(f"{ACCOUNT}/report/"),
    }
    return _answer(request, "reports/team_report.html", context, f"{membership.team.slug}-report")


@require_POST
@team_view(lead_only=True)
def share_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = ShareLinkForm(request.POST)
    handle = str(request.POST.get("account", ""))[:30]
    # Another team's account (or none of that name) is a 404 before anything is checked.
    account = (
        account_get(user=request.user, membership=membership, handle=handle) if handle else None
    )
    if not form.is_valid():
        return render(
            request,
            "reports/share_form.html",
            {"membership": membership, "form": form, "account": account},
        )
    data = form.cleaned_data
    period = ReportPeriod(start=data["start"], end=data["end"], compare=data["compare"])
    link, token = share_link_create(
        user=request.user,
        team=membership.team,
        account=account,
        period=period,
        expires_on=data["expires_on"],
    )
    url = request.build_absolute_uri(reverse("shared-report", args=[token]))
    return render(
        request, "reports/share_created.html", {"membership": membership, "link": link, "url": url}
    )


@require_GET
@team_view(lead_only=True)
def share_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    links = shares.share_link_list(user=request.user, membership=membership)
    page = Paginator(links, SHARES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/share_list.html", {"membership": membership, "page": page})


@require_POST
@team_view(lead_only=True)
def share_revoke(request: HttpRequest, membership: Membership, share_id: UUID) -> HttpResponse:
    link = shares.share_link_get(user=request.user, membership=membership, public_id=share_id)
    if share_link_revoke(user=request.user, link=link):
        messages.success(request, "The link is revoked: it no longer shows the report.")
    return redirect("reports:share-list", membership.team.slug)


@login_not_required
@require_GET
def shared_report(request: HttpRequest, token: str) -> HttpResponse:
    """One shared report, to anyone with the link; 410 once it is revoked or expired."""
    link = shares.share_link_find(token=token)
    if link is None:
        raise Http404("No such report.")
    state = shares.share_link_state(link)
    if state != shares.ACTIVE:
        response = render(request, "reports/share_gone.html", {"state": state}, status=410)
        return _private(response)
    period = ReportPeriod(start=link.start, end=link.end, compare=link.compare)
    context: dict[str, Any] = {"shared": True, "shared_until": link.expires_on, "link": link}
    if link.account_id:
        context["account"] = link.account
        context["report"] = account_reports.account_report(account=link.account, period=period)
        template, name = "reports/account_report.html", f"{link.account.handle}-report"
    else:
        accounts = list(Account.objects.filter(team=link.team).active().order_by("handle"))
        context["report"] = team_reports.team_report(
            team=link.team, accounts=accounts, period=period
        )
        template, name = "reports/team_report.html", f"{link.team.slug}-report"
    return _private(_answer(request, template, context, name))


def _team_accounts(request: HttpRequest, membership: Membership) -> list[Account]:
    # A manager's team report covers the accounts they manage, as every team page does.
    # Only what the report reads of an account (its row, its scoring, its currency): a
    # thousand accounts' other columns cost more to load than their query.
    return list(
        Account.objects.visible_to(request.user, membership)
        .active()
        .order_by("handle")
        .only(*REPORTED_FIELDS)
    )


def _private(response: HttpResponse) -> HttpResponse:
    # A shared report is for the people it was sent to: not indexed, not cached on the
    # way, and its address (the token) is not passed on as a referrer.
    response["X-Robots-Tag"] = NOINDEX
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _answer(
    request: HttpRequest, template: str, context: dict[str, Any], name: str
) -> HttpResponse:
    # ?format=pdf downloads the same report as a PDF file.
    if request.GET.get("format") == "pdf":
        period = context["report"].period
        return pdf_response(
            request,
            template,
            {**context, "as_pdf": True},
            filename=f"{name}-{period.start.isoformat()}-{period.end.isoformat()}.pdf",
        )
    return render(request, template, context)

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts import selectors, services
from accounts.access import rights_held, team_view
from accounts.forms import AccountFilterForm, AccountForm, target_initial
from accounts.models import Kind, Membership
from lib.htmx import render_partial_for_target

ACCOUNTS_PER_PAGE = 50


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    first = selectors.membership_list(user=request.user).first()
    if first:
        return redirect("accounts:team-home", team_slug=first.team.slug)
    return render(request, "accounts/no_team.html")


@require_GET
@vary_on_headers("HX-Request")
@team_view
def team_home(request: HttpRequest, membership: Membership) -> HttpResponse:
    filters = AccountFilterForm(request.GET)
    filters.is_valid()
    accounts = selectors.account_list(
        user=request.user,
        membership=membership,
        kind=filters.cleaned_data.get("kind", ""),
        search=filters.cleaned_data.get("q", ""),
    )
    page = Paginator(accounts, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "membership": membership,
        "filters": filters,
        "page": page,
    }
    return render_partial_for_target(
        request, "accounts/team_home.html", {"accounts-table": "accounts-table"}, context
    )


@require_http_methods(["GET", "POST"])
@team_view(lead_only=True)
def account_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = AccountForm(
        request.POST or None, membership=membership, initial={"kind": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        managers = data.pop("managers")
        targets = {name: data.pop(name) for name in list(data) if name.startswith("target_")}
        try:
            with rights_held(user=request.user, team=membership.team, lead_only=True):
                account = services.account_create(
                    team=membership.team, managers=managers, targets=targets, **data
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"@{account.handle} was added.")
            return redirect(
                "accounts:account-detail", team_slug=membership.team.slug, handle=account.handle
            )
    return render(request, "accounts/account_form.html", {"membership": membership, "form": form})


@require_http_methods(["GET", "POST"])
@team_view(lead_only=True)
def account_edit(request: HttpRequest, membership: Membership, handle: str) -> HttpResponse:
    account = selectors.account_get(
        user=request.user, membership=membership, handle=handle, with_managers=True
    )
    form = AccountForm(request.POST or None, instance=account, membership=membership)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        managers = data.pop("managers")
        try:
            with rights_held(user=request.user, team=membership.team, lead_only=True):
                services.account_update(account=account, managers=managers, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"@{account.handle} was saved.")
            return redirect(
                "accounts:account-detail", team_slug=membership.team.slug, handle=account.handle
            )
    context = {"membership": membership, "form": form, "account": account}
    return render(request, "accounts/account_form.html", context)


@require_GET
@team_view(lead_only=True)
def account_form_defaults(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The parts of the account form that follow the kind: default targets, goal warning."""
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else Kind.OFFICIAL
    initial = {
        "kind": kind,
        "primary_goal": request.GET.get("primary_goal", ""),
        **target_initial(kind),
    }
    form = AccountForm(membership=membership, initial=initial)
    if request.GET.get("part") == "goal":
        return render(request, "accounts/account_form.html#goal-warning", {"form": form})
    return render(request, "accounts/account_form.html#targets", {"form": form, "oob_goal": True})


@require_GET
@team_view
def account_detail(request: HttpRequest, membership: Membership, handle: str) -> HttpResponse:
    account = selectors.account_get(
        user=request.user, membership=membership, handle=handle, with_managers=True
    )
    context = {"membership": membership, "account": account}
    return render(request, "accounts/account_detail.html", context)


@require_POST
@team_view(lead_only=True)
def account_archive(request: HttpRequest, membership: Membership, handle: str) -> HttpResponse:
    account = selectors.account_get(user=request.user, membership=membership, handle=handle)
    archived = request.POST.get("archived", "1") == "1"
    with rights_held(user=request.user, team=membership.team, lead_only=True):
        services.account_set_archived(account=account, archived=archived)
    verb = "archived" if archived else "restored"
    messages.success(request, f"@{account.handle} was {verb}.")
    return redirect(
        "accounts:account-detail", team_slug=membership.team.slug, handle=account.handle
    )


@require_GET
@team_view(lead_only=True)
def member_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    members = selectors.member_list(membership=membership)
    return render(request, "accounts/members.html", {"membership": membership, "members": members})

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts import selectors, services
from accounts.access import rights_held, team_view
from accounts.forms import (
    AccountFilterForm,
    AccountForm,
    InvitationForm,
    JoinForm,
    RoleForm,
    target_initial,
)
from accounts.home import team_home_view
from accounts.models import INVITATION_DAYS, Kind, Membership, Role
from lib.htmx import render_partial_for_target

ACCOUNTS_PER_PAGE = 50


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    memberships = selectors.membership_list(user=request.user)
    if memberships:
        return redirect("accounts:team-home", team_slug=memberships[0].team.slug)
    return render(request, "accounts/no_team.html")


@require_GET
@vary_on_headers("HX-Request")
@team_view
def team_home(request: HttpRequest, membership: Membership) -> HttpResponse:
    """What needs attention when an app provides it (accounts.home), else the accounts."""
    view = team_home_view()
    if view is not None:
        return view(request, membership)
    return _account_list(request, membership)


@require_GET
@vary_on_headers("HX-Request")
@team_view
def account_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _account_list(request, membership)


def _account_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    filters = AccountFilterForm(request.GET)
    filters.is_valid()
    accounts = selectors.account_list(
        user=request.user,
        membership=membership,
        kind=filters.cleaned_data.get("kind", ""),
        search=filters.cleaned_data.get("q", ""),
        manager=filters.cleaned_data.get("manager", ""),
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
    account, managers = selectors.account_with_managers_get(
        user=request.user, membership=membership, handle=handle
    )
    context = {"membership": membership, "account": account, "managers": managers}
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


def _members_page(
    request: HttpRequest, membership: Membership, invite_form: InvitationForm | None = None
) -> HttpResponse:
    context = {
        "membership": membership,
        "members": selectors.member_list(membership=membership),
        "invitations": selectors.invitation_list(membership=membership),
        "invite_form": invite_form or InvitationForm(),
        "roles": Role.choices,
        "invitation_days": INVITATION_DAYS,
    }
    return render(request, "accounts/members.html", context)


@require_GET
@team_view(lead_only=True)
def member_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _members_page(request, membership)


@require_POST
@team_view(lead_only=True)
def member_invite(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            with rights_held(user=request.user, team=membership.team, lead_only=True):
                invitation = services.invitation_create(
                    team=membership.team, invited_by=request.user, **form.cleaned_data
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        except OSError as exc:
            # SMTP refusals and unreachable mail servers: nothing was recorded.
            form.add_error(None, f"The invitation could not be mailed ({exc}); try again.")
        else:
            messages.success(request, f"An invitation was mailed to {invitation.email}.")
            return redirect("accounts:member-list", team_slug=membership.team.slug)
    return _members_page(request, membership, invite_form=form)


@require_POST
@team_view(lead_only=True)
def member_role(request: HttpRequest, membership: Membership, username: str) -> HttpResponse:
    member = selectors.member_get(membership=membership, username=username)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose lead or manager.")
    else:
        try:
            with rights_held(user=request.user, team=membership.team, lead_only=True):
                member = services.member_set_role(membership=member, role=form.cleaned_data["role"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{member.user} is now {member.get_role_display().lower()}.")
    return redirect("accounts:member-list", team_slug=membership.team.slug)


@require_POST
@team_view(lead_only=True)
def member_remove(request: HttpRequest, membership: Membership, username: str) -> HttpResponse:
    member = selectors.member_get(membership=membership, username=username)
    try:
        with rights_held(user=request.user, team=membership.team, lead_only=True):
            services.member_remove(membership=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{member.user} was removed from {membership.team.name}.")
        if member.user_id == request.user.pk:
            return redirect("home")
    return redirect("accounts:member-list", team_slug=membership.team.slug)


@require_POST
@team_view(lead_only=True)
def invitation_revoke(
    request: HttpRequest, membership: Membership, invitation_id: str
) -> HttpResponse:
    invitation = selectors.invitation_get(membership=membership, public_id=invitation_id)
    with rights_held(user=request.user, team=membership.team, lead_only=True):
        services.invitation_revoke(invitation=invitation)
    messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("accounts:member-list", team_slug=membership.team.slug)


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Where an invitation's link leads: join as the signed-in user, or as a new one."""
    invitation = selectors.invitation_from_token(token)
    form = None
    if invitation is not None and not request.user.is_authenticated:
        form = JoinForm(request.POST or None)
    if invitation is not None and request.method == "POST":
        try:
            if form is None:
                services.invitation_accept(invitation=invitation, user=request.user)
            elif form.is_valid():
                user = services.user_create_for_invitation(
                    invitation=invitation,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                )
                # The last backend is the one that checks passwords (the first is axes').
                login(request, user, backend=settings.AUTHENTICATION_BACKENDS[-1])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("home")
        if request.user.is_authenticated:
            messages.success(request, f"Welcome to {invitation.team.name}.")
            return redirect("accounts:team-home", team_slug=invitation.team.slug)
    context = {"invitation": invitation, "form": form, "token": token}
    return render(request, "accounts/invitation_accept.html", context)

"""The team's API keys page, for leads: make a key (shown once), revoke one, see them all."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import rights_held, team_view
from accounts.models import Membership
from api import caps, selectors, services
from api.forms import ApiKeyForm


@require_http_methods(["GET", "POST"])
@team_view(lead_only=True)
def api_key_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = ApiKeyForm(request.POST or None, membership=membership)
    secret = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with rights_held(user=request.user, team=membership.team, lead_only=True):
                api_key, secret = services.api_key_create(
                    team=membership.team,
                    name=data["name"],
                    created_by=request.user,
                    accounts=data["accounts"],
                    expires_at=data["expires_on"],
                    hourly_cap=data["hourly_cap"],
                )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            form = ApiKeyForm(membership=membership)
    context = {
        "membership": membership,
        "form": form,
        "secret": secret,
        "api_keys": selectors.api_key_list(team=membership.team),
        "default_cap": caps.cap_of(None),
    }
    response = render(request, "api/api_keys.html", context)
    # The page may carry a new key's secret: no cache may keep it.
    add_never_cache_headers(response)
    response["Cache-Control"] += ", no-store"
    return response


@require_POST
@team_view(lead_only=True)
def api_key_revoke(request: HttpRequest, membership: Membership, api_key_id: UUID) -> HttpResponse:
    api_key = selectors.api_key_get(team=membership.team, public_id=api_key_id)
    with rights_held(user=request.user, team=membership.team, lead_only=True):
        services.api_key_revoke(api_key=api_key)
    messages.success(request, f"The key “{api_key.name}” was revoked; it no longer works.")
    return redirect("apikeys:api-key-list", team_slug=membership.team.slug)

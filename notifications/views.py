"""Needs attention (the team's home page), the profile page, digests and alerts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Membership
from lib.dates import this_week
from notifications import selectors, services
from notifications.forms import ProfileForm


def needs_attention(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The team's home page, called by accounts.views.team_home (login, team and GET
    are checked there): each line says what is wrong and links to the page that fixes it."""
    attention = selectors.attention_get(user=request.user, membership=membership)
    context = {"membership": membership, "attention": attention}
    return render(request, "notifications/needs_attention.html", context)


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    initial = {"email": request.user.email, "digest": services.digest_frequency_of(request.user)}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Your profile was saved.")
            return redirect("notifications:profile")
    return render(request, "notifications/profile.html", {"form": form})


@require_POST
def digest_preview(request: HttpRequest) -> HttpResponse:
    try:
        sent = services.digest_send_preview(user=request.user, week_start=this_week())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if sent:
            messages.success(request, f"A preview of your digest was sent to {request.user.email}.")
        else:
            messages.info(request, "You are in no team yet, so there is no digest to preview.")
    return redirect("notifications:profile")


# One-click unsubscribe (RFC 8058): the mail client POSTs "List-Unsubscribe=One-Click" to
# the List-Unsubscribe URL with no cookies and no CSRF token, so that POST must be exempt
# from CSRF. It is safe: the signed token in the URL is the credential, and the only thing
# it can do is turn its own user's digest off. A GET only shows a confirmation button, so
# link scanners that follow URLs unsubscribe nobody.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user = services.unsubscribe_user(token)
    if user is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        services.digest_unsubscribe(user=user)
        return render(request, "notifications/unsubscribe.html", {"done": True})
    return render(request, "notifications/unsubscribe.html", {"token": token})

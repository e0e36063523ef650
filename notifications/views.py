"""Needs attention (the team's home page), the profile page, digests and alerts."""

from __future__ import annotations

import logging
import smtplib
from uuid import UUID

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import rights_held, team_view
from accounts.models import Membership
from accounts.selectors import team_users
from lib.dates import monday_of, this_week
from notifications import alerts, selectors, services
from notifications.forms import AlertSettingsForm, ProfileForm, WebhookForm
from notifications.models import Webhook
from strategy.selectors import week_progress

logger = logging.getLogger(__name__)


def needs_attention(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The team's home page, called by accounts.views.team_home (login, team and GET
    are checked there): each line says what is wrong and links to the page that fixes it."""
    # A manager lands on their week: each account's checklist progress (the stored
    # figures), then the lines (whose checklists behind come from the same rows). A lead's
    # team may hold thousands of accounts: the lines alone, each topic read bounded.
    today = timezone.localdate()
    week = None
    if not membership.is_lead:
        accounts = selectors.attention_accounts(user=request.user, membership=membership)
        week = week_progress(accounts=accounts, week_start=monday_of(today))
    attention = selectors.attention_get(
        user=request.user, membership=membership, today=today, week=week
    )
    context = {"membership": membership, "attention": attention, "week": week}
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
    except (OSError, smtplib.SMTPException):
        logger.exception("A digest preview to %s could not be sent", request.user.email)
        messages.error(request, "The mail server could not be reached; try again later.")
    else:
        if sent:
            messages.success(request, f"A preview of your digest was sent to {request.user.email}.")
        else:
            messages.info(request, "You are in no team yet, so there is no digest to preview.")
    return redirect("notifications:profile")


# The e-mail's HTML keeps its styles inline (mail clients drop style sheets), so this one
# page allows inline styles; it has no script, and everything in it is escaped.
@csp_update({"style-src": ["'unsafe-inline'"]})
@require_GET
def digest_view(request: HttpRequest) -> HttpResponse:
    """This week's digest of the user's team (?team=<slug>, else the first) as it is mailed."""
    memberships = Membership.objects.of(request.user).select_related("team").order_by("team__name")
    slug = request.GET.get("team", "")
    if slug:
        if not slug_re.match(slug):
            raise Http404("You are in no such team.")
        memberships = memberships.filter(team__slug=slug)
    membership = memberships.first()
    if membership is None:
        raise Http404("You are in no such team.")
    context = services.digest_context(
        user=request.user, membership=membership, week_start=this_week()
    )
    return render(request, "notifications/email/digest.html", context)


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


# -- alerts (a lead's page) --


def _alerts_page(
    request: HttpRequest,
    membership: Membership,
    *,
    settings_form: AlertSettingsForm | None = None,
    webhook_form: WebhookForm | None = None,
    new_secret: tuple[Webhook, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    current = selectors.alert_settings_get(membership=membership)
    members = team_users(membership=membership)
    if settings_form is None:
        initial = {"conditions": current["conditions"], "recipients": current["recipients"]}
        settings_form = AlertSettingsForm(initial=initial, members=members)
    context = {
        "membership": membership,
        "settings_form": settings_form,
        "webhook_form": webhook_form or WebhookForm(initial={"format": Webhook.Format.SLACK}),
        "webhooks": current["webhooks"],
        "events": current["events"],
        "deliveries": Paginator(current["deliveries"], 20).get_page(request.GET.get("page")),
        "new_secret": new_secret,
    }
    return render(request, "notifications/alerts.html", context, status=status)


@require_http_methods(["GET", "POST"])
@team_view(lead_only=True)
def alert_settings(request: HttpRequest, membership: Membership) -> HttpResponse:
    if request.method == "GET":
        return _alerts_page(request, membership)
    form = AlertSettingsForm(request.POST, members=team_users(membership=membership))
    if form.is_valid():
        try:
            with rights_held(user=request.user, team=membership.team, lead_only=True):
                alerts.alert_settings_update(
                    team=membership.team,
                    conditions=form.cleaned_data["conditions"],
                    recipients=list(form.cleaned_data["recipients"]),
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The team's alerts were saved.")
            return redirect("notifications:alerts", team_slug=membership.team.slug)
    return _alerts_page(request, membership, settings_form=form)


@require_POST
@team_view(lead_only=True)
def webhook_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            with rights_held(user=request.user, team=membership.team, lead_only=True):
                webhook = alerts.webhook_create(team=membership.team, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("url", exc)
        else:
            # The secret is shown on this response only; later pages never show it.
            return _alerts_page(request, membership, new_secret=(webhook, webhook.secret))
    return _alerts_page(request, membership, webhook_form=form)


@require_POST
@team_view(lead_only=True)
def webhook_rotate(request: HttpRequest, membership: Membership, webhook_id: UUID) -> HttpResponse:
    webhook = selectors.webhook_get(membership=membership, public_id=webhook_id)
    with rights_held(user=request.user, team=membership.team, lead_only=True):
        webhook = alerts.webhook_rotate(webhook=webhook)
    return _alerts_page(request, membership, new_secret=(webhook, webhook.secret))


@require_POST
@team_view(lead_only=True)
def webhook_delete(request: HttpRequest, membership: Membership, webhook_id: UUID) -> HttpResponse:
    webhook = selectors.webhook_get(membership=membership, public_id=webhook_id)
    with rights_held(user=request.user, team=membership.team, lead_only=True):
        alerts.webhook_delete(webhook=webhook)
    messages.success(request, f"The webhook to {webhook.url} was removed.")
    return redirect("notifications:alerts", team_slug=membership.team.slug)

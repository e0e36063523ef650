"""Leads edit their team's checklist templates: add, reword, reorder and retire items.

Changes apply from the current week on; past weeks keep the items they had.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.access import rights_held, team_view
from accounts.models import Kind, Membership
from strategy import selectors, services
from strategy.forms import ChecklistItemEditForm, ChecklistItemForm
from strategy.models import ChecklistTemplate


@require_GET
@team_view(lead_only=True)
def template_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    services.templates_ensure(team=membership.team)
    summaries = selectors.template_list(membership=membership)
    return render(
        request, "strategy/templates.html", {"membership": membership, "summaries": summaries}
    )


def _template(request: HttpRequest, membership: Membership, kind: str) -> ChecklistTemplate:
    if kind not in Kind.values:
        raise Http404("Checklists are for official or marketing accounts.")
    services.templates_ensure(team=membership.team)
    return selectors.template_get(user=request.user, membership=membership, kind=kind)


def _editor(
    request: HttpRequest,
    membership: Membership,
    template: ChecklistTemplate,
    form: ChecklistItemForm | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {
        "membership": membership,
        "template": template,
        "editor": selectors.template_items(template=template),
        "form": form or ChecklistItemForm(),
    }
    name = "strategy/template_detail.html"
    if request.htmx:
        name += "#template-editor"
    return render(request, name, context)


@require_GET
@vary_on_headers("HX-Request")
@team_view(lead_only=True)
def template_detail(
    request: HttpRequest, membership: Membership, template_kind: str
) -> HttpResponse:
    return _editor(request, membership, _template(request, membership, template_kind))


@require_POST
@vary_on_headers("HX-Request")
@team_view(lead_only=True)
def item_create(request: HttpRequest, membership: Membership, template_kind: str) -> HttpResponse:
    template = _template(request, membership, template_kind)
    form = ChecklistItemForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with rights_held(user=request.user, team=membership.team, lead_only=True):
                item = services.item_create(
                    template=template,
                    practice_name=data["practice"],
                    title=data["title"],
                    help_text=data["help_text"],
                    cadence=data["cadence"],
                    evidence_rule=data["evidence_rule"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not request.htmx:
                messages.success(request, f"“{item.title}” was added from this week on.")
                return redirect("strategy:checklist-template", membership.team.slug, template.kind)
            form = None
    return _editor(request, membership, template, form)


@require_http_methods(["GET", "POST"])
@team_view(lead_only=True)
def item_edit(request: HttpRequest, membership: Membership, item_id: UUID) -> HttpResponse:
    item = selectors.item_get(user=request.user, membership=membership, item_id=item_id)
    initial = {"practice": item.practice.name, "title": item.title, "help_text": item.help_text}
    form = ChecklistItemEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with rights_held(user=request.user, team=membership.team, lead_only=True):
                services.item_update(
                    item=item,
                    practice_name=form.cleaned_data["practice"],
                    title=form.cleaned_data["title"],
                    help_text=form.cleaned_data["help_text"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"“{item.title}” was saved.")
            return redirect(
                "strategy:checklist-template", membership.team.slug, item.practice.template.kind
            )
    template = item.practice.template
    context = {
        "membership": membership,
        "item": item,
        "template": template,
        "form": form,
        "practice_names": selectors.template_items(template=template).practice_names,
    }
    return render(request, "strategy/item_form.html", context)


@require_POST
@vary_on_headers("HX-Request")
@team_view(lead_only=True)
def item_move(request: HttpRequest, membership: Membership, item_id: UUID) -> HttpResponse:
    item = selectors.item_get(user=request.user, membership=membership, item_id=item_id)
    try:
        with rights_held(user=request.user, team=membership.team, lead_only=True):
            services.item_move(item=item, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    template = item.practice.template
    if request.htmx:
        return _editor(request, membership, template)
    return redirect("strategy:checklist-template", membership.team.slug, template.kind)


@require_POST
@team_view(lead_only=True)
def item_retire(request: HttpRequest, membership: Membership, item_id: UUID) -> HttpResponse:
    item = selectors.item_get(user=request.user, membership=membership, item_id=item_id)
    with rights_held(user=request.user, team=membership.team, lead_only=True):
        services.item_retire(item=item)
    messages.success(
        request,
        f"“{item.title}” was retired: it leaves this week's checklists, past weeks keep it.",
    )
    return redirect(
        "strategy:checklist-template", membership.team.slug, item.practice.template.kind
    )

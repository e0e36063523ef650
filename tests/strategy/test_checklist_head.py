"""The checklist page's head (breadcrumb, heading, links) and its week navigation, written
by the checklist_head and week_nav tags, are byte for byte what the page's template wrote
(kept here as the reference)."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.template import RequestContext, engines
from django.test import RequestFactory

from strategy.periods import week_label
from strategy.templatetags.checklist_items import checklist_head, week_nav

HEAD = """{% load playbook %}<nav aria-label="breadcrumb"><ol class="breadcrumb"><li class="breadcrumb-item"><a href="{% url 'accounts:account-list' membership.team.slug %}">Accounts</a></li><li class="breadcrumb-item"><a href="{% url 'accounts:account-detail' membership.team.slug account.handle %}">@{{ account.handle }}</a></li><li class="breadcrumb-item active" aria-current="page">Checklist</li></ol></nav>
<div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-2">
  <h1 class="h3 mb-0">@{{ account.handle }}: best practices {% include "includes/kind_badge.html" %}</h1>
  <div class="d-flex flex-wrap gap-2">
    <a class="btn btn-outline-secondary btn-sm" href="{% url 'strategy:checklist-history' membership.team.slug account.handle %}">History</a>
    {% if membership.is_lead %}<a class="btn btn-outline-secondary btn-sm" href="{% url 'strategy:checklist-template' membership.team.slug account.kind %}">Edit the {{ account.get_kind_display|lower }} checklist</a>{% endif %}
  </div>
</div>"""  # noqa: E501

NAV = """<nav class="pb-week-nav d-flex flex-wrap align-items-center gap-2 my-3" aria-label="Weeks">
    {% url 'strategy:checklist' membership.team.slug account.handle as checklist_url %}
    {% querystring week=previous_week as previous_query %}{% querystring week=next_week as next_query %}
    <a class="btn btn-sm btn-outline-primary" href="{{ checklist_url }}{{ previous_query }}" hx-get="{{ checklist_url }}{{ previous_query }}" hx-target="#checklist-week" hx-swap="outerHTML" hx-push-url="true"><span aria-hidden="true">←</span> Week before<span class="visually-hidden"> ({{ previous_week }})</span></a>
    <h2 class="h5 mb-0 px-2">{% if is_current %}This week{% else %}Week {{ week_label }}{% endif %} <span class="text-body-secondary fw-normal small">{{ week|date:"j M" }} – {{ week_end|date:"j M Y" }}</span></h2>
    {% if next_week %}<a class="btn btn-sm btn-outline-primary" href="{{ checklist_url }}{{ next_query }}" hx-get="{{ checklist_url }}{{ next_query }}" hx-target="#checklist-week" hx-swap="outerHTML" hx-push-url="true">Week after<span class="visually-hidden"> ({{ next_week }})</span> <span aria-hidden="true">→</span></a>
    <a class="btn btn-sm btn-link" href="{{ checklist_url }}">This week</a>{% endif %}
  </nav>"""  # noqa: E501


def account(handle: str, kind: str, verified: bool) -> SimpleNamespace:
    labels = {"official": "Official", "marketing": "Marketing"}
    return SimpleNamespace(
        handle=handle, kind=kind, verified=verified, get_kind_display=lambda: labels[kind]
    )


@pytest.mark.parametrize("lead", [True, False])
@pytest.mark.parametrize(("kind", "verified"), [("official", True), ("marketing", False)])
@pytest.mark.parametrize("handle", ["shop.co_1", "a"])
def test_the_head_is_what_the_template_wrote(
    lead: bool, kind: str, verified: bool, handle: str
) -> None:
    context = {
        "membership": SimpleNamespace(is_lead=lead, team=SimpleNamespace(slug="acme-1")),
        "account": account(handle, kind, verified),
    }
    request = RequestFactory().get("/")
    expected = engines["django"].from_string(HEAD).render(context, request)

    assert checklist_head(RequestContext(request, context)) == expected


@pytest.mark.parametrize("query", ["", "?week=2025-W10", "?week=2025-W10&x=<a>&x=b"])
@pytest.mark.parametrize("weeks_ago", [0, 1, 30])
def test_the_week_navigation_is_what_the_template_wrote(query: str, weeks_ago: int) -> None:
    this_week = date(2025, 3, 24)
    week = this_week - timedelta(weeks=weeks_ago)
    context = {
        "membership": SimpleNamespace(is_lead=True, team=SimpleNamespace(slug="acme-1")),
        "account": account("shop.co_1", "official", True),
        "week": week,
        "week_end": week + timedelta(days=6),
        "week_label": week_label(week),
        "is_current": weeks_ago == 0,
        "previous_week": week_label(week - timedelta(weeks=1)),
        "next_week": week_label(week + timedelta(weeks=1)) if weeks_ago else "",
    }
    request = RequestFactory().get(f"/t/acme-1/a/shop.co_1/checklist/{query}")
    expected = engines["django"].from_string(NAV).render(context, request)

    assert week_nav(RequestContext(request, context)) == expected

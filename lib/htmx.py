"""htmx helpers shared by the apps' views (django-htmx sets `request.htmx`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_partial_for_target(
    request: HttpRequest,
    template: str,
    partials: dict[str, str],
    context: dict[str, Any],
    **kwargs: Any,
) -> HttpResponse:
    """The page, or only its partial for the element an htmx request targets.

    `partials` maps the id htmx swaps into (its HX-Target header) to a partial of
    `template`: {"scorecards-table": "table"} renders "analytics/review.html#table" when
    htmx asks for #scorecards-table. Any other request gets the whole page, so a view
    using this varies on HX-Request.
    """
    target = request.htmx.target if request.htmx else None
    partial = partials.get(target) if target else None
    name = f"{template}#{partial}" if partial else template
    return render(request, name, context, **kwargs)

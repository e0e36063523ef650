"""htmx helpers shared by the apps' views (django-htmx sets `request.htmx`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import reswap, retarget

# The region of base.html where errors of htmx requests show; see htmx_error.
ERROR_REGION = "#htmx-errors"


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


def htmx_error(request: HttpRequest, message: str, *, back_url: str = "") -> HttpResponse:
    """Why an htmx request was refused, shown in base.html's error region.

    htmx 2 does not swap 4xx answers by default, so a plain 400 would leave the user
    with no sign of what went wrong. The answer is a 422 retargeted (HX-Retarget,
    HX-Reswap) to the page's alert region, which the project's htmx config lets swap.
    """
    context = {"message": message, "back_url": back_url}
    response = render(request, "includes/htmx_error.html", context, status=422)
    return reswap(retarget(response, ERROR_REGION), "innerHTML")

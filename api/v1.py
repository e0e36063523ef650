"""The URLs of /api/v1/: ninja's operations, each answered the way every API response is.

Every view here is reachable without a session (a key is the credential; the API's own
auth answers 401), answers any method but GET with a 405 problem, varies on the
credentials, is kept by no shared cache, and gets an ETag from its body: a GET whose
If-None-Match names it is answered 304 without a body (after auth and the usage count).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

from api.endpoints import api
from api.problems import problem_response

READ_METHODS = ("GET",)


def served(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_not_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in READ_METHODS:
            # The API only reads; the schema and docs pages too.
            return problem_response(
                request, 405, "This API only reads: use GET.", headers={"Allow": "GET"}
            )
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ("Authorization", "Cookie"))
        patch_cache_control(response, private=True, no_cache=True)
        if response.status_code == 200 and not response.streaming:
            set_response_etag(response)
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response

    return wrapper


def urlpatterns_of_api() -> tuple[list[URLPattern], str, str]:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.name == "api-root":
            # ninja's root is a 404 naming the docs; send people to the docs instead.
            pattern.callback = _to_docs
        pattern.callback = served(pattern.callback)
    return patterns, app_name, namespace


def _to_docs(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return redirect("api:openapi-view")

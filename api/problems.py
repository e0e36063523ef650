"""Errors of the API as RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Schema

CONTENT_TYPE = "application/problem+json"


class Problem(Exception):
    """Raised anywhere under the API; answered as a problem with this status and detail."""

    def __init__(self, status: int, detail: str, *, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


class ProblemSchema(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


def problem_response(
    request: HttpRequest | None,
    status: int,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> JsonResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.path
    if errors is not None:
        body["errors"] = errors
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def validation_errors(errors: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """A detail naming each bad parameter, and the errors in a plain JSON form."""
    plain = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        plain.append({"parameter": ".".join(location), "message": str(error.get("msg", ""))})
    detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in plain) or "Bad request."
    return detail, plain


# The statuses every operation may answer with a problem, for the schema.
COMMON = {400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 429: ProblemSchema}

"""The read API under /api/v1/ (docs/api.md): django-ninja operations, thin over api.selectors."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from enum import IntEnum
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts.models import Account
from analytics.content import video_csv
from analytics.content.videos import video_export_rows
from analytics.scorecards import export
from api import selectors
from api.auth import Caller, KeyOrSession
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, keyset_page
from api.problems import COMMON, Problem, problem_response, validation_errors
from api.problems import CONTENT_TYPE as PROBLEM_TYPE
from api.schemas import (
    AccountPage,
    ChecklistPage,
    DayPage,
    ScorecardOut,
    ScorecardPage,
    VideoPage,
)
from lib.dates import EARLIEST_END, end_error, this_week, week_error, week_start_of, yesterday

logger = logging.getLogger(__name__)


class ReadApi(NinjaAPI):
    """ninja's API with the schema saying what is sent: errors as application/problem+json."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                names = {parameter["name"] for parameter in operation.get("parameters", [])}
                if "format" in names:
                    # ?format=csv answers the page export's CSV instead of the JSON page.
                    content = operation["responses"][200]["content"]
                    content["text/csv"] = {"schema": {"type": "string"}}
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[PROBLEM_TYPE] = content.pop("application/json")
        return schema


api = ReadApi(
    title="Playbook read API",
    version="1",
    description=(
        "Read-only access to a team's accounts, daily figures, scorecards, videos and "
        "checklists. Errors are RFC 9457 problem details (application/problem+json). "
        "Lists are paged with an opaque `cursor`; `?format=csv` gives the CSV of the page "
        "exports. See docs/api.md."
    ),
    auth=KeyOrSession(),
    urls_namespace="api",
)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page.")]
Cursor = Annotated[
    str | None, Query(max_length=200, description="The next_cursor of the previous page.")
]
TeamSlug = Annotated[
    str | None,
    Query(max_length=50, description="A session's team slug (a key reads its own team)."),
]


@api.exception_handler(Problem)
def _problem(request: HttpRequest, error: Problem) -> HttpResponse:
    headers = dict(error.headers)
    if error.status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="playbook"')
    return problem_response(request, error.status, error.detail, headers=headers)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Exception) -> HttpResponse:
    return problem_response(request, 404, "Not found, or not readable with these credentials.")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    detail, errors = validation_errors(error.errors)
    return problem_response(request, 400, detail, errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: Exception) -> HttpResponse:
    return problem_response(
        request, 401, "Send an API key as `Authorization: Bearer <key>`, or sign in."
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return problem_response(request, error.status_code, str(error.message))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
    logger.exception("API request failed: %s", request.path)
    return problem_response(request, 500, "Something went wrong on our side; it was logged.")


def _caller(request: HttpRequest) -> Caller:
    return request.auth  # type: ignore[attr-defined]


def _csv(name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _checked_end(value: date, what: str) -> date:
    message = end_error(value)
    if message:
        raise Problem(400, f"{what}: {message}")
    return value


def _date_cursor(value: Any) -> date:
    return date.fromisoformat(value)


def _page(
    rows: QuerySet[Any],
    item: Callable[[Any], dict[str, Any]],
    *,
    ordering: Sequence[str],
    cursor: str | None,
    limit: int,
    parse: Sequence[Callable[[Any], Any]] = (),
) -> dict[str, Any]:
    """One keyset page of rows in the API's list shape: the items and the next cursor."""
    page, next_cursor = keyset_page(
        rows, ordering=ordering, cursor=cursor, limit=limit, parse=parse
    )
    return {"items": [item(row) for row in page], "next_cursor": next_cursor}


# -- accounts --


@api.get(
    "/accounts",
    response={200: AccountPage, **COMMON},
    url_name="account-list",
    summary="The team's accounts the caller may read",
)
def account_list(
    request: HttpRequest, team: TeamSlug = None, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
) -> dict[str, Any]:
    rows = selectors.account_list(accounts=_caller(request).accounts)
    return _page(rows, _account, ordering=["handle"], cursor=cursor, limit=limit)


def _account(account: Account) -> dict[str, Any]:
    return {
        "handle": account.handle,
        "display_name": account.display_name,
        "kind": account.kind,
        "verified": account.verified,
        "goal": account.primary_goal,
        "currency": account.currency,
        "targets": {
            name.removeprefix("target_"): export_decimal(getattr(account, name))
            for name in (
                "target_engagement_rate",
                "target_follower_growth",
                "target_ctr",
                "target_conversion_rate",
                "target_roi",
            )
        },
        "managers": sorted(user.get_username() for user in account.managers.all()),
    }


def export_decimal(value: Any) -> str:
    return f"{value.normalize():f}" if value is not None else ""


# -- daily figures --


@api.get(
    "/accounts/{handle}/days",
    response={200: DayPage, **COMMON},
    url_name="day-list",
    summary="An account's daily figures as stored",
)
def day_list(
    request: HttpRequest,
    handle: str,
    start: Annotated[
        date | None, Query(description="First day; default 27 days before end.")
    ] = None,
    end: Annotated[date | None, Query(description="Last day; default yesterday.")] = None,
    team: TeamSlug = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> dict[str, Any]:
    account = selectors.account_get(accounts=_caller(request).accounts, handle=handle)
    end = _checked_end(end or yesterday(), "end")
    start = start or end - timedelta(days=27)
    if start < EARLIEST_END or start > end:
        raise Problem(400, f"start: choose a day between {EARLIEST_END} and end ({end}).")
    rows = selectors.day_list(account=account, start=start, end=end)
    return _page(rows, _day, ordering=["date"], cursor=cursor, limit=limit, parse=[_date_cursor])


def _day(row: Any) -> dict[str, Any]:
    return {
        "date": row.date,
        "video_views": row.video_views,
        "profile_views": row.profile_views,
        "likes": row.likes,
        "comments": row.comments,
        "shares": row.shares,
        "followers": row.followers,
        "spend": f"{row.spend:.2f}",
        "impressions": row.impressions,
        "clicks": row.clicks,
        "conversions": row.conversions,
        "revenue": f"{row.revenue:.2f}",
    }


# -- scorecards --


class Window(IntEnum):
    """The scorecards' window lengths, in days."""

    SEVEN = 7
    TWENTY_EIGHT = 28
    NINETY = 90


Format = Literal["json", "csv"]


@api.get(
    "/scorecards",
    response={200: ScorecardPage, **COMMON},
    url_name="scorecard-list",
    summary="The team's scorecards of one window, one per readable account",
)
def scorecard_list(
    request: HttpRequest,
    window: Annotated[
        Window, Query(description="The window's length in days.")
    ] = Window.TWENTY_EIGHT,
    end: Annotated[
        date | None, Query(description="The window's last day; default the latest.")
    ] = None,
    format: Annotated[
        Format, Query(description="csv: the review page's export, all rows.")
    ] = "json",
    team: TeamSlug = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    caller = _caller(request)
    if end is None:
        end = selectors.scorecard_default_end(accounts=caller.accounts, days=int(window))
    end = _checked_end(end, "end")
    cards = selectors.scorecard_list(accounts=caller.accounts, days=int(window), end=end)
    if format == "csv":
        response = _csv(f"scorecards-{caller.team.slug}-{int(window)}d-{end.isoformat()}.csv")
        export.write_csv(cards.order_by("account__handle"), response, for_spreadsheet=True)
        return response
    return _page(cards, _scorecard, ordering=["account__handle"], cursor=cursor, limit=limit)


@api.get(
    "/accounts/{handle}/scorecards",
    response={200: ScorecardPage, **COMMON},
    url_name="account-scorecard-list",
    summary="An account's scorecards, newest period first",
)
def account_scorecard_list(
    request: HttpRequest,
    handle: str,
    window: Annotated[Window | None, Query(description="Only this window's length.")] = None,
    format: Annotated[
        Format, Query(description="csv: every row, as the export writes them.")
    ] = "json",
    team: TeamSlug = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    caller = _caller(request)
    account = selectors.account_get(accounts=caller.accounts, handle=handle)
    cards = selectors.account_scorecard_list(account=account, days=window and int(window))
    ordering = ["-period_end", "period_start"]
    if format == "csv":
        response = _csv(f"scorecards-{caller.team.slug}-{account.handle}.csv")
        export.write_csv(cards.order_by(*ordering), response, for_spreadsheet=True)
        return response
    return _page(
        cards,
        _scorecard,
        ordering=ordering,
        cursor=cursor,
        limit=limit,
        parse=[_date_cursor, _date_cursor],
    )


def _scorecard(card: Any) -> dict[str, str]:
    return dict(zip(ScorecardOut.model_fields, export.scorecard_row(card), strict=True))


# -- videos --


@api.get(
    "/accounts/{handle}/videos",
    response={200: VideoPage, **COMMON},
    url_name="video-list",
    summary="An account's videos with their daily snapshots",
)
def video_list(
    request: HttpRequest,
    handle: str,
    format: Annotated[Format, Query(description="csv: the Content page's export.")] = "json",
    team: TeamSlug = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    caller = _caller(request)
    account = selectors.account_get(accounts=caller.accounts, handle=handle)
    if format == "csv":
        response = _csv(f"videos-{caller.team.slug}-{account.handle}.csv")
        video_csv.write_csv(video_export_rows(team=caller.team, account=account), response)
        return response
    videos = selectors.video_list(account=account)
    return _page(videos, _video, ordering=["video_id"], cursor=cursor, limit=limit)


def _video(video: Any) -> dict[str, Any]:
    return {
        "video_id": video.video_id,
        "title": video.title,
        "link": video.link,
        "posted_on": video.posted_on,
        "promotional": video.promotional_mark,
        "snapshots": [
            {
                "date": snapshot.date,
                "views": snapshot.views,
                "likes": snapshot.likes,
                "comments": snapshot.comments,
                "shares": snapshot.shares,
            }
            for snapshot in video.snapshots.all()
        ],
    }


# -- checklists --


@api.get(
    "/checklists",
    response={200: ChecklistPage, **COMMON},
    url_name="checklist-list",
    summary="Each readable account's checklist of one week",
)
def checklist_list(
    request: HttpRequest,
    week: str | None = Query(None, max_length=20, description="An ISO week like 2026-W05."),
    team: TeamSlug = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> dict[str, Any]:
    caller = _caller(request)
    week_start = this_week()
    if week:
        message = week_error(week, latest=this_week())
        if message:
            raise Problem(400, f"week: {message}")
        week_start = week_start_of(week)
    accounts = caller.accounts.select_related("team")
    page, next_cursor = keyset_page(accounts, ordering=["handle"], cursor=cursor, limit=limit)
    return {
        "items": selectors.checklist_rows(accounts=page, week_start=week_start),
        "next_cursor": next_cursor,
    }

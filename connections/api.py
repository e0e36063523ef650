"""TikTok's endpoints as Playbook uses them (docs/tiktok-api.md), through connections.client.

Each function takes the caller's `http` (connections.client.session()), so a sync's calls
share one keep-alive client. Reads are marked idempotent (retried); code exchanges and
token refreshes are not (made once).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings

from analytics.content.links import VIDEO_ID
from connections.client import ApiError, TikTokHttp, check_business, check_v2
from lib.numbers import BIGINT_MAX, OutOfRange, bounded_decimal, bounded_int

DISPLAY_SCOPES = "user.info.basic,user.info.stats,video.list"
USER_FIELDS = "open_id,display_name,follower_count,is_verified"
VIDEO_FIELDS = (
    "id,create_time,title,video_description,share_url,"
    "view_count,like_count,comment_count,share_count"
)
VIDEO_PAGE = 20  # the most /v2/video/list/ returns per page
MAX_PAGES = 500
REPORT_PAGE = 1000
REPORT_METRICS = ["campaign_name", "spend", "impressions", "clicks", "conversion"]
REVENUE_METRIC = "total_complete_payment_rate"
# Amounts are stored in numeric(14, 2) columns.
MAX_AMOUNT = Decimal("999999999999.99")


@dataclass
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int | None
    refresh_expires_in: int | None
    external_id: str
    scopes: str


@dataclass
class UserStats:
    open_id: str
    follower_count: int
    is_verified: bool


@dataclass
class VideoTotals:
    video_id: str
    title: str
    link: str
    posted_at: datetime | None
    views: int
    likes: int
    comments: int
    shares: int


@dataclass
class CampaignDayRow:
    campaign: str
    day: date
    spend: Decimal
    impressions: int
    clicks: int
    conversions: int
    revenue: Decimal


def _v2(path: str) -> str:
    return settings.TIKTOK_API_BASE.rstrip("/") + path


def _business(path: str) -> str:
    return settings.TIKTOK_BUSINESS_API_BASE.rstrip("/") + path


def _tokens(body: dict[str, Any], what: str) -> Tokens:
    # The v2 token endpoint answers flat; some answers wrap the fields in `data`.
    data = body.get("data") if isinstance(body.get("data"), dict) else body
    if body.get("error") and not data.get("access_token"):
        code = body.get("error")
        raise ApiError(
            f"{what}: {code}: {body.get('error_description', '')}".strip(), code=str(code)
        )
    token = data.get("access_token")
    if not isinstance(token, str) or not token:
        raise ApiError(f"{what}: TikTok's answer holds no access token")
    return Tokens(
        access_token=token,
        refresh_token=str(data.get("refresh_token") or ""),
        expires_in=_int_or_none(data.get("expires_in")),
        refresh_expires_in=_int_or_none(data.get("refresh_expires_in")),
        external_id=str(data.get("open_id") or ""),
        scopes=str(data.get("scope") or ""),
    )


def display_exchange_code(*, http: TikTokHttp, code: str, redirect_uri: str) -> Tokens:
    body = http.request(
        "POST",
        _v2("/v2/oauth/token/"),
        data={
            "client_key": settings.TIKTOK_CLIENT_KEY,
            "client_secret": settings.TIKTOK_CLIENT_SECRET,
            "code": code,
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
        },
        idempotent=False,
        what="token exchange",
    )
    return _tokens(body, "token exchange")


def display_refresh(*, http: TikTokHttp, refresh_token: str) -> Tokens:
    body = http.request(
        "POST",
        _v2("/v2/oauth/token/"),
        data={
            "client_key": settings.TIKTOK_CLIENT_KEY,
            "client_secret": settings.TIKTOK_CLIENT_SECRET,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        },
        idempotent=False,
        what="token refresh",
    )
    return _tokens(body, "token refresh")


def display_user(*, http: TikTokHttp, access_token: str) -> UserStats:
    body = http.request(
        "GET",
        _v2("/v2/user/info/"),
        headers={"Authorization": f"Bearer {access_token}"},
        params={"fields": USER_FIELDS},
        idempotent=True,
        what="user info",
    )
    user = check_v2(body, "user info").get("user")
    if not isinstance(user, dict):
        raise ApiError("user info: TikTok's answer has no user object")
    return UserStats(
        open_id=str(user.get("open_id") or ""),
        follower_count=_count(user.get("follower_count"), "user info: follower_count"),
        is_verified=bool(user.get("is_verified")),
    )


def display_videos(*, http: TikTokHttp, access_token: str) -> list[VideoTotals]:
    """Every public video, page by page (cursor and has_more)."""
    videos: list[VideoTotals] = []
    cursor: int | None = None
    for _page in range(MAX_PAGES):
        payload: dict[str, Any] = {"max_count": VIDEO_PAGE}
        if cursor is not None:
            payload["cursor"] = cursor
        body = http.request(
            "POST",
            _v2("/v2/video/list/"),
            headers={"Authorization": f"Bearer {access_token}"},
            params={"fields": VIDEO_FIELDS},
            json=payload,
            idempotent=True,
            what="video list",
        )
        data = check_v2(body, "video list")
        page = data.get("videos")
        if not isinstance(page, list):
            raise ApiError("video list: TikTok's answer has no videos list")
        videos.extend(_video(item) for item in page)
        if not data.get("has_more"):
            return videos
        cursor = _int_or_none(data.get("cursor"))
        if cursor is None:
            raise ApiError("video list: has_more without a cursor")
    raise ApiError(f"video list: more than {MAX_PAGES} pages")


def _video(item: Any) -> VideoTotals:
    if not isinstance(item, dict) or not item.get("id"):
        raise ApiError("video list: a video without an id")
    if not VIDEO_ID.fullmatch(str(item["id"])):
        raise ApiError("video list: a video id that is not a number")
    created = _int_or_none(item.get("create_time"))
    try:
        posted_at = datetime.fromtimestamp(created, tz=UTC) if created else None
    except (ValueError, OverflowError, OSError) as exc:
        raise ApiError("video list: a create_time that is no time") from exc
    return VideoTotals(
        video_id=str(item["id"]),
        title=str(item.get("title") or item.get("video_description") or ""),
        link=str(item.get("share_url") or ""),
        posted_at=posted_at,
        views=_count(item.get("view_count"), "video list: view_count"),
        likes=_count(item.get("like_count"), "video list: like_count"),
        comments=_count(item.get("comment_count"), "video list: comment_count"),
        shares=_count(item.get("share_count"), "video list: share_count"),
    )


def business_exchange_code(*, http: TikTokHttp, auth_code: str) -> tuple[str, list[str], str]:
    """The Marketing API's long-term token, the advertiser ids it may read, its scopes."""
    body = http.request(
        "POST",
        _business("/open_api/v1.3/oauth2/access_token/"),
        json={
            "app_id": settings.TIKTOK_BUSINESS_APP_ID,
            "secret": settings.TIKTOK_BUSINESS_SECRET,
            "auth_code": auth_code,
        },
        idempotent=False,
        what="advertiser token exchange",
    )
    data = check_business(body, "advertiser token exchange")
    token = data.get("access_token")
    if not isinstance(token, str) or not token:
        raise ApiError("advertiser token exchange: TikTok's answer holds no access token")
    ids = [str(value) for value in data.get("advertiser_ids") or []]
    return token, ids, ",".join(str(scope) for scope in data.get("scope") or [])


def business_report(
    *, http: TikTokHttp, access_token: str, advertiser_id: str, start: date, end: date
) -> list[CampaignDayRow]:
    """The integrated report (BASIC, by campaign and day), every page."""
    rows: list[CampaignDayRow] = []
    page = 1
    while page <= MAX_PAGES:
        body = http.request(
            "GET",
            _business("/open_api/v1.3/report/integrated/get/"),
            headers={"Access-Token": access_token},
            params={
                "advertiser_id": advertiser_id,
                "report_type": "BASIC",
                "data_level": "AUCTION_CAMPAIGN",
                "dimensions": json.dumps(["campaign_id", "stat_time_day"]),
                "metrics": json.dumps([*REPORT_METRICS, REVENUE_METRIC]),
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "page": page,
                "page_size": REPORT_PAGE,
            },
            idempotent=True,
            what="ads report",
        )
        data = check_business(body, "ads report")
        items = data.get("list")
        if not isinstance(items, list):
            raise ApiError("ads report: TikTok's answer has no list")
        rows.extend(_report_row(item) for item in items)
        info = data.get("page_info") or {}
        total_pages = _int_or_none(info.get("total_page")) or 1
        if page >= total_pages:
            return rows
        page += 1
    raise ApiError(f"ads report: more than {MAX_PAGES} pages")


def _report_row(item: Any) -> CampaignDayRow:
    if not isinstance(item, dict):
        raise ApiError("ads report: a row is not an object")
    dimensions = item.get("dimensions") or {}
    metrics = item.get("metrics") or {}
    try:
        day = date.fromisoformat(str(dimensions.get("stat_time_day", ""))[:10])
    except ValueError as exc:
        raise ApiError("ads report: a row without a readable stat_time_day") from exc
    name = str(metrics.get("campaign_name") or dimensions.get("campaign_id") or "")
    return CampaignDayRow(
        campaign=name,
        day=day,
        spend=_money(metrics.get("spend"), "spend"),
        impressions=_count(metrics.get("impressions"), "ads report: impressions"),
        clicks=_count(metrics.get("clicks"), "ads report: clicks"),
        conversions=_count(metrics.get("conversion"), "ads report: conversion"),
        revenue=_money(metrics.get(REVENUE_METRIC), REVENUE_METRIC),
    )


def _int_or_none(value: Any) -> int | None:
    # JSON reads 1e600000 as inf and a quoted one as text: both are read with a bound.
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if abs(value) <= BIGINT_MAX else None
    try:
        return bounded_int(str(value))
    except OutOfRange:
        return None


def _count(value: Any, what: str) -> int:
    """A count TikTok gives as a number or a numeric string; "-" or absent is 0."""
    if value in (None, "", "-"):
        return 0
    try:
        read = bounded_decimal(str(value), limit=BIGINT_MAX)
    except OutOfRange as exc:
        raise ApiError(f"{what} is too large") from exc
    if read is None:
        raise ApiError(f"{what} is not a number")
    number = int(read)
    if number < 0:
        raise ApiError(f"{what} is negative")
    return number


def _money(value: Any, what: str) -> Decimal:
    if value in (None, "", "-"):
        return Decimal("0.00")
    try:
        number = bounded_decimal(str(value), limit=MAX_AMOUNT)
    except OutOfRange as exc:
        raise ApiError(f"ads report: {what} is too large") from exc
    if number is None:
        raise ApiError(f"ads report: {what} is not a number")
    amount = number.quantize(Decimal("0.01"))
    if amount < 0:
        raise ApiError(f"ads report: {what} is negative")
    return amount

"""A fake TikTok: a small WSGI app on 127.0.0.1, in a thread, answering like TikTok's docs.

It speaks the endpoints Playbook uses (docs/tiktok-api.md) with the documented shapes:
the v2 authorize page (it consents at once and redirects back), /v2/oauth/token/ (code
and refresh), /v2/user/info/, /v2/video/list/ (cursor pages), the Marketing API's
/portal/auth, /open_api/v1.3/oauth2/access_token/ and the integrated report (pages).
`faults` queues answers for a path (a 429 with Retry-After, a 5xx, a malformed body).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

CLIENT_KEY = "fake-client-key"
CLIENT_SECRET = "fake-client-secret"
APP_ID = "7000000000000000001"
APP_SECRET = "fake-business-secret"


@dataclass
class Fault:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class State:
    open_id: str = "open-id-acmecoffee"
    follower_count: int = 1000
    is_verified: bool = True
    videos: list[dict[str, Any]] = field(default_factory=list)
    advertiser_ids: list[str] = field(default_factory=lambda: ["7100000000000000001"])
    ads_rows: list[dict[str, Any]] = field(default_factory=list)
    report_page_size: int = 2
    video_page_size: int = 2
    codes: set[str] = field(default_factory=set)
    access_tokens: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=set)
    business_tokens: set[str] = field(default_factory=set)
    refresh_refused: bool = False
    # A refresh retires the refresh token it used, as TikTok may (then it works once).
    rotate_refresh: bool = False
    # Seconds to wait before answering a path, one entry per call: the work is done
    # anyway, as on a server whose answer comes after the client gave up.
    delays: dict[str, list[float]] = field(default_factory=dict)
    expires_in: int = 86400
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)

    def fault(self, path: str, status: int, body: Any = None, headers: dict | None = None) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body or {}).encode()
        self.faults.setdefault(path, []).append(Fault(status, raw, list((headers or {}).items())))

    def expire_access_tokens(self) -> None:
        self.access_tokens.clear()

    def video(
        self,
        video_id: str,
        *,
        created: int,
        views: int,
        likes: int,
        comments: int,
        shares: int,
        title: str = "",
    ) -> None:
        """Adds or updates a video's lifetime totals."""
        item = {
            "id": video_id,
            "create_time": created,
            "title": title or f"Video {video_id}",
            "share_url": f"https://www.tiktok.com/@acmecoffee/video/{video_id}",
            "view_count": views,
            "like_count": likes,
            "comment_count": comments,
            "share_count": shares,
        }
        self.videos = [v for v in self.videos if v["id"] != video_id] + [item]


class FakeTikTok:
    def __init__(self) -> None:
        self.state = State()
        self.server: WSGIServer = make_server("127.0.0.1", 0, self.app, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self) -> None:
        self.state = State()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- the WSGI app --
    def app(self, environ: dict, start_response: Any) -> list[bytes]:
        path = environ["PATH_INFO"]
        method = environ["REQUEST_METHOD"]
        self.state.calls.append((method, path))
        delays = self.state.delays.get(path)
        if delays:
            time.sleep(delays.pop(0))
        queued = self.state.faults.get(path)
        if queued:
            fault = queued.pop(0)
            start_response(
                f"{fault.status} Fault", [("Content-Type", "application/json"), *fault.headers]
            )
            return [fault.body]
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        handler = {
            "/v2/auth/authorize/": self.authorize,
            "/portal/auth": self.business_authorize,
            "/v2/oauth/token/": self.token,
            "/v2/user/info/": self.user_info,
            "/v2/video/list/": self.video_list,
            "/open_api/v1.3/oauth2/access_token/": self.business_token,
            "/open_api/v1.3/report/integrated/get/": self.report,
        }.get(path)
        if handler is None:
            return _json(start_response, 404, {"error": {"code": "not_found", "message": path}})
        return handler(environ, start_response, query, raw)

    def authorize(self, environ: dict, start_response: Any, query: dict, raw: bytes) -> list[bytes]:
        if query.get("client_key") != CLIENT_KEY:
            return _json(start_response, 400, {"error": "invalid_client"})
        code = secrets.token_urlsafe(12)
        self.state.codes.add(code)
        params = {"code": code, "scopes": query.get("scope", ""), "state": query.get("state", "")}
        target = f"{query['redirect_uri']}?{urlencode(params)}"
        start_response("302 Found", [("Location", target)])
        return [b""]

    def business_authorize(
        self, environ: dict, start_response: Any, query: dict, raw: bytes
    ) -> list[bytes]:
        code = secrets.token_urlsafe(12)
        self.state.codes.add(code)
        params = {"auth_code": code, "code": code, "state": query.get("state", "")}
        start_response("302 Found", [("Location", f"{query['redirect_uri']}?{urlencode(params)}")])
        return [b""]

    def token(self, environ: dict, start_response: Any, query: dict, raw: bytes) -> list[bytes]:
        form = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
        if form.get("client_key") != CLIENT_KEY or form.get("client_secret") != CLIENT_SECRET:
            return _json(
                start_response,
                200,
                {
                    "error": "invalid_client",
                    "error_description": "Client key or secret is incorrect.",
                    "log_id": "x",
                },
            )
        grant = form.get("grant_type")
        if grant == "authorization_code":
            if form.get("code") not in self.state.codes:
                return _json(
                    start_response,
                    200,
                    {
                        "error": "invalid_grant",
                        "error_description": "Authorization code is expired.",
                        "log_id": "x",
                    },
                )
            self.state.codes.discard(form["code"])
        elif grant == "refresh_token":
            if (
                self.state.refresh_refused
                or form.get("refresh_token") not in self.state.refresh_tokens
            ):
                return _json(
                    start_response,
                    200,
                    {
                        "error": "invalid_grant",
                        "error_description": "Refresh token is invalid or expired.",
                        "log_id": "x",
                    },
                )
            if self.state.rotate_refresh:
                self.state.refresh_tokens.discard(form["refresh_token"])
        else:
            return _json(
                start_response,
                200,
                {"error": "invalid_request", "error_description": "grant_type", "log_id": "x"},
            )
        access, refresh = "act." + secrets.token_urlsafe(16), "rft." + secrets.token_urlsafe(16)
        self.state.access_tokens.add(access)
        self.state.refresh_tokens.add(refresh)
        return _json(
            start_response,
            200,
            {
                "access_token": access,
                "expires_in": self.state.expires_in,
                "open_id": self.state.open_id,
                "refresh_expires_in": 31536000,
                "refresh_token": refresh,
                "scope": "user.info.basic,user.info.stats,video.list",
                "token_type": "Bearer",
            },
        )

    def _bearer(self, environ: dict, start_response: Any) -> list[bytes] | None:
        token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
        if token in self.state.access_tokens:
            return None
        return _json(
            start_response,
            401,
            {
                "data": {},
                "error": {
                    "code": "access_token_invalid",
                    "message": "The access token is invalid or not found in the request.",
                    "log_id": "x",
                },
            },
        )

    def user_info(self, environ: dict, start_response: Any, query: dict, raw: bytes) -> list[bytes]:
        refused = self._bearer(environ, start_response)
        if refused is not None:
            return refused
        user = {
            "open_id": self.state.open_id,
            "display_name": "Acme Coffee",
            "follower_count": self.state.follower_count,
            "is_verified": self.state.is_verified,
        }
        fields = set(query.get("fields", "").split(","))
        return _json(
            start_response,
            200,
            {
                "data": {"user": {k: v for k, v in user.items() if k in fields}},
                "error": {"code": "ok", "message": "", "log_id": "x"},
            },
        )

    def video_list(
        self, environ: dict, start_response: Any, query: dict, raw: bytes
    ) -> list[bytes]:
        refused = self._bearer(environ, start_response)
        if refused is not None:
            return refused
        body = json.loads(raw or b"{}")
        size = min(int(body.get("max_count", 10)), 20, self.state.video_page_size)
        # Newest first, the cursor is a create_time in ms: the next page is older videos.
        ordered = sorted(self.state.videos, key=lambda v: v["create_time"], reverse=True)
        cursor = body.get("cursor")
        if cursor is not None:
            ordered = [v for v in ordered if v["create_time"] * 1000 < int(cursor)]
        page, rest = ordered[:size], ordered[size:]
        fields = set(query.get("fields", "").split(","))
        videos = [{k: v for k, v in item.items() if k in fields} for item in page]
        next_cursor = page[-1]["create_time"] * 1000 if page else 0
        return _json(
            start_response,
            200,
            {
                "data": {"videos": videos, "cursor": next_cursor, "has_more": bool(rest)},
                "error": {"code": "ok", "message": "", "log_id": "x"},
            },
        )

    def business_token(
        self, environ: dict, start_response: Any, query: dict, raw: bytes
    ) -> list[bytes]:
        body = json.loads(raw or b"{}")
        if (
            body.get("app_id") != APP_ID
            or body.get("secret") != APP_SECRET
            or body.get("auth_code") not in self.state.codes
        ):
            return _json(
                start_response,
                200,
                {"code": 40002, "message": "auth_code is invalid", "request_id": "x", "data": {}},
            )
        token = secrets.token_hex(20)
        self.state.business_tokens.add(token)
        return _json(
            start_response,
            200,
            {
                "code": 0,
                "message": "OK",
                "request_id": "x",
                "data": {
                    "access_token": token,
                    "advertiser_ids": self.state.advertiser_ids,
                    "scope": [4, 5],
                },
            },
        )

    def report(self, environ: dict, start_response: Any, query: dict, raw: bytes) -> list[bytes]:
        if environ.get("HTTP_ACCESS_TOKEN") not in self.state.business_tokens:
            return _json(
                start_response,
                200,
                {
                    "code": 40105,
                    "message": "Access token is incorrect or has been revoked.",
                    "request_id": "x",
                    "data": {},
                },
            )
        start, end = query["start_date"], query["end_date"]
        rows = [
            r for r in self.state.ads_rows if start <= r["dimensions"]["stat_time_day"][:10] <= end
        ]
        size = self.state.report_page_size
        page = int(query.get("page", 1))
        total_page = max(1, -(-len(rows) // size))
        return _json(
            start_response,
            200,
            {
                "code": 0,
                "message": "OK",
                "request_id": "x",
                "data": {
                    "list": rows[(page - 1) * size : page * size],
                    "page_info": {
                        "page": page,
                        "page_size": size,
                        "total_number": len(rows),
                        "total_page": total_page,
                    },
                },
            },
        )


def ads_row(campaign_id: str, name: str, day: str, **metrics: str) -> dict[str, Any]:
    """One row of the integrated report as TikTok writes it: numbers as strings."""
    return {
        "dimensions": {"campaign_id": campaign_id, "stat_time_day": f"{day} 00:00:00"},
        "metrics": {"campaign_name": name, **metrics},
    }


def _json(start_response: Any, status: int, body: Any) -> list[bytes]:
    start_response(f"{status} X", [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return

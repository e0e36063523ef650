"""Who calls the API and what they may read: a team's key, or a signed-in user's session.

A key reads its own team's active accounts, or only those it is limited to. A session
reads what the pages show the user (`Account.objects.visible_to`): a lead the team's
accounts, a manager those they manage. Either way the readable accounts are a queryset
(`Caller.accounts`), so every read is a subquery of it and costs no extra query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.validators import slug_re
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from accounts.models import Account, Membership, Team
from api import caps
from api.models import ApiKey
from api.problems import Problem
from api.services import KEY_MAX_LENGTH, KEY_START, api_key_used, key_digest

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass
class Caller:
    team: Team
    accounts: QuerySet[Account]
    api_key: ApiKey | None = None
    user: Any = None
    usage: caps.Usage | None = None


class KeyOrSession(HttpBearer):
    """`Authorization: Bearer <key>`, else the session of a signed-in user."""

    openapi_description = (
        "A team's API key as `Authorization: Bearer <key>`; the browser's session also "
        "works for a signed-in member (docs/api.md)."
    )

    def __call__(self, request: HttpRequest) -> Caller | None:
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, key = header.partition(" ")
            if scheme.lower() != "bearer":
                raise Problem(401, "Send the key as `Authorization: Bearer <key>`.")
            return key_caller(request, key.strip())
        if getattr(request.user, "is_authenticated", False):
            return session_caller(request)
        raise Problem(
            401, "Send an API key as `Authorization: Bearer <key>`, or sign in to Playbook."
        )

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        return key_caller(request, token)


def key_caller(request: HttpRequest, key: str) -> Caller:
    if not key.startswith(KEY_START) or len(key) > KEY_MAX_LENGTH:
        raise Problem(401, "This is not a Playbook API key.")
    api_key = ApiKey.objects.select_related("team").filter(digest=key_digest(key)).first()
    if api_key is None:
        raise Problem(401, "This API key is not known: it may have been mistyped or deleted.")
    if api_key.is_revoked:
        raise Problem(401, f"This API key was revoked on {api_key.revoked_at:%Y-%m-%d}.")
    if api_key.is_expired:
        raise Problem(401, f"This API key expired on {api_key.expires_at:%Y-%m-%d}.")
    _same_team(request, api_key.team)
    usage = caps.count_request(key_id=api_key.pk, hourly_cap=api_key.hourly_cap)
    if usage.exceeded:
        raise Problem(
            429,
            f"This key made more than {usage.cap} requests this hour; it is served again "
            f"from {usage.reset_at:%H:%M} UTC.",
            headers={"Retry-After": str(usage.retry_after)},
        )
    api_key_used(api_key=api_key)
    accounts = Account.objects.filter(team=api_key.team).active()
    if api_key.limited:
        links = ApiKey.accounts.through.objects.filter(apikey=api_key.pk).values("account")
        accounts = accounts.filter(pk__in=links)
    return Caller(team=api_key.team, accounts=accounts, api_key=api_key, usage=usage)


def session_caller(request: HttpRequest) -> Caller:
    # Nothing here writes yet; a future write keeps Django's CSRF rule for sessions.
    if request.method not in SAFE_METHODS and check_csrf(request) is not None:
        raise Problem(403, "CSRF check failed: send the X-CSRFToken header.")
    user = request.user
    memberships = Membership.objects.of(user).select_related("team")
    slug = request.GET.get("team", "")
    if slug:
        # Text no slug could be (a NUL, say) finds no team without asking the database.
        membership = memberships.filter(team__slug=slug).first() if slug_re.match(slug) else None
        if membership is None:
            raise Problem(404, "No team of yours has this slug.")
    else:
        found = list(memberships[:2])
        if not found:
            raise Problem(404, "You are not a member of any team.")
        if len(found) > 1:
            raise Problem(400, "You are in several teams: name one with ?team=<slug>.")
        membership = found[0]
    accounts = Account.objects.visible_to(user, membership).active()
    return Caller(team=membership.team, accounts=accounts, user=user)


def _same_team(request: HttpRequest, team: Team) -> None:
    slug = request.GET.get("team", "")
    if slug and slug != team.slug:
        # The same answer as an unknown team: a key never learns whether another exists.
        raise Problem(404, "No team of this key has this slug.")

"""Connecting an account: the OAuth redirect, the callback, disconnecting.

The OAuth `state` is a random value kept in the session that asked for it, for ten
minutes, and used once: the callback refuses any state this session was not given.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Kind
from connections import api, tokens
from connections.client import ApiError, session
from connections.models import Connection, Source

SESSION_KEY = "tiktok_oauth_states"
STATE_TTL = 600
MAX_STATES = 10


class ConnectError(Exception):
    """Connecting failed; the message says why and what to do, and names no secret."""


@dataclass(frozen=True)
class Readiness:
    ready: bool
    missing: tuple[str, ...]


def readiness(source: str) -> Readiness:
    """Which environment variables this kind of connection still needs."""
    needed = {
        Source.DISPLAY: ("TIKTOK_CLIENT_KEY", "TIKTOK_CLIENT_SECRET"),
        Source.ADS: ("TIKTOK_BUSINESS_APP_ID", "TIKTOK_BUSINESS_SECRET"),
    }[Source(source)]
    missing = tuple(name for name in needed if not getattr(settings, name))
    if not tokens.keys_configured():
        missing += ("PLAYBOOK_TOKEN_KEYS",)
    return Readiness(ready=not missing, missing=missing)


def authorize_url(source: str) -> str:
    """TikTok's authorize page for this kind of connection (from the settings)."""
    if source == Source.ADS:
        return settings.TIKTOK_BUSINESS_AUTH_URL
    return settings.TIKTOK_AUTH_URL


def connect_start(
    *,
    session: SessionBase,
    account: Account,
    source: str,
    redirect_uri: str,
    advertiser_id: str = "",
) -> str:
    """The URL of TikTok's authorize page for this account, with a fresh single-use state."""
    if source == Source.ADS and account.kind != Kind.MARKETING:
        raise ConnectError("Ads connect only to a marketing account.")
    state = secrets.token_urlsafe(32)
    now = time.time()
    states = {
        key: value
        for key, value in (session.get(SESSION_KEY) or {}).items()
        if now - value.get("issued", 0) < STATE_TTL
    }
    states[state] = {
        "account": account.pk,
        "source": source,
        "advertiser_id": advertiser_id,
        "redirect_uri": redirect_uri,
        "issued": now,
    }
    # The newest few only, so a session never grows without bound.
    session[SESSION_KEY] = dict(
        sorted(states.items(), key=lambda item: item[1]["issued"])[-MAX_STATES:]
    )
    if source == Source.ADS:
        query = {
            "app_id": settings.TIKTOK_BUSINESS_APP_ID,
            "state": state,
            "redirect_uri": redirect_uri,
        }
        return f"{authorize_url(source)}?{urlencode(query)}"
    query = {
        "client_key": settings.TIKTOK_CLIENT_KEY,
        "scope": api.DISPLAY_SCOPES,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "state": state,
    }
    return f"{authorize_url(source)}?{urlencode(query)}"


def connect_finish(
    *, session: SessionBase, user: AbstractBaseUser, params: dict[str, str]
) -> Connection:
    """Checks the state, exchanges the code for tokens and stores the connection."""
    state = params.get("state", "")
    states = dict(session.get(SESSION_KEY) or {})
    issued = states.pop(state, None) if state else None
    session[SESSION_KEY] = states
    if issued is None or time.time() - issued.get("issued", 0) >= STATE_TTL:
        raise ConnectError(
            "This answer from TikTok does not belong to a connection started here, or it "
            "expired: start connecting again from the account's page."
        )
    account = Account.objects.editable_by(user).filter(pk=issued["account"]).first()
    if account is None:
        raise ConnectError("Only a lead of the account's team can connect it.")
    if params.get("error"):
        reason = params.get("error_description") or params["error"]
        raise ConnectError(f"TikTok did not authorize the connection: {reason[:200]}.")
    source = issued["source"]
    try:
        if source == Source.ADS:
            return _finish_ads(account, user, params, issued["advertiser_id"])
        return _finish_display(account, user, params, issued["redirect_uri"])
    except ApiError as exc:
        raise ConnectError(f"TikTok refused the connection ({exc}). Try again.") from exc


def _finish_display(
    account: Account, user: AbstractBaseUser, params: dict[str, str], redirect_uri: str
) -> Connection:
    code = params.get("code", "")
    if not code:
        raise ConnectError("TikTok's answer carries no authorization code: try again.")
    with session() as http:
        granted = api.display_exchange_code(http=http, code=code, redirect_uri=redirect_uri)
    now = timezone.now()
    return _store(
        account=account,
        source=Source.DISPLAY,
        user=user,
        external_id=granted.external_id,
        scopes=granted.scopes,
        access_token=granted.access_token,
        refresh_token=granted.refresh_token,
        access_expires_at=now + timedelta(seconds=granted.expires_in)
        if granted.expires_in
        else None,
        refresh_expires_at=(
            now + timedelta(seconds=granted.refresh_expires_in)
            if granted.refresh_expires_in
            else None
        ),
    )


def _finish_ads(
    account: Account, user: AbstractBaseUser, params: dict[str, str], advertiser_id: str
) -> Connection:
    code = params.get("auth_code") or params.get("code") or ""
    if not code:
        raise ConnectError("TikTok's answer carries no authorization code: try again.")
    with session() as http:
        token, advertisers, scopes = api.business_exchange_code(http=http, auth_code=code)
    if advertiser_id and advertiser_id not in advertisers:
        raise ConnectError(
            f"The advertiser {advertiser_id} was not among those TikTok authorized: pick "
            "it when TikTok asks, or leave the advertiser id empty."
        )
    if not advertiser_id:
        if len(advertisers) != 1:
            raise ConnectError(
                f"TikTok authorized {len(advertisers)} advertisers: connect again and enter "
                "the advertiser id to sync."
            )
        advertiser_id = advertisers[0]
    return _store(
        account=account,
        source=Source.ADS,
        user=user,
        external_id=advertiser_id,
        scopes=scopes,
        access_token=token,
        refresh_token="",
        access_expires_at=None,
        refresh_expires_at=None,
    )


@transaction.atomic
def _store(
    *, account: Account, source: str, user: AbstractBaseUser, **fields: object
) -> Connection:
    fields["access_token"] = tokens.encrypt(str(fields["access_token"]))
    fields["refresh_token"] = tokens.encrypt(str(fields["refresh_token"]))
    connection = Connection.objects.filter(account=account, source=source).first() or Connection(
        account=account, source=source
    )
    for name, value in fields.items():
        setattr(connection, name, value)
    connection.status = Connection.Status.ACTIVE
    connection.connected_by = user
    connection.last_error = ""
    connection.full_clean(validate_unique=False)
    connection.save()
    return connection


def connection_disconnect(*, connection: Connection) -> None:
    """Deletes the connection and so its tokens; synced figures stay."""
    connection.delete()

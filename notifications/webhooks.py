"""Posting alerts to webhook URLs without reaching the server's own network (SSRF).

A URL's host is resolved and every address it resolves to is checked: loopback, private,
link-local (cloud metadata), shared, reserved, multicast and unspecified addresses are
refused unless PLAYBOOK_WEBHOOK_ALLOW_PRIVATE is set. The post then connects to the
address that was checked (the Host header and TLS name stay the URL's), so a DNS answer
that changes between the check and the connection cannot redirect it.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError

TIMEOUT = 10.0
MAX_URL_LENGTH = 500
SIGNATURE_HEADER = "X-Playbook-Signature"


@dataclass(frozen=True)
class Target:
    url: str
    host: str
    address: str


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved)


def webhook_target(url: str) -> Target:
    """The URL checked and resolved; ValidationError saying why when it may not be used."""
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("Use an http:// or https:// URL with a host name.")
    if parts.username or parts.password:
        raise ValidationError("Leave credentials out of the URL.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ValidationError("The URL's port is not a number from 1 to 65535.") from exc
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationError(f"The host {parts.hostname} could not be found.") from exc
    addresses = sorted({info[4][0] for info in found})
    if not addresses:
        raise ValidationError(f"The host {parts.hostname} could not be found.")
    if not settings.PLAYBOOK_WEBHOOK_ALLOW_PRIVATE:
        private = [a for a in addresses if not _is_public(ipaddress.ip_address(a.split("%")[0]))]
        if private:
            raise ValidationError(
                f"{parts.hostname} resolves to a private or local address ({private[0]}); "
                "webhooks may only post to the public internet."
            )
    return Target(url=url, host=parts.hostname, address=addresses[0])


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_for(format: str, payload: dict) -> bytes:
    """Slack's incoming-webhook form ({"text": ...}) or the whole payload as JSON."""
    data = {"text": payload["text"]} if format == "slack" else payload
    return json.dumps(data, separators=(",", ":"), sort_keys=True).encode()


def post(*, url: str, format: str, secret: str, payload: dict) -> int:
    """Posts the payload and returns the HTTP status; ValidationError for a refused URL,
    httpx.HTTPError when the receiver could not be reached."""
    target = webhook_target(url)
    body = body_for(format, payload)
    parts = urlsplit(target.url)
    address = f"[{target.address}]" if ":" in target.address else target.address
    netloc = f"{address}:{parts.port}" if parts.port else address
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    headers = {
        "Host": parts.netloc,
        "Content-Type": "application/json",
        "User-Agent": "Playbook-Alerts/1",
    }
    if format == "json":
        headers[SIGNATURE_HEADER] = signature(secret, body)
    extensions = {"sni_hostname": target.host} if parts.scheme == "https" else {}
    # No proxies from the environment and no redirects: the post goes to the checked address.
    # Only the status is read: the receiver's body, whatever its size or pace, never is.
    with (
        httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False) as client,
        client.stream(
            "POST", pinned, content=body, headers=headers, extensions=extensions
        ) as response,
    ):
        return response.status_code

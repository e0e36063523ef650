"""Tokens at rest: encrypted with MultiFernet, keys from PLAYBOOK_TOKEN_KEYS (newest first).

Rotation: put a new key first in PLAYBOOK_TOKEN_KEYS, keep the old ones after it, run
`manage.py rotate_tiktok_tokens` (each token is re-encrypted with the newest key), then
drop the old keys. A token is never logged, shown or put in an error message.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEYS_MISSING = (
    'PLAYBOOK_TOKEN_KEYS is not set: generate a key with `python -c "from cryptography.fernet '
    'import Fernet; print(Fernet.generate_key().decode())"` and set it in the environment.'
)


class TokenUnreadable(Exception):
    """A stored token that none of the configured keys decrypts."""


def keys_configured() -> bool:
    """Whether PLAYBOOK_TOKEN_KEYS holds at least one key and every key is a Fernet key."""
    try:
        _fernet()
    except ImproperlyConfigured:
        return False
    return True


def _fernet() -> MultiFernet:
    keys = [key.strip() for key in settings.PLAYBOOK_TOKEN_KEYS if key.strip()]
    if not keys:
        raise ImproperlyConfigured(KEYS_MISSING)
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        # Fernet's message names no key material, only that one is malformed.
        raise ImproperlyConfigured(
            "PLAYBOOK_TOKEN_KEYS holds a key that is not a Fernet key (32 url-safe base64 bytes)."
        ) from exc


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value:
        return ""
    try:
        return _fernet().decrypt(value.encode()).decode()
    except InvalidToken as exc:
        raise TokenUnreadable(
            "A stored token cannot be decrypted with PLAYBOOK_TOKEN_KEYS."
        ) from exc


def rotate(value: str) -> str:
    """The same token encrypted with the newest key."""
    if not value:
        return ""
    try:
        return _fernet().rotate(value.encode()).decode()
    except InvalidToken as exc:
        raise TokenUnreadable(
            "A stored token cannot be decrypted with PLAYBOOK_TOKEN_KEYS."
        ) from exc

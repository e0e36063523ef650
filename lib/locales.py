"""The locale a page writes numbers in, from the browser's Accept-Language header."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.http import HttpRequest

FALLBACK = "en"
# Browsers send a few dozen characters; anything longer is not worth reading.
_MAX_HEADER = 500


def request_locale(request: HttpRequest | None) -> Locale:
    """The first language of the request's Accept-Language that Babel knows, else English."""
    header = request.headers.get("Accept-Language", "") if request is not None else ""
    return _negotiate(header[:_MAX_HEADER])


@lru_cache(maxsize=256)
def _negotiate(header: str) -> Locale:
    for tag in _preferred(header):
        try:
            return Locale.parse(tag, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(FALLBACK)


def _preferred(header: str) -> list[str]:
    """Language tags best first: 'de-CH, fr;q=0.8, *;q=0.5' -> ['de-CH', 'fr']."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]

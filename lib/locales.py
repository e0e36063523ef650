"""The locale a page writes numbers in, from the browser's Accept-Language header."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

FALLBACK = "en"
# Browsers send a few dozen characters; anything longer is not worth reading.
_MAX_HEADER = 500


def note_language_read(request: HttpRequest | None) -> None:
    """Say that the response depends on the request's language (see vary_on_language)."""
    if request is not None:
        request.reads_language = True


def vary_on_language(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: a page that wrote numbers or names in the reader's language varies on
    Accept-Language, so no cache hands it to a reader of another language."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if getattr(request, "reads_language", False):
            patch_vary_headers(response, ("Accept-Language",))
        return response

    return middleware


def request_locale(request: HttpRequest | None) -> Locale:
    """The first language of the request's Accept-Language that Babel knows, else English."""
    note_language_read(request)
    header = request.headers.get("Accept-Language", "") if request is not None else ""
    return _negotiate(header[:_MAX_HEADER])


def request_language(request: HttpRequest) -> str:
    """The locale's name (like 'de_CH') that request_locale would choose, without saying
    the page read it: for a key of the page cache."""
    return str(_negotiate(request.headers.get("Accept-Language", "")[:_MAX_HEADER]))


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

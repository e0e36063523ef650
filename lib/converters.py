"""Path converters shared by every app's URLs.

Django's own ``str`` converter lets NUL and other control characters through, and
PostgreSQL refuses a NUL in a text parameter with an error (a 500). ``text`` is ``str``
without them: such a path simply matches no route (404), on every database alike.
A URLconf that uses it imports this module (``from lib import converters  # noqa: F401``).
"""

from __future__ import annotations

from django.urls import register_converter


class TextConverter:
    # Anything but "/" and the C0 controls and DEL.
    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# Registered when this module is imported: every URLconf using ``<text:...>`` imports it
# first, so the converter exists whichever URLconf Django (or a test) loads first.
register_converter(TextConverter, "text")

"""Escaping for HTML that Python code joins itself (table rows, widgets)."""

from __future__ import annotations

import html
from typing import Any

from django.utils.html import conditional_escape


def escape_text(text: Any) -> str:
    """What conditional_escape writes, as a plain str for code that marks the whole joined
    HTML safe once.

    A plain string goes straight to html.escape, which is what Django's escape calls; the
    lazy-string check Django wraps around it costs several function calls each time, and a
    page of rows escapes some hundreds of values. Anything else (safe strings, lazy ones,
    numbers, dates) goes through conditional_escape itself.
    """
    if type(text) is str:
        return html.escape(text)
    return str(conditional_escape(text))

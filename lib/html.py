"""Escaping, dates and the CSRF field for HTML that Python code joins itself (table rows,
widgets, checklist items)."""

from __future__ import annotations

import html
from typing import Any

from django.template import Context
from django.template.defaultfilters import date as date_filter
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime


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


def date_text(value: Any, format_string: str) -> str:
    """What `{{ value|date:format_string }}` writes, escaped: the date filter expects local
    time, which the template engine converts to before calling it."""
    return escape_text(date_filter(template_localtime(value), format_string))


_SORT_MARKS = {"ascending": "▲", "descending": "▼"}


def sort_heading(
    *, url: str, query: str, label: str, direction: str, numeric: bool, hx_attrs: str
) -> str:
    """A sortable column's <th>: its label as a link to `url?query` that htmx follows with
    `hx_attrs` (written as they are: the caller escapes them), marked by its direction
    ("ascending", "descending" or "" for unsorted). Every other value is escaped here."""
    sorted_by = f' aria-sort="{escape_text(direction)}"' if direction else ""
    text_end = ' class="text-end"' if numeric else ""
    link = f"{escape_text(url)}?{escape_text(query)}"
    return (
        f'<th scope="col"{sorted_by}{text_end}><a class="pb-sort text-nowrap" href="{link}" '
        f'hx-get="{link}"{hx_attrs} hx-swap="outerHTML" hx-push-url="true">'
        f'{escape_text(label)}<span class="pb-sort-mark" aria-hidden="true">'
        f"{_SORT_MARKS.get(direction, '↕')}</span></a></th>"
    )


def small_filter_fields(form: Any, indent: str) -> str:
    """Each visible field of a form with its small label above it, as a template's loop
    over the fields writes includes/filter_field.html with small=True, indented by
    `indent`; each widget is the field's own rendering. Every value is escaped."""
    return "".join(
        f"\n{indent}\n<div>\n"
        f'  <label class="form-label small mb-0" for="{escape_text(field.id_for_label)}">'
        f"{escape_text(field.label)}</label>\n"
        f"  {escape_text(field)}\n</div>\n\n{indent}"
        for field in form.visible_fields()
    )


def csrf_input(context: Context) -> str:
    """What `{% csrf_token %}` writes in a template rendered with this context."""
    token = context.get("csrf_token")
    if not token:
        return ""
    token = str(token)
    if token == "NOTPROVIDED":  # noqa: S105 - Django's word for no token, not a password
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape_text(token)}">'

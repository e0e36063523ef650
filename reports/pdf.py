"""A report as a PDF file, drawn by WeasyPrint from the report's own HTML.

WeasyPrint is imported when a PDF is asked for, not when Django starts: it loads Pango
and its fonts through the system's libraries (README, "Reports"), which the rest of the
product never needs. The document fetches nothing: its one stylesheet is passed in, its
charts are inline SVG, and every URL it names is refused, so rendering a report can never
make the server reach another address.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

STYLESHEET = "css/report.css"


@cache
def _stylesheet() -> str:
    path = finders.find(STYLESHEET)
    if not path:
        raise FileNotFoundError(f"The report stylesheet {STYLESHEET} is missing from static/.")
    with open(path, encoding="utf-8") as file:
        return file.read()


def render_pdf(html: str) -> bytes:
    """The PDF of a report's HTML, printed with the report stylesheet."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    nothing = URLFetcher(allowed_protocols=frozenset())
    stylesheet = CSS(string=_stylesheet(), url_fetcher=nothing)
    return HTML(string=html, url_fetcher=nothing).write_pdf(stylesheets=[stylesheet])


def pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], *, filename: str
) -> HttpResponse:
    html = render_to_string(template, context, request=request)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response

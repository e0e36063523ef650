"""A report downloads as a PDF that opens: its text is extracted with pypdf."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.analytics.chunked import accounts_with_history

pytestmark = pytest.mark.django_db

QUERY = {"start": "2025-03-01", "end": "2025-03-28", "compare": "year", "format": "pdf"}


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 1
    return "\n".join(page.extract_text() for page in reader.pages)


def test_it_downloads_an_account_s_report_as_a_pdf(login, alice, acme) -> None:
    (account,) = accounts_with_history(acme, 1, seed=2)

    response = login(alice).get(
        reverse("reports:account-report", args=["acme", account.handle]), QUERY
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{account.handle}-report-2025-03-01-2025-03-28.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    text = text_of(response.content)
    assert f"@{account.handle}: report" in text
    assert "KPIs against targets" in text and "Top videos" in text
    assert "a year earlier" in text
    # The controls of the screen (the period form, the share form) are not printed.
    assert "Download PDF" not in text and "Create link" not in text


def test_it_downloads_a_team_report_as_a_pdf(login, alice, acme) -> None:
    accounts_with_history(acme, 3, seed=4)

    response = login(alice).get(reverse("reports:team-report", args=["acme"]), QUERY)

    assert response.status_code == 200
    text = text_of(response.content)
    assert "Acme: team report" in text
    assert "@chunked0" in text and "@chunked2" in text


def test_it_refuses_another_team_s_pdf(login, charlie, acme) -> None:
    (account,) = accounts_with_history(acme, 1, seed=2)
    url = reverse("reports:account-report", args=["acme", account.handle])
    assert login(charlie).get(url, QUERY).status_code == 404


def test_it_prints_the_default_period_when_the_query_names_none(login, alice, acme) -> None:
    (account,) = accounts_with_history(acme, 1, seed=2)
    url = reverse("reports:account-report", args=["acme", account.handle])

    response = login(alice).get(url, {"format": "pdf"})

    assert response.status_code == 200
    text = text_of(response.content)
    assert "previous period" in text and "out of range" not in text


def test_it_links_the_print_stylesheet_and_keeps_controls_off_paper(login, alice, acme) -> None:
    (account,) = accounts_with_history(acme, 1, seed=2)
    url = reverse("reports:account-report", args=["acme", account.handle])

    body = login(alice).get(url).content.decode()

    assert 'href="/static/css/report.css"' in body
    assert 'class="pb-report-controls d-print-none' in body
    css = (Path(__file__).resolve().parents[2] / "static/css/report.css").read_text()
    assert "@media print" in css and ".pb-report-controls" in css


def test_it_never_fetches_what_the_html_names() -> None:
    """A URL in the report (an image, a stylesheet) is refused, so a PDF reaches no server."""
    import socket

    from reports.pdf import render_pdf

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.5)
        address = f"http://127.0.0.1:{listener.getsockname()[1]}"
        html = (
            f'<link rel="stylesheet" href="{address}/style.css">'
            f'<p>Hello</p><img src="{address}/image.png">'
        )

        pdf = render_pdf(html)

        with pytest.raises(TimeoutError):
            listener.accept()
    assert "Hello" in text_of(pdf)

"""The scorecard page's tables as rows of ready text: the same texts the filters, the
money tag and the shared pieces write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.template.defaultfilters import date as date_filter
from django.template.loader import render_to_string
from django.test import RequestFactory

from accounts.templatetags.playbook import percent
from analytics.review.scorecard import DailyPoint
from analytics.review.scorecard_tables import Pieces, daily_rows


def test_it_renders_a_piece_once_for_each_input() -> None:
    pieces = Pieces()
    mark = pieces.missing("No views on this day")
    assert mark == render_to_string("includes/missing.html", {"why": "No views on this day"})
    assert pieces.missing("No views on this day") is mark
    assert pieces.missing("No views on this day", "short") != mark


def test_it_writes_a_day_as_the_template_did() -> None:
    request = RequestFactory().get("/", headers={"Accept-Language": "de-DE"})
    day = date(2025, 3, 28)
    points = [
        DailyPoint(day, 12345, Decimal("0.04751"), Decimal("0"), None),
        DailyPoint(day, 0, None, Decimal("1234.5"), Decimal("2.5")),
        DailyPoint(day, None, None, None, None),
    ]
    spent, unspent, empty = daily_rows(points, currency="EUR", request=request, pieces=Pieces())
    assert spent == {
        "day": date_filter(day, "D j M"),
        "views": "12,345",
        "engagement_rate": percent(Decimal("0.04751")),
        "spend": "0,00\xa0€",
        "roas": render_to_string("includes/missing.html", {"why": "No spend on this day"}),
    }
    assert unspent["engagement_rate"] == render_to_string(
        "includes/missing.html", {"why": "No views on this day"}
    )
    assert unspent["spend"] == "1.234,50\xa0€"
    assert unspent["roas"] == "250.0%"
    assert empty == {"day": "Fri 28 Mar", "views": None}
    # The money was written in the reader's language, so the page varies on it.
    assert request.reads_language


def test_its_counts_are_what_intcomma_writes_in_each_language() -> None:
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils.translation import override

    from accounts.templatetags.playbook import whole_numbers

    for language in ("en-us", "de", "fr", "ja", "de-ch", "hi", "es", "pt-br", "uk"):
        with override(language):
            count = whole_numbers()
            for value in (0, 7, 999, 1000, 12345, 1234567890, -4321, -100000, 10**30):
                assert count(value) == intcomma(value), (language, value)


def test_percent_of_a_decimal_is_percent_of_its_text() -> None:
    """percent takes a Decimal as it is: the same text as the Decimal read from its text."""
    values = ["0.0475", "-0", "0", "1E+2", "-0.00005", "0.00015", "12345.678", "NaN", "sNaN"]
    for text in values:
        assert percent(Decimal(text)) == percent(text), text
        assert percent(Decimal(text), 2) == percent(text, 2), text
    assert percent(Decimal("0.0475")) == "4.8%"
    assert percent(Decimal("12345.678")) == "1,234,567.8%"
    assert percent(Decimal("sNaN")) == "—"


def test_score_of_a_decimal_is_score_of_its_text() -> None:
    from accounts.templatetags.playbook import score

    for text in ["72.25", "72.35", "-0", "0", "1E+2", "99.95", "100.000", "NaN"]:
        assert score(Decimal(text)) == score(text), text
    assert score(Decimal("72.25")) == "72.2"
    assert score(None) == score("") == "—"


def test_a_missing_score_in_the_history_is_the_partials_safe_html() -> None:
    from django.utils.safestring import SafeData

    from analytics.models import Scorecard
    from analytics.review.scorecard_tables import history_rows

    end = date(2025, 3, 28)
    card = Scorecard(days=28, period_start=date(2025, 3, 1), period_end=end, grade="")
    card.trend = None
    (row,) = history_rows([card], window_end=end)
    for of in ("engagement", "roi", "overall"):
        expected = render_to_string("analytics/partials/score.html", {"value": None, "of": of})
        assert row[of] == expected
        # Written into the page as it is, not escaped again.
        assert isinstance(row[of], SafeData)

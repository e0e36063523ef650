"""Money in the currency's own decimals and the reader's locale."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from lib.locales import request_locale
from lib.money import money_text


def render(value: object, currency: str, accept_language: str | None = None) -> str:
    headers = {"Accept-Language": accept_language} if accept_language is not None else {}
    request = RequestFactory().get("/", headers=headers)
    template = Template("{% money value currency %}")
    return template.render(Context({"value": value, "currency": currency, "request": request}))


def test_it_writes_dollars_with_cents_in_english() -> None:
    assert render(Decimal("1234.5"), "USD", "en-US,en;q=0.9") == "$1,234.50"


def test_it_writes_euros_the_german_way_for_a_german_reader() -> None:
    assert render(Decimal("1234.5"), "EUR", "de-DE,de;q=0.9,en;q=0.5") == "1.234,50\xa0€"


def test_it_writes_yen_without_decimals() -> None:
    assert render(Decimal("1234.00"), "JPY") == "¥1,234"
    # Half to even, as the scorecard rules round.
    assert render(Decimal("1234.5"), "JPY") == "¥1,234"
    assert render(Decimal("1235.5"), "JPY") == "¥1,236"


def test_it_writes_won_without_decimals() -> None:
    assert render(Decimal("98765.00"), "KRW") == "₩98,765"
    assert render(Decimal("98765.00"), "KRW", "ko-KR") == "₩98,765"


def test_it_falls_back_to_english_without_a_known_language() -> None:
    assert render(Decimal("20"), "USD") == "$20.00"
    assert render(Decimal("20"), "USD", "") == "$20.00"
    assert render(Decimal("20"), "USD", "xx-YY, *;q=0.1") == "$20.00"
    assert render(Decimal("20"), "USD", "de;q=nonsense") == "$20.00"


def test_it_falls_back_to_english_without_a_request() -> None:
    template = Template("{% money value 'EUR' %}")
    assert template.render(Context({"value": Decimal("3.5")})) == "€3.50"


@pytest.mark.parametrize("value", [None, "", "not a number"])
def test_it_marks_a_missing_amount(value: object) -> None:
    assert render(value, "USD") == "—"


def test_it_prefers_the_language_with_the_highest_quality() -> None:
    request = RequestFactory().get("/", headers={"Accept-Language": "en;q=0.3, fr-CH, de;q=0.7"})
    assert str(request_locale(request)) == "fr_CH"
    assert money_text(Decimal("1234.5"), "EUR", request_locale(request)).endswith(",50\xa0€")


def test_it_skips_languages_the_reader_refuses() -> None:
    request = RequestFactory().get("/", headers={"Accept-Language": "de;q=0, ja"})
    assert str(request_locale(request)) == "ja"


def test_its_writer_writes_what_money_text_writes_in_every_locale() -> None:
    """money_writer puts the symbol into the pattern once: the same text as money_text
    for every locale Babel knows (those whose number symbols or patterns it cannot take,
    like Swiss German's 1'234.50, are written by money_text itself)."""
    from babel import Locale, localedata

    from lib.money import money_writer

    amounts = [
        *(Decimal(text) for text in ("0.005", "-1234.567", "1000000.125", "-0", "999.995")),
        *(Decimal(text) for text in ("0.00", "-0.004", "2.5", "1E+3", "12345678901234.565")),
        *(Decimal(text) for text in ("100000", "-999999.5", "0.000001", "Infinity", "-Infinity")),
        7,
        -1234567,
    ]
    for name in localedata.locale_identifiers():
        locale = Locale.parse(name)
        for currency in ("USD", "JPY", "BHD"):
            write = money_writer(currency, locale)
            for amount in amounts:
                assert write(amount) == money_text(amount, currency, locale), (
                    name,
                    currency,
                    amount,
                )


def test_its_writer_writes_plain_patterns_itself() -> None:
    """The common locales' amounts are not handed to Babel one by one: the test above then
    compares the writer's own text with Babel's."""
    from lib.money import money_writer

    for name in ("en", "en_US", "de_DE", "fr_FR", "ja", "ko_KR", "es", "pt_BR"):
        assert not isinstance(money_writer("USD", name), partial), name


def test_its_writer_takes_a_locale_name_too() -> None:
    from lib.money import money_writer

    assert money_writer("EUR", "de_DE")(Decimal("1234.5")) == "1.234,50\xa0€"
    assert money_writer("USD", "gsw_CH")(Decimal("1234.5")) == money_text(
        Decimal("1234.5"), "USD", "gsw_CH"
    )

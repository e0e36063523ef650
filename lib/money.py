"""Amounts of money written the way the reader's locale writes its currency."""

from __future__ import annotations

from decimal import Decimal

from babel import Locale
from babel.numbers import format_currency


def money_text(amount: Decimal | int, currency: str, locale: Locale | str) -> str:
    """1234.5 USD in en -> '$1,234.50'; in de -> '1.234,50 $'; 1234 JPY in en -> '¥1,234'.

    Babel takes the number of decimals from the currency (none for JPY and KRW, two for
    most) and rounds half to even, as the scorecard rules do.
    """
    return format_currency(amount, currency, locale=locale)

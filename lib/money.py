"""Amounts of money written the way the reader's locale writes its currency."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache, partial

from babel import Locale
from babel.numbers import (
    NumberPattern,
    format_currency,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
    parse_pattern,
)

# What a currency symbol may not contain to go into a number pattern as a quoted literal:
# a quote, a currency sign, the negative subpattern's separator or a percent sign (which
# scales the number).
_NOT_QUOTABLE = frozenset("'¤;%‰")
# Babel takes quotes out of the text it writes, after the symbols of the number are in.
_QUOTE = "'"


def money_text(amount: Decimal | int, currency: str, locale: Locale | str) -> str:
    """1234.5 USD in en -> '$1,234.50'; in de -> '1.234,50 $'; 1234 JPY in en -> '¥1,234'.

    Babel takes the number of decimals from the currency (none for JPY and KRW, two for
    most) and rounds half to even, as the scorecard rules round.
    """
    return format_currency(amount, currency, locale=locale)


# A writer depends only on the currency and the locale's CLDR data, which do not change
# while the process runs: it is made once per pair (a few dozen lookups each), as
# lib.locales makes a header's locale once.
@lru_cache(maxsize=128)
def money_writer(currency: str, locale: Locale | str) -> Callable[[Decimal | int], str]:
    """money_text in one currency and locale, for the many amounts of a table.

    For each amount Babel writes the locale's pattern, then puts the currency's symbol in
    place of its sign and, to do so, works out the currency's name in the plural form the
    amount takes (which it does not write): half the cost of an amount. Here the symbol
    goes into the pattern once, as a quoted literal, which Babel writes as it is; the
    number, its decimals and its rounding are still Babel's, with the currency's digits.
    A pattern or a symbol this cannot be done with is written by money_text itself.
    """
    locale = Locale.parse(locale)
    standard = locale.currency_formats["standard"].pattern
    symbol = get_currency_symbol(currency, locale)
    # The number's own symbols may hold a quote (1'234.50 in Swiss German): Babel's
    # taking out of quoted literals would then reach into the number.
    numbers = (get_group_symbol(locale), get_decimal_symbol(locale), get_minus_sign_symbol(locale))
    if (
        _QUOTE in standard
        or standard.count("¤") != 1
        or _NOT_QUOTABLE & set(symbol)
        or any(_QUOTE in text for text in numbers)
    ):
        return partial(money_text, currency=currency, locale=locale)
    pattern = parse_pattern(standard.replace("¤", f"'{symbol}'"))
    # What format_currency(amount, currency, format=pattern, locale=locale) returns.
    babel_writes = partial(pattern.apply, locale=locale, currency=currency)
    if (
        pattern.scale
        or pattern.exp_prec
        or "@" in pattern.pattern
        or not pattern.number_pattern
        or pattern.int_prec[0] != 1
        or pattern.grouping != (3, 3)
    ):
        return babel_writes
    return _plain_writer(pattern, currency, locale, numbers, babel_writes)


def _plain_writer(
    pattern: NumberPattern,
    currency: str,
    locale: Locale,
    numbers: tuple[str, str, str],
    babel_writes: Callable[[Decimal | int], str],
) -> Callable[[Decimal | int], str]:
    """pattern.apply of a plain pattern (at least one integer digit, grouped by threes, no
    scale, exponent or significant digits), with Python's own grouping of the rounded
    number and one translation into the locale's symbols: Babel looks each symbol up
    again for each amount (a few dozen calls an amount). Babel's steps, in its order:
    the sign apart (a negative zero takes the negative prefix), the absolute value
    normalized, then rounded to the currency's digits in the current decimal context."""
    group, decimal_point, _ = numbers
    symbols = str.maketrans({",": group, ".": decimal_point})
    digits = get_currency_precision(currency)
    quantum = Decimal(10) ** -digits
    # The symbol is a quoted literal of the prefix or the suffix: Babel takes the quotes
    # out of the whole text, and none is in the number.
    prefix = [_unquoted(text) for text in pattern.prefix]
    suffix = [_unquoted(text) for text in pattern.suffix]

    def write(amount: Decimal | int) -> str:
        if type(amount) is not Decimal or not amount.is_finite():
            return babel_writes(amount)
        negative = amount.is_signed()
        number = format(abs(amount).normalize().quantize(quantum), ",f").translate(symbols)
        return f"{prefix[negative]}{number}{suffix[negative]}"

    return write


def _unquoted(text: str) -> str:
    """Babel's last step: quoted text without its quotes, a doubled quote as one."""
    return re.sub(r"'([^']*)'", lambda match: match.group(1) or _QUOTE, text)

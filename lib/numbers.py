"""Figures read from text with a bound on the work, whatever the text holds.

`Decimal("1e600000")` is cheap, but turning it into an int writes out 600,000 digits, at
a cost that grows with the square of the exponent: a 1 KB upload could hold a worker for
half a minute. Every numeric cell therefore goes through `bounded_decimal`, which looks
at the text's length first and at the number's magnitude (its exponent, read in
constant time) second, before anything converts it. What it lets through has at most
`MAX_FIGURE_CHARS` characters and lies within the caller's column range, so any later
int() or quantize() costs a few microseconds.

The text forms are Python's `Decimal` forms: ASCII or other Unicode decimal digits
(Arabic-Indic, full-width...), a sign, a decimal point, an exponent and underscores
between digits. "inf", "nan" and their kin are no figures.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# A figure's text: the largest count (19 digits) with thousands separators, a sign, a
# currency code and a few spaces stays well below this.
MAX_FIGURE_CHARS = 64
BIGINT_MAX = 2**63 - 1


class OutOfRange(ValueError):
    """A figure that is a number but too long or too large; the message completes "'x' ..."."""


def bounded_decimal(text: str, *, limit: int | Decimal) -> Decimal | None:
    """The number `text` writes, or None when it writes none (also for inf and nan).

    Raises OutOfRange when the text is longer than MAX_FIGURE_CHARS or the number's
    absolute value is above `limit`; both are decided before any conversion whose cost
    depends on the number's size.
    """
    if len(text) > MAX_FIGURE_CHARS:
        raise OutOfRange(f"is too long for a figure (over {MAX_FIGURE_CHARS} characters)")
    try:
        # Reading a string of bounded length is linear in it, whatever exponent it holds.
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    # adjusted() is the exponent of the leading digit: 1e600000 -> 600000, read without
    # expanding anything; the exact comparison below only runs for numbers of the
    # limit's own size.
    if number and number.adjusted() > len(str(int(limit))) - 1:
        raise OutOfRange("is too large")
    if number.copy_abs() > limit:
        raise OutOfRange("is too large")
    return number


def bounded_int(text: str, *, limit: int = BIGINT_MAX) -> int | None:
    """A whole number within ±limit, or None when `text` is no whole number."""
    number = bounded_decimal(text, limit=limit)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)

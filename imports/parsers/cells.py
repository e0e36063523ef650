"""Reading single cells: counts and amounts as each format writes them (days: parsers.days)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from imports.parsers.records import CENT, MAX_COUNT, MAX_MONEY, MONEY_ZERO, Bad
from lib.numbers import MAX_FIGURE_CHARS, OutOfRange, bounded_decimal


def show(cell: str) -> str:
    text = cell.strip()
    if len(text) > 40:
        text = text[:37] + "..."
    return f"'{text}'"


def _as_count(number: Decimal, cell: str) -> int:
    if number != number.to_integral_value():
        raise Bad(f"{show(cell)} is not a whole number")
    count = int(number)
    if abs(count) > MAX_COUNT:
        raise Bad(f"{show(cell)} is too large")
    return count


def _as_money(number: Decimal, cell: str) -> Decimal:
    try:
        amount = number.quantize(CENT)
    except InvalidOperation as exc:
        raise Bad(f"{show(cell)} is too large") from exc
    if amount != number:
        raise Bad(f"{show(cell)} has more than 2 decimal places")
    return amount


def _plain_decimal(text: str, cell: str, limit: int | Decimal) -> Decimal | None:
    """The number `text` writes (None when none, "NaN" and "Infinity" included).

    Length and magnitude are checked on the text before anything converts it
    (lib.numbers): a count written `1e600000` is refused at once, not expanded.
    """
    try:
        return bounded_decimal(text, limit=limit)
    except OutOfRange as exc:
        raise Bad(f"{show(cell)} {exc}") from exc


def _short(text: str, cell: str) -> str:
    # Separators, signs and currency marks come out of the text before it is read;
    # refusing long text first keeps that work bounded too.
    if len(text) > MAX_FIGURE_CHARS:
        raise Bad(f"{show(cell)} is too long for a figure (over {MAX_FIGURE_CHARS} characters)")
    return text


# Likes, comments and shares are TikTok's net change of the day: a day on which comments
# were deleted is negative (docs/imports.md, "Net daily counts"). Every other figure is a count
# or an amount that cannot be.
NET_FIELDS = frozenset({"likes", "comments", "shares"})


def canonical_count(cell: str, net: bool = False) -> int | None:
    """Read a count; a negative one only when `net` (a field of NET_FIELDS)."""
    # Plain digits, the common case, need none of the checks below (18 digits stay
    # below 2**63).
    if cell.isdigit() and cell.isascii() and len(cell) < 19:
        return int(cell)
    text = cell.strip()
    if not text:
        return None
    number = _plain_decimal(text, cell, MAX_COUNT)
    if number is None:
        raise Bad(f"{show(cell)} is not a number")
    if number < 0 and not net:
        raise Bad(f"{show(cell)} is negative")
    return _as_count(number, cell)


def canonical_money(cell: str, decimal_comma: bool) -> Decimal | None:
    text = _short(cell.strip(), cell)
    if not text:
        return None
    # Excel in most of Europe saves semicolon-separated CSV with decimal commas.
    if decimal_comma and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    number = _plain_decimal(text, cell, MAX_MONEY)
    if number is None:
        raise Bad(f"{show(cell)} is not an amount")
    if number < 0:
        raise Bad(f"{show(cell)} is negative")
    return _as_money(number, cell)


_GROUPED_COUNT = re.compile(r"\d{1,3}(?:([,. '\u00a0\u202f])\d{3})(?:\1\d{3})*")


def studio_count(cell: str, net: bool = False) -> int | None:
    """Read a Studio figure ("1,204", "1.204", "undefined"); negative only when `net`."""
    if cell.isdigit() and cell.isascii() and len(cell) < 19:
        return int(cell)
    text = _short(cell.strip(), cell)
    if not text or text.lower() == "undefined":
        return None
    # A net figure may carry a sign, also before thousands separators ("-1,204"), and
    # some spreadsheets write the minus sign as U+2212.
    sign = -1 if text[:1] in ("-", "\u2212") and len(text) > 1 else 1
    digits = text[1:] if sign < 0 else text
    if sign < 0 and not digits[:1].isdigit():
        raise Bad(f"{show(cell)} is not a number")
    if _GROUPED_COUNT.fullmatch(digits):
        number = _plain_decimal(re.sub(r"\D", "", digits), cell, MAX_COUNT)
        if number is None:
            raise Bad(f"{show(cell)} is not a number")
        number *= sign
    else:
        number = _plain_decimal(digits, cell, MAX_COUNT)
        if number is None:
            raise Bad(f"{show(cell)} is not a number")
        number *= sign
    if number < 0 and not net:
        raise Bad(f"{show(cell)} is negative")
    return _as_count(number, cell)


_CURRENCY_CODE = re.compile(r"^[A-Za-z]{3}\s*|\s*[A-Za-z]{3}$")
_NUMBER_NOISE = frozenset("% \u00a0\u202f'")
_NUMBER_SHAPE = re.compile(r"[\d.,]*\d[\d.,]*")
_GROUPED_COMMAS = re.compile(r"\d{1,3}(?:,\d{3})+")
_GROUPED_DOTS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_NONE_MARKS = frozenset({"-", "--", "\u2014", "\u2013"})


def ads_number(cell: str, money: bool) -> int | Decimal:
    # Plain digits within the column's range (12 digits for an amount, 18 for a count).
    if cell.isdigit() and cell.isascii() and len(cell) < (13 if money else 19):
        return Decimal(cell).quantize(CENT) if money else int(cell)
    text = _short(cell.strip(), cell)
    if not text or text in _NONE_MARKS:
        return MONEY_ZERO if money else 0
    text = _CURRENCY_CODE.sub("", text)
    text = "".join(
        char for char in text if char not in _NUMBER_NOISE and unicodedata.category(char) != "Sc"
    )
    negative = text[:1] in ("-", "\u2212")
    if negative:
        text = text[1:]
    if not _NUMBER_SHAPE.fullmatch(text):
        raise Bad(f"{show(cell)} is not a number")
    number = _grouped_decimal(text, cell, MAX_MONEY if money else MAX_COUNT)
    if number is None:
        raise Bad(f"{show(cell)} is not a number")
    if negative and number:
        raise Bad(f"{show(cell)} is negative")
    return _as_money(number, cell) if money else _as_count(number, cell)


def _grouped_decimal(text: str, cell: str, limit: int | Decimal) -> Decimal | None:
    """Read a number whose thousands separator and decimal mark vary by locale."""
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        # "1,234" is a thousand and more in every TikTok export; "12,5" is a decimal comma.
        text = text.replace(",", "") if _GROUPED_COMMAS.fullmatch(text) else text.replace(",", ".")
    elif text.count(".") > 1 and _GROUPED_DOTS.fullmatch(text):
        text = text.replace(".", "")
    return _plain_decimal(text, cell, limit)

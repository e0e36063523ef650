"""Reading single cells: counts, amounts and dates as each format writes them."""

from __future__ import annotations

import calendar
import re
import unicodedata
from contextlib import suppress
from datetime import date
from decimal import Decimal, InvalidOperation

from analytics.parsers.records import _CENT, _MAX_COUNT, _MONEY_ZERO, _Bad


def _show(cell: str) -> str:
    text = cell.strip()
    if len(text) > 40:
        text = text[:37] + "..."
    return f"'{text}'"


def _as_count(number: Decimal, cell: str) -> int:
    if number != number.to_integral_value():
        raise _Bad(f"{_show(cell)} is not a whole number")
    count = int(number)
    if count > _MAX_COUNT:
        raise _Bad(f"{_show(cell)} is too large")
    return count


def _as_money(number: Decimal, cell: str) -> Decimal:
    try:
        amount = number.quantize(_CENT)
    except InvalidOperation as exc:
        raise _Bad(f"{_show(cell)} is too large") from exc
    if amount != number:
        raise _Bad(f"{_show(cell)} has more than 2 decimal places")
    return amount


def _plain_decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    # Decimal() also reads "NaN" and "Infinity", which are no figures.
    return number if number.is_finite() else None


def _canonical_count(cell: str) -> int | None:
    # Plain digits, the common case, need none of the checks below (18 digits stay
    # below 2**63).
    if cell.isdigit() and cell.isascii() and len(cell) < 19:
        return int(cell)
    text = cell.strip()
    if not text:
        return None
    number = _plain_decimal(text)
    if number is None:
        raise _Bad(f"{_show(cell)} is not a number")
    if number < 0:
        raise _Bad(f"{_show(cell)} is negative")
    return _as_count(number, cell)


def _canonical_money(cell: str, decimal_comma: bool) -> Decimal | None:
    text = cell.strip()
    if not text:
        return None
    # Excel in most of Europe saves semicolon-separated CSV with decimal commas.
    if decimal_comma and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    number = _plain_decimal(text)
    if number is None:
        raise _Bad(f"{_show(cell)} is not an amount")
    if number < 0:
        raise _Bad(f"{_show(cell)} is negative")
    return _as_money(number, cell)


_GROUPED_COUNT = re.compile(r"\d{1,3}(?:([,. '\u00a0\u202f])\d{3})(?:\1\d{3})*")


def _studio_count(cell: str) -> int | None:
    if cell.isdigit() and cell.isascii() and len(cell) < 19:
        return int(cell)
    text = cell.strip()
    if not text or text.lower() == "undefined":
        return None
    if _GROUPED_COUNT.fullmatch(text):
        return _as_count(Decimal(re.sub(r"\D", "", text)), cell)
    number = _plain_decimal(text)
    if number is None:
        raise _Bad(f"{_show(cell)} is not a number")
    if number < 0:
        raise _Bad(f"{_show(cell)} is negative")
    return _as_count(number, cell)


_CURRENCY_CODE = re.compile(r"^[A-Za-z]{3}\s*|\s*[A-Za-z]{3}$")
_NUMBER_NOISE = frozenset("% \u00a0\u202f'")
_NUMBER_SHAPE = re.compile(r"[\d.,]*\d[\d.,]*")
_GROUPED_COMMAS = re.compile(r"\d{1,3}(?:,\d{3})+")
_GROUPED_DOTS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_NONE_MARKS = frozenset({"-", "--", "\u2014", "\u2013"})


def _ads_number(cell: str, money: bool) -> int | Decimal:
    if cell.isdigit() and cell.isascii() and len(cell) < 19:
        return Decimal(cell).quantize(_CENT) if money else int(cell)
    text = cell.strip()
    if not text or text in _NONE_MARKS:
        return _MONEY_ZERO if money else 0
    text = _CURRENCY_CODE.sub("", text)
    text = "".join(
        char for char in text if char not in _NUMBER_NOISE and unicodedata.category(char) != "Sc"
    )
    negative = text[:1] in ("-", "\u2212")
    if negative:
        text = text[1:]
    if not _NUMBER_SHAPE.fullmatch(text):
        raise _Bad(f"{_show(cell)} is not a number")
    number = _grouped_decimal(text)
    if number is None:
        raise _Bad(f"{_show(cell)} is not a number")
    if negative and number:
        raise _Bad(f"{_show(cell)} is negative")
    return _as_money(number, cell) if money else _as_count(number, cell)


def _grouped_decimal(text: str) -> Decimal | None:
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
    return _plain_decimal(text)


def _iso_date(cell: str) -> date | None:
    text = cell.strip()
    if (
        len(text) == 10
        and text[4] == "-"
        and text[7] == "-"
        and text[:4].isdigit()
        and text[5:7].isdigit()
        and text[8:].isdigit()
    ):
        with suppress(ValueError):
            return date.fromisoformat(text)
    return None


def _full_date(cell: str) -> date | None:
    """Read a date with its year: 2024-10-01, 2024/10/01 or 2024-10-01 00:00:00."""
    text = cell.strip()
    if len(text) < 10 or (len(text) > 10 and text[10] not in " T"):
        return None
    separator = text[4]
    if separator not in "-/" or text[7] != separator:
        return None
    parts = (text[:4], text[5:7], text[8:10])
    if not all(part.isdigit() and part.isascii() for part in parts):
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def _month_names() -> dict[str, int]:
    # Accents are stripped before lookup, so "März", "février" and "março" need no
    # separate spelling. English, Spanish, French, German, Portuguese, Italian, Dutch.
    names = (
        "january jan enero ene janvier janv januar janner janeiro gennaio gen januari",
        "february feb febrero febr fevrier fevr februar fevereiro fev febbraio februari",
        "march mar marzo mars marz maerz marco maart",
        "april apr abril abr avril avr aprile",
        "may mayo mai maio maggio mag mei",
        "june jun junio juin juni junho giugno giu",
        "july jul julio juillet juil juli julho luglio lug",
        "august aug agosto ago aout augustus",
        "september sep sept septiembre setiembre septembre settembre set setembro",
        "october oct octubre octobre oktober okt outubro out ottobre ott",
        "november nov noviembre novembre novembro",
        "december dec diciembre dic dicembre decembre dezember dez dezembro",
    )
    return {word: month for month, words in enumerate(names, 1) for word in words.split()}


_MONTHS = _month_names()
# Words that stand between day and month in the supported languages ("8 de marzo",
# "1er octobre", "October 1st").
_DATE_FILLERS = frozenset(
    {"de", "del", "di", "of", "the", "le", "el", "er", "st", "nd", "rd", "th", "o", "a"}
)
_DATE_TOKEN = re.compile(r"[a-z]+|\d+")


def _studio_day(cell: str) -> date | tuple[int, int] | None:
    """Read a Studio date: a (month, day) pair when it has no year, else the date."""
    explicit = _full_date(cell)
    if explicit is not None:
        return explicit
    plain = unicodedata.normalize("NFKD", cell.lower())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    tokens = _DATE_TOKEN.findall(plain)
    numbers = [token for token in tokens if token.isdigit()]
    words = [token for token in tokens if not token.isdigit() and token not in _DATE_FILLERS]
    if len(words) != 1 or words[0] not in _MONTHS or len(numbers) not in (1, 2):
        return None
    month = _MONTHS[words[0]]
    days = [number for number in numbers if len(number) <= 2]
    years = [number for number in numbers if len(number) == 4]
    if len(days) != 1 or len(years) != len(numbers) - 1:
        return None
    day = int(days[0])
    if not 1 <= day <= calendar.monthrange(2000, month)[1]:
        return None
    if years:
        try:
            return date(int(years[0]), month, day)
        except ValueError:
            return None
    return month, day


def _place_in_years(entries: list[date | tuple[int, int]], as_of: date) -> list[date | None]:
    """Give yearless Studio dates their years, as imports.md says.

    The newest (last) row gets the latest year that puts it on or before as_of; walking
    back up the file the year steps back by one whenever month and day go up. A Feb 29
    takes the latest leap year at or before the year the walk arrives at.
    """
    placed: list[date | None] = [None] * len(entries)
    later: date | None = None
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        if isinstance(entry, date):
            placed[index] = later = entry
            continue
        month, day = entry
        anchor = as_of if later is None else later
        year = anchor.year - 1 if (month, day) > (anchor.month, anchor.day) else anchor.year
        while year > 1 and not (day <= calendar.monthrange(year, month)[1]):
            year -= 1
        with suppress(ValueError):
            placed[index] = later = date(year, month, day)
    return placed

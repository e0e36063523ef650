"""Scorecards as the rows of docs/scoring.md, "Exports" (the command and the CSV view).

The columns and how each cell is written are here; the figures themselves come from
analytics.scorecards.rules. Like the rules, nothing here needs the database.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO

from analytics.scorecards import rules

if TYPE_CHECKING:
    from analytics.models import Scorecard

_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

EXPORT_COLUMNS: tuple[str, ...] = (
    "handle",
    "kind",
    "period_start",
    "period_end",
    "views",
    "interactions",
    "engagement_rate",
    "follower_growth",
    "impressions",
    "clicks",
    "conversions",
    "spend",
    "revenue",
    "ctr",
    "conversion_rate",
    "cpa",
    "roas",
    "roi",
    "engagement_score",
    "roi_score",
    "overall_score",
    "grade",
    "quadrant",
    "flags",
)

# How each export column is written (docs/scoring.md, "Exports"); the rest are text, as is.
_DATE_COLUMNS = frozenset({"period_start", "period_end"})
_COUNT_COLUMNS = frozenset({"views", "interactions", "impressions", "clicks", "conversions"})
_RATE_COLUMNS = frozenset(
    {"engagement_rate", "follower_growth", "ctr", "conversion_rate", "roas", "roi"}
)
_MONEY_COLUMNS = frozenset({"spend", "revenue", "cpa"})
_SCORE_COLUMNS = frozenset({"engagement_score", "roi_score", "overall_score"})

_RATE_PLACES = Decimal("0.000001")
_MONEY_PLACES = Decimal("0.01")


def scorecard_row(card: Scorecard) -> list[str]:
    """One export row; needs card.account loaded (select_related)."""
    values = {
        "handle": card.account.handle,
        "kind": card.account.kind,
        "flags": card.flags,
    }
    return [
        export_value(column, values[column] if column in values else getattr(card, column))
        for column in EXPORT_COLUMNS
    ]


def spreadsheet_safe(cell: str) -> str:
    """Neutralises a cell Excel would run as a formula; plain numbers stay as they are."""
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(cell):
        return "'" + cell
    return cell


def write_csv(cards: Iterable[Scorecard], out: TextIO, *, for_spreadsheet: bool = False) -> int:
    """Writes the header and one row per scorecard; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in _rows(cards):
        writer.writerow([spreadsheet_safe(c) for c in row] if for_spreadsheet else row)
        count += 1
    return count


def _rows(cards: Iterable[Scorecard]) -> Iterator[list[str]]:
    for card in cards:
        yield scorecard_row(card)


def export_value(name: str, value: object) -> str:
    """One cell of the scorecard export, formatted as docs/scoring.md, "Exports", says."""
    if name not in EXPORT_COLUMNS:
        raise ValueError(f"{name!r} is not a scorecard export column.")
    if value is None:
        return ""
    if name == "flags":
        return _export_flags(value)
    if name in _DATE_COLUMNS:
        # A datetime is a date too, but its isoformat() would carry a time of day.
        if isinstance(value, datetime) or not isinstance(value, date):
            raise TypeError(f"{name} must be a date, not {type(value).__name__}.")
        return value.isoformat()
    if name in _COUNT_COLUMNS:
        return _export_count(name, value)
    if name in _RATE_COLUMNS:
        return _fixed(rules.as_decimal(value), _RATE_PLACES)
    if name in _MONEY_COLUMNS:
        return _fixed(rules.as_decimal(value), _MONEY_PLACES)
    if name in _SCORE_COLUMNS:
        return _fixed(rules.as_decimal(value), rules.SCORE_PLACES)
    return str(value)


def _fixed(value: Decimal, places: Decimal) -> str:
    rounded = value.quantize(places, context=rules.CONTEXT)
    # A tiny negative value rounds to -0.000000; the sign carries no meaning there.
    if rounded == 0:
        rounded = rounded.copy_abs()
    # The "f" format never switches to exponent notation and adds no thousands separators.
    return f"{rounded:f}"


def _export_count(name: str, value: object) -> str:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a count, not a bool.")
    if isinstance(value, int):
        return str(value)
    number = rules.as_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"{name} must be a whole number, not {number}.")
    return str(int(number))


def _export_flags(value: object) -> str:
    # Flags may arrive as the tuple of a Score or as the ";"-joined text of a stored one.
    if isinstance(value, str):
        names = [flag for flag in value.split(";") if flag]
    elif isinstance(value, Iterable):
        names = [str(flag) for flag in value]
    else:
        raise TypeError(f"flags must be a sequence of flag names, not {type(value).__name__}.")
    unknown = [flag for flag in names if flag not in rules.FLAGS]
    if unknown:
        raise ValueError(f"Unknown scorecard flags: {unknown}.")
    return ";".join(flag for flag in rules.FLAGS if flag in names)

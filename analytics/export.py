"""Scorecards as the rows of docs/scoring.md, "Exports" (the command and the CSV view)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from typing import TextIO

from analytics import rules
from analytics.models import Scorecard

_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def scorecard_row(card: Scorecard) -> list[str]:
    """One export row; needs card.account loaded (select_related)."""
    values = {
        "handle": card.account.handle,
        "kind": card.account.kind,
        "flags": card.flags,
    }
    return [
        rules.export_value(column, values[column] if column in values else getattr(card, column))
        for column in rules.EXPORT_COLUMNS
    ]


def spreadsheet_safe(cell: str) -> str:
    """Neutralises a cell Excel would run as a formula; plain numbers stay as they are."""
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(cell):
        return "'" + cell
    return cell


def write_csv(cards: Iterable[Scorecard], out: TextIO, *, for_spreadsheet: bool = False) -> int:
    """Writes the header and one row per scorecard; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rules.EXPORT_COLUMNS)
    count = 0
    for row in _rows(cards):
        writer.writerow([spreadsheet_safe(c) for c in row] if for_spreadsheet else row)
        count += 1
    return count


def _rows(cards: Iterable[Scorecard]) -> Iterator[list[str]]:
    for card in cards:
        yield scorecard_row(card)

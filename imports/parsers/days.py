"""Reading days: ISO and full dates, Studio's worded days, and placing yearless days in years."""

from __future__ import annotations

import calendar
import itertools
import re
from contextlib import suppress
from datetime import date
from functools import lru_cache

from imports.parsers.cells import show
from imports.parsers.months import fold, month_table, tokens


def iso_date(cell: str) -> date | None:
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


def full_date(cell: str) -> date | None:
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


class StudioDay(tuple):
    """A yearless Studio date: (month, day) as the first language that reads it says.

    `readings` holds what the date is in every language that reads it (month, day, and
    the year when the cell has one); `place_in_years` picks the file's language from the
    readings of all its dates. `text` is the cell as written.
    """

    readings: dict[str, tuple[int, int, int | None]]
    text: str

    def __new__(cls, text: str, readings: dict[str, tuple[int, int, int | None]]) -> StudioDay:
        month, day, _year = next(iter(readings.values()))
        made = super().__new__(cls, (month, day))
        made.readings = readings
        made.text = text
        return made


def studio_day(cell: str) -> date | tuple[int, int] | None:
    """Read a Studio date: a (month, day) pair when it has no year, else the date.

    The pair is a `StudioDay` that also knows every language the date reads in.
    """
    explicit = full_date(cell)
    if explicit is not None:
        return explicit
    text = cell.strip()
    numeric = _DOTTED_DAY.fullmatch(text)
    if numeric is not None:
        return _dotted_day(numeric)
    return _worded_day(text)


# Day and month in digits, each followed by a dot, as Czech ("13. 9.") and Finnish
# ("13.9.") downloads write them; a year may follow ("13. 9. 2024").
_DOTTED_DAY = re.compile(r"(\d{1,2})\.\s?(\d{1,2})\.(?:\s?(\d{4}))?", re.ASCII)


def _dotted_day(match: re.Match[str]) -> date | tuple[int, int] | None:
    day, month = int(match[1]), int(match[2])
    year = int(match[3]) if match[3] else None
    if not 1 <= month <= 12 or not _fits(day, month, year):
        return None
    return (month, day) if year is None else date(year, month, day)


@lru_cache(maxsize=8192)
def _worded_day(text: str) -> date | StudioDay | None:
    # Cached by the cell's text: a file repeats its dates (24 times a day in
    # FollowerActivity), and a year holds only 366 of them.
    table = month_table()
    words = tokens(fold(text))
    if not words or len(words) > 8:
        return None
    readings: dict[str, tuple[int, int, int | None]] = {}
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            found = table.names.get(words[start : start + size])
            if found is None:
                continue
            rest = words[:start] + words[start + size :]
            numbers = [word for word in rest if word.isdigit()]
            days = [number for number in numbers if len(number) <= 2]
            years = [number for number in numbers if len(number) == 4]
            if len(days) != 1 or len(days) + len(years) != len(numbers) or len(years) > 1:
                continue
            day = int(days[0])
            year = int(years[0]) if years else None
            others = [word for word in rest if not word.isdigit()]
            for language, month in found:
                in_era = _common_era(language, year)
                if language in readings or not _fits(day, month, in_era):
                    continue
                if all(word in table.fillers[language] for word in others):
                    readings[language] = (month, day, in_era)
    if not readings:
        return None
    ordered = dict(sorted(readings.items(), key=lambda item: table.rank(item[0])))
    if len(set(ordered.values())) == 1:
        month, day, year = next(iter(ordered.values()))
        if year is not None:
            return date(year, month, day)
    return StudioDay(text, ordered)


# Thai dates count years in the Buddhist era, 543 years ahead of the common era
# (2567 is 2024); a Thai year that far ahead can only be one.
_BUDDHIST_ERA = 543


def _common_era(language: str, year: int | None) -> int | None:
    if year is not None and language == "th" and year > 2400:
        return year - _BUDDHIST_ERA
    return year


def _fits(day: int, month: int, year: int | None) -> bool:
    if year is None:
        # February 29 is a date: it takes a leap year when it is placed.
        return 1 <= day <= calendar.monthrange(2000, month)[1]
    return 1 <= year <= 9999 and 1 <= day <= calendar.monthrange(year, month)[1]


class _Placed(list):
    """The placed dates of a file, and the name of the language they were read in."""

    language: str = ""
    code: str | None = None  # the language's key in each date's `readings`


def _file_language(entries: list[date | tuple[int, int]], as_of: date) -> str | None:
    """The language a file's worded dates are in (None when none of them is worded).

    All dates of one file are in one language. When several languages read every date
    and read them differently ("listopad" is November in Polish, October in Croatian),
    the one that keeps the file within a year and ends nearest the reference date wins;
    then the one TikTok lists first. When no language reads every date, the one that
    reads the most does, and the others are errors.
    """
    worded = {id(entry): entry for entry in entries if isinstance(entry, StudioDay)}
    if not worded:
        return None
    table = month_table()
    counts: dict[str, int] = {}
    for entry in worded.values():
        for language in entry.readings:
            counts[language] = counts.get(language, 0) + 1
    most = max(counts.values())
    candidates = sorted(
        (language for language, count in counts.items() if count == most), key=table.rank
    )
    if len(candidates) == 1:
        return candidates[0]
    # Languages that read every date alike give the same file: one of each kind is tried.
    kinds: dict[tuple, str] = {}
    for language in candidates:
        kinds.setdefault(tuple(entry.readings.get(language) for entry in worded.values()), language)
    if len(kinds) == 1:
        return candidates[0]

    def score(language: str) -> tuple[int, int, int]:
        placed = [day for day in _placed(entries, as_of, language) if day is not None]
        if not placed:
            return (1, 0, table.rank(language))
        span = (max(placed) - min(placed)).days
        return (int(span > 366), (as_of - placed[-1]).days, table.rank(language))

    return min(kinds.values(), key=score)


def place_in_years(entries: list[date | tuple[int, int]], as_of: date) -> list[date | None]:
    """Give yearless Studio dates their years, as docs/imports.md says.

    The newest (last) row gets the latest year that puts it on or before as_of; walking
    back up the file the year steps back by one whenever month and day go up. A Feb 29
    takes the latest leap year at or before the year the walk arrives at. Worded dates are
    read in the file's language (`_file_language`); a date that does not read in it is
    None, as is one that cannot be placed. The list's `language` names the language.
    """
    language = _file_language(entries, as_of)
    placed = _Placed(_placed(entries, as_of, language))
    placed.language = month_table().display[language] if language else ""
    placed.code = language
    return placed


def _placed(
    entries: list[date | tuple[int, int]], as_of: date, language: str | None
) -> list[date | None]:
    placed: list[date | None] = [None] * len(entries)
    later: date | None = None
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        if isinstance(entry, date):
            placed[index] = later = entry
            continue
        if isinstance(entry, StudioDay):
            reading = entry.readings.get(language or "")
            if reading is None:
                continue
            month, day, year = reading
            if year is not None:
                placed[index] = later = date(year, month, day)
                continue
        else:
            month, day = entry
        # A date with its year after as_of is an error of its own; it does not pull the
        # rows before it into years that have not come.
        anchor = as_of if later is None or later > as_of else later
        year = anchor.year - 1 if (month, day) > (anchor.month, anchor.day) else anchor.year
        while year > 1 and not (day <= calendar.monthrange(year, month)[1]):
            year -= 1
        with suppress(ValueError):
            placed[index] = later = date(year, month, day)
    return placed


# Consecutive rows further apart than this across a new year are not a file running
# over 31 December: the dates go back and forth, and the placing invents a year.
SUGGESTED_YEAR_STEP_DAYS = 31


def unsuggested_year_steps(rows: list, limit: int = 3) -> list[str]:
    """Where placing a file's dates steps back a year that its dates do not suggest.

    Rows stand oldest first; walking up, a year steps back when month and day go up. Over
    31 December to 1 January that is the calendar; between rows months apart (rows out
    of order, or a wrong "Downloaded on") it puts data a year away. Each such step is
    named with the dates it will write.
    """
    warnings: list[str] = []
    ordered = sorted((row for row in rows if getattr(row, "date", None)), key=lambda r: r.line)
    for before, after in itertools.pairwise(ordered):
        if before.date.year < after.date.year:
            gap = (after.date - before.date).days
            if gap > SUGGESTED_YEAR_STEP_DAYS:
                warnings.append(
                    f"lines {before.line} and {after.line}: the rows go from "
                    f"{before.date:%d %b} to {after.date:%d %b}, so line {before.line} and the "
                    f"rows above it are placed a year earlier ({before.date.isoformat()}, "
                    f"{gap} days before {after.date.isoformat()}); check the rows' order and "
                    "the download date"
                )
                if len(warnings) >= limit:
                    break
    return warnings


def unplaced(entry: date | tuple[int, int], language: str) -> str:
    """Why a Studio date got no place: not in the file's language, or no such day."""
    if isinstance(entry, StudioDay) and language and entry.readings:
        shown = show(entry.text)
        return f"{shown} is not a date in {language}, the language of the file's other dates"
    return "the date cannot be placed in a year"


def not_yet(day: date, as_of: date) -> str:
    """The error for a day after the reference date (--as-of, default today)."""
    return f"{day.isoformat()} has not happened yet (the reference date is {as_of.isoformat()})"

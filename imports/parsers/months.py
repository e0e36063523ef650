"""Month names in every language TikTok's interface offers, for Studio's yearless dates.

TikTok writes a download's dates in the language of the person's interface ("February
28", "8 de marzo", "18 января", "9月13日", "18 tháng Tám") and keeps the headers in
English. The names come from the Unicode CLDR through Babel: format and stand-alone, wide
and abbreviated, plus the words the locale's own day-and-month patterns put around them
("de", "日", "일", Hebrew's "ב" before the month). Vietnamese downloads also spell the
month's number out ("tháng Tám"), which CLDR does not list, so those names are added here.

Text is compared folded (`fold`): case folded, compatibility forms and accents removed,
and every script's digits turned into ASCII ones, so "März" and "marz", "９月" and "9月",
"١٨" and "18" read alike. The table is built once, on first use.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.dates import tokenize_pattern

# TikTok's interface languages, as TikTok lists them for its app (the TikTok Sans font's
# notes: "Languages supported by ... TikTok app"), plus the Indian languages the app
# offered when it was available in India. The order breaks ties: when the dates of a file
# read alike in several languages, the one listed first names it.
TIKTOK_LANGUAGES = (
    "en",
    "es",
    "pt",
    "fr",
    "de",
    "ru",
    "id",
    "jv",
    "ms",
    "fil",
    "ceb",
    "vi",
    "sw",
    "tr",
    "kk",
    "uz",
    "pl",
    "uk",
    "cs",
    "sk",
    "sl",
    "hr",
    "bg",
    "hu",
    "sq",
    "lt",
    "lv",
    "et",
    "fi",
    "it",
    "ro",
    "el",
    "ca",
    "sv",
    "nb",
    "da",
    "is",
    "nl",
    "ga",
    "ar",
    "he",
    "hi",
    "ur",
    "bn",
    "th",
    "km",
    "my",
    "zh_Hans",
    "zh_Hant",
    "ja",
    "ko",
    "gu",
    "kn",
    "ml",
    "mr",
    "or",
    "pa",
    "ta",
    "te",
)
# Regional forms of the same languages whose month names differ from the main locale's
# (Levantine and Maghrebi Arabic, British "Sept", Mexican "sep"...). They count as the
# language they belong to.
REGIONAL_LOCALES = {
    "en": ("en_GB", "en_AU", "en_IN"),
    "es": ("es_MX", "es_US", "es_419"),
    "pt": ("pt_PT",),
    "fr": ("fr_CA",),
    "ar": ("ar_SY", "ar_LB", "ar_IQ", "ar_JO", "ar_MA", "ar_TN", "ar_DZ"),
    "zh_Hant": ("zh_Hant_HK",),
    "ur": ("ur_IN",),
}
# Month numbers spelled out, "tháng Một" to "tháng Mười Hai", as Vietnamese downloads write
# them; CLDR only has "tháng 1" to "tháng 12". April is "tháng Tư" (also heard as "Bốn").
VIETNAMESE_SPELLED = (
    ("một", "giêng"),
    ("hai",),
    ("ba",),
    ("tư", "bốn"),
    ("năm",),
    ("sáu",),
    ("bảy",),
    ("tám",),
    ("chín",),
    ("mười",),
    ("mười một",),
    ("mười hai", "chạp"),
)
# Words some languages put around the day that their CLDR patterns do not hold: English
# and French ordinals ("1st", "1er") and "of" ("1st of March").
EXTRA_FILLERS = {
    "en": ("st", "nd", "rd", "th", "of", "the"),
    "fr": ("er",),
}
# The skeletons whose patterns say how a locale writes a day of a month, with or without
# the year.
_SKELETONS = ("MMMMd", "MMMd", "yMMMMd", "yMMMd", "MMMMEd", "MMMEd")

Tokens = tuple[str, ...]


def fold(text: str) -> str:
    """Text as the table compares it: case folded, without accents, with ASCII digits."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        digit = unicodedata.decimal(char, None)
        kept.append(str(digit) if digit is not None else char)
    return unicodedata.normalize("NFC", "".join(kept))


def tokens(folded: str) -> Tokens:
    """Split folded text into runs of digits and runs of letters (with their marks).

    Everything else (spaces, dots, commas, hyphens, apostrophes, Hebrew's geresh) only
    separates: "d’abril" is ("d", "abril"), "ก.ย." is ("ก", "ย"), "9月13日" is
    ("9", "月", "13", "日").
    """
    found: list[str] = []
    current: list[str] = []
    kind = ""
    for char in folded:
        if "0" <= char <= "9":
            this = "digit"
        elif unicodedata.category(char)[0] in "LM":
            this = "word"
        else:
            this = ""
        if this != kind and current:
            found.append("".join(current))
            current = []
        kind = this
        if this:
            current.append(char)
    if current:
        found.append("".join(current))
    return tuple(found)


@dataclass(frozen=True)
class MonthTable:
    # Each month name, as tokens, with the languages that use it and its month there.
    names: dict[Tokens, tuple[tuple[str, int], ...]]
    # The words each language may write beside the day and month ("de", "日", "г").
    fillers: dict[str, frozenset[str]]
    # Languages in TIKTOK_LANGUAGES order, and their English names.
    languages: tuple[str, ...]
    display: dict[str, str]

    def rank(self, language: str) -> int:
        return self.languages.index(language)


def _locale_names(locale: Locale) -> list[tuple[int, str]]:
    names: list[tuple[int, str]] = []
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for month, name in locale.months[context][width].items():
                names.append((month, name))
    return names


def _pattern_words(locale: Locale) -> tuple[set[str], set[str]]:
    """The literal words of the locale's day-and-month patterns, and prefixes of the month.

    A literal glued to the month field ("d בMMMM" in Hebrew) is written as part of the
    month's word, so it comes back as a prefix to add to every name.
    """
    words: set[str] = set()
    prefixes: set[str] = set()
    skeletons = locale.datetime_skeletons
    for skeleton in _SKELETONS:
        pattern = skeletons.get(skeleton)
        if pattern is None:
            continue
        parts = tokenize_pattern(str(pattern))
        for index, (kind, value) in enumerate(parts):
            if kind != "chars":
                continue
            words.update(tokens(fold(value)))
            following = parts[index + 1] if index + 1 < len(parts) else None
            if (
                following is not None
                and following[0] == "field"
                and following[1][0] in "ML"
                and following[1][1] >= 3
                and value[-1:].strip()
            ):
                glued = tokens(fold(value))
                if glued and fold(value).endswith(glued[-1]):
                    prefixes.add(glued[-1])
    return words, prefixes


def _add(
    table: dict[Tokens, dict[str, set[int]]],
    language: str,
    month: int,
    name: str,
    prefixes: set[str],
) -> None:
    key = tokens(fold(name))
    if not key:
        return
    table.setdefault(key, {}).setdefault(language, set()).add(month)
    for prefix in prefixes:
        glued = (prefix + key[0], *key[1:])
        table.setdefault(glued, {}).setdefault(language, set()).add(month)


@cache
def month_table() -> MonthTable:
    """The month names of every TikTok language, built once per process."""
    collected: dict[Tokens, dict[str, set[int]]] = {}
    fillers: dict[str, frozenset[str]] = {}
    display: dict[str, str] = {}
    for language in TIKTOK_LANGUAGES:
        words: set[str] = set(EXTRA_FILLERS.get(language, ()))
        for code in (language, *REGIONAL_LOCALES.get(language, ())):
            locale = Locale.parse(code)
            found, prefixes = _pattern_words(locale)
            words |= found
            for month, name in _locale_names(locale):
                _add(collected, language, month, name, prefixes)
        if language == "vi":
            for month, spellings in enumerate(VIETNAMESE_SPELLED, 1):
                for spelled in spellings:
                    _add(collected, language, month, f"tháng {spelled}", set())
        # Numbers are the day and the year, never fillers.
        fillers[language] = frozenset(word for word in words if not word.isdigit())
        display[language] = Locale.parse(language).get_display_name("en") or language
    names: dict[Tokens, tuple[tuple[str, int], ...]] = {}
    for key, by_language in collected.items():
        # A name that means two months in one language (after folding) names neither.
        readings = tuple(
            (language, next(iter(months)))
            for language, months in by_language.items()
            if len(months) == 1
        )
        if readings:
            names[key] = readings
    return MonthTable(names, fillers, TIKTOK_LANGUAGES, display)

"""Promotional versus authentic videos (docs/imports.md, "the promotional rule").

A video is promotional when a person on the team marked it so, or else when its title holds
one of the team's promotional markers: matched case-insensitively, accents ignored, as whole
words or hashtags. A marker that is a word (`sale`) also matches as a hashtag (`#sale`); a
hashtag marker (`#ad`) matches only the hashtag.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_MARKERS = (
    "#ad",
    "#ads",
    "#sponsored",
    "#sponsor",
    "#partner",
    "#paidpartnership",
    "#promo",
    "#promotion",
    "#affiliate",
    "#tiktokshop",
    "#giveaway",
    "sale",
    "discount",
    "promo code",
    "discount code",
    "% off",
    "link in bio",
    "shop now",
    "buy now",
    "limited time",
    "free shipping",
    "back in stock",
)
MAX_MARKERS = 200
MAX_MARKER_LENGTH = 60


def fold(text: str) -> str:
    """Lower-cased, accents removed, runs of white space as one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def _pattern(marker: str) -> str:
    words = [re.escape(word) for word in marker.split(" ")]
    body = r"\s+".join(words)
    # A hashtag starts wherever its "#" is, also right after another tag ("#fyp#ad"), as
    # TikTok reads captions; a bare word needs a word boundary before it.
    if marker[0].isalnum() or marker[0] == "_":
        body = r"(?:#|(?<![\w#]))" + body
    if marker[-1].isalnum() or marker[-1] == "_":
        body += r"(?!\w)"
    return body


@dataclass(frozen=True)
class Matcher:
    """The compiled form of one team's markers; `matches(title)` says if any is in it."""

    markers: tuple[str, ...]
    regex: re.Pattern[str] | None

    def matches(self, title: str | None) -> bool:
        if not title or self.regex is None:
            return False
        return self.regex.search(fold(title)) is not None

    def is_promotional(self, title: str | None, mark: bool | None) -> bool:
        """A person's mark wins; without one, the title's markers decide."""
        if mark is not None:
            return mark
        return self.matches(title)


def clean_markers(markers: Iterable[str]) -> tuple[str, ...]:
    """Folded, de-duplicated markers in their given order, blanks dropped."""
    seen: dict[str, None] = {}
    for marker in markers:
        folded = fold(marker)
        if folded:
            seen.setdefault(folded, None)
    return tuple(seen)


def compile_markers(markers: Iterable[str]) -> Matcher:
    folded = clean_markers(markers)
    if not folded:
        return Matcher((), None)
    # Longest first, so that "promo code" is tried before "#promo"; the result is the same
    # either way (search, not match), but the order keeps the regex easy to read in a debugger.
    ordered = sorted(folded, key=len, reverse=True)
    return Matcher(folded, re.compile("|".join(_pattern(marker) for marker in ordered)))


def team_markers(team: object) -> tuple[str, ...]:
    """The team's markers: its own list if a lead saved one, else the defaults."""
    from analytics.models import PromotionalMarkers

    saved = PromotionalMarkers.objects.filter(team=team).values_list("markers", flat=True).first()
    return tuple(saved) if saved is not None else DEFAULT_MARKERS


def team_matcher(team: object) -> Matcher:
    return compile_markers(team_markers(team))

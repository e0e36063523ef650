"""Finding the header row and telling the formats (and Studio tabs) apart by it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from imports.parsers.records import METRIC_FIELDS, PAID_FIELDS, RowError


def _key(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).lower()


METRIC_SET = frozenset(METRIC_FIELDS)
# Columns no Ads Manager report has, so a header with one of them is canonical for sure.
_CANONICAL_ONLY = frozenset({"handle", "video_views", "profile_views"})
# A canonical header made only of these names could also be a Studio tab whose dates
# carry no year; the first data row settles it.
_STUDIO_LOOKALIKE = frozenset({"likes", "comments", "shares", "followers"})

STUDIO_COLUMNS = {
    "overview": {
        "video views": "video_views",
        "profile views": "profile_views",
        "likes": "likes",
        "comments": "comments",
        "shares": "shares",
    },
    "followers": {"followers": "followers"},
    "viewers": {
        "total viewers": "total_viewers",
        "new viewers": "new_viewers",
        "returning viewers": "returning_viewers",
    },
    "follower-activity": {"active followers": "active_followers"},
    "gender": {"distribution": "share"},
    "territories": {"distribution": "share"},
    "content": {
        "total views": "views",
        "total likes": "likes",
        "total comments": "comments",
        "total shares": "shares",
    },
}
# Columns of the standard download that Playbook reads no figure from: they are expected,
# so the summary does not call them unknown.
STUDIO_KNOWN = {
    # Newer downloads add "New followers" (net, may be negative); the Followers tab is
    # where Playbook reads followers from.
    "overview": frozenset({"date", "new followers"}),
    "followers": frozenset({"date", "difference in followers from previous day"}),
    "viewers": frozenset({"date"}),
    "follower-activity": frozenset({"date", "hour"}),
    "gender": frozenset({"gender"}),
    "territories": frozenset({"top territories"}),
    "content": frozenset(
        {"time", "video title", "video link", "post time", "views in the last 7 days"}
    ),
}
# The column that names what each audience share is about.
SHARE_KEYS = {"gender": "gender", "territories": "top territories"}
NO_KNOWN_FORMAT = "the header matches no known format"

_ADS_ALIASES = {
    "date": ("By Day", "Date", "Day", "stat_time_day"),
    "spend": ("Cost", "Total Cost", "Spend", "spend"),
    "impressions": ("Impressions", "Impression", "impressions"),
    "clicks": ("Clicks (destination)", "Destination clicks", "Clicks", "clicks"),
    "conversions": (
        "Conversions",
        "Complete payment",
        "Total Complete Payment",
        "Result",
        "conversion",
    ),
    "revenue": (
        "Total complete payment value",
        "Complete payment value",
        "Purchase value",
        "Conversion Value",
        "total_complete_payment_rate",
    ),
    "campaign": ("Campaign name", "Campaign Name", "Campaign"),
    "currency": ("Currency",),
}
_ADS_KEYS = {
    name: tuple(_key(alias) for alias in aliases) for name, aliases in _ADS_ALIASES.items()
}
# Ads Manager may name the currency inside a money column's header: "Cost (ZAR)".
_NAMED_CURRENCY = re.compile(r"^(?P<name>.+?)\s*\((?P<currency>[a-z]{3})\)$")
_MONEY_KEYS = frozenset(_ADS_KEYS["spend"] + _ADS_KEYS["revenue"])
_RATE_WORDS = frozenset({"ctr", "cpc", "cpm", "cpa", "cvr", "rate", "roas"})
_CANONICAL_NAMES = frozenset({"date", "handle", *METRIC_FIELDS})


@dataclass(frozen=True)
class Header:
    line: int
    cells: list[str]
    keys: list[str]
    format: str
    tab: str | None
    sure: bool = True

    def first_positions(self) -> dict[str, int]:
        positions: dict[str, int] = {}
        for index, key in enumerate(self.keys):
            if key:
                positions.setdefault(key, index)
        return positions


def ads_layout(keys: list[str]) -> dict[str, int]:
    """Map each Ads Manager field to the column of its first present alias."""
    positions: dict[str, int] = {}
    for index, key in enumerate(keys):
        positions.setdefault(key, index)
    for index, key in enumerate(keys):
        named = _named_currency(key)
        if named is not None:
            positions.setdefault(named[0], index)
    layout: dict[str, int] = {}
    for name, aliases in _ADS_KEYS.items():
        for alias in aliases:
            if alias in positions:
                layout[name] = positions[alias]
                break
    return layout


def _named_currency(key: str) -> tuple[str, str] | None:
    """("cost", "ZAR") for a money column's header "cost (zar)", else None."""
    match = _NAMED_CURRENCY.match(key)
    if match is None or match["name"] not in _MONEY_KEYS:
        return None
    return match["name"], match["currency"].upper()


def named_currencies(keys: list[str], layout: dict[str, int]) -> list[tuple[str, int]]:
    """The currencies the money columns of an Ads Manager layout name, with their columns."""
    found = []
    for field in ("spend", "revenue"):
        if field in layout and (named := _named_currency(keys[layout[field]])) is not None:
            found.append((named[1], layout[field]))
    return found


def _is_ads_layout(layout: dict[str, int]) -> bool:
    return "date" in layout and any(name in layout for name in PAID_FIELDS)


def _is_rate(key: str) -> bool:
    return bool(_RATE_WORDS.intersection(re.findall(r"[a-z]+", key)))


def _studio_tab(present: set[str], loose: bool) -> str | None:
    if "date" in present:
        if present & {"video views", "profile views"}:
            return "overview"
        if "difference in followers from previous day" in present:
            return "followers"
        if present & STUDIO_COLUMNS["viewers"].keys():
            return "viewers"
        if {"hour", "active followers"} <= present:
            return "follower-activity"
    if "distribution" in present:
        for tab, key in SHARE_KEYS.items():
            if key in present:
                return tab
    if present & {"video title", "video link"} and present & STUDIO_COLUMNS["content"].keys():
        return "content"
    if loose and "date" in present:
        if "followers" in present:
            return "followers"
        if present & STUDIO_COLUMNS["overview"].keys():
            return "overview"
    return None


def _detect(keys: list[str], forced: str) -> tuple[str, str | None, bool] | None:
    """Name the format (and Studio tab) a header belongs to, or None."""
    present = set(keys)
    canonical = "date" in present and bool(present & METRIC_SET)
    layout = ads_layout(keys)
    ads = _is_ads_layout(layout)
    if forced == "canonical":
        return ("canonical", None, True) if canonical else None
    if forced == "ads-manager":
        return ("ads-manager", None, True) if ads else None
    if forced == "tiktok-studio":
        tab = _studio_tab(present, loose=True)
        return ("tiktok-studio", tab, True) if tab else None
    if canonical and present & _CANONICAL_ONLY:
        return "canonical", None, True
    # Ads reports may carry "Video views" or "Likes" too; a column only Ads Manager writes
    # (Cost, By Day, Campaign name, CTR...) decides before the Studio signatures are tried.
    ads_only = any(keys[index] not in _CANONICAL_NAMES for index in layout.values())
    if ads and (ads_only or any(_is_rate(key) for key in keys)):
        return "ads-manager", None, True
    tab = _studio_tab(present, loose=False)
    if tab:
        return "tiktok-studio", tab, True
    if canonical:
        return "canonical", None, not (present & METRIC_SET) <= _STUDIO_LOOKALIKE
    if ads:
        return "ads-manager", None, True
    return None


def match_header(line: int, cells: list[str], forced: str) -> Header | None:
    cells = [cell.replace("\ufeff", "").strip() for cell in cells]
    keys = [_key(cell) for cell in cells]
    found = _detect(keys, forced)
    if found is None:
        return None
    format_name, tab, sure = found
    return Header(line, cells, keys, format_name, tab, sure)


def no_header(name: str, cells: list[str] | None, forced: str) -> RowError:
    if cells is None:
        return RowError(name, 0, "", "the file is empty")
    shown = ", ".join(cell.strip() for cell in cells if cell.strip())
    if len(shown) > 120:
        shown = shown[:117] + "..."
    keys = [_key(cell) for cell in cells]
    layout = ads_layout(keys)
    if "date" not in layout and any(name in layout for name in PAID_FIELDS):
        message = (
            "an Ads Manager report without a day column: "
            f"export it with a daily breakdown (found: {shown})"
        )
    elif forced != "auto":
        message = f"the header does not match the {forced} format (found: {shown})"
    else:
        message = f"{NO_KNOWN_FORMAT} (found: {shown})"
    return RowError(name, 0, "", message)

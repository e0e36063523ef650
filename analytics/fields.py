"""The figures of the analytics models: their names and their column kinds, in one place.

The names of a day's metrics are given once for the models, the parsers and the writers;
the column kinds (money, rates, scores) once for every model that stores them. Only
Django's field classes are imported (no settings, no database), so the parsers, which
know nothing about the database, take the names from here too.
"""

from __future__ import annotations

from django.db import models

# Every figure of a DailyMetric row, in the order of the canonical CSV and the table.
METRIC_FIELDS: tuple[str, ...] = (
    "video_views",
    "profile_views",
    "likes",
    "comments",
    "shares",
    "followers",
    "spend",
    "impressions",
    "clicks",
    "conversions",
    "revenue",
)
# Amounts of money, kept to the cent; every other figure is a whole number.
MONEY_FIELDS: tuple[str, ...] = ("spend", "revenue")
COUNT_FIELDS: tuple[str, ...] = tuple(name for name in METRIC_FIELDS if name not in MONEY_FIELDS)
# The figures of paid promotion, which a campaign's days add up to on the account.
PAID_FIELDS: tuple[str, ...] = ("spend", "impressions", "clicks", "conversions", "revenue")
# TikTok's captions hold at most 4,000 characters: a longer title (from a file or the API)
# is cut to this, with a note.
MAX_TITLE_CHARS = 4000


# Column kinds the analytics models share.
def money_field(**kwargs: object) -> models.DecimalField:
    """An amount of money, to the cent (numeric(14, 2)), 0 unless given."""
    return models.DecimalField(max_digits=14, decimal_places=2, default=0, **kwargs)


def rate_field() -> models.DecimalField:
    """A ratio, to twelve decimals; may be empty."""
    return models.DecimalField(max_digits=24, decimal_places=12, null=True, blank=True)


def score_field() -> models.DecimalField:
    """A score, to one decimal; may be empty."""
    return models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)

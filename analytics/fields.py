"""The figures of a day's metrics, named once for the models, the parsers and the writers.

This module imports nothing from Django, so the parsers (which know nothing about the
database) and the models can both take these names from here.
"""

from __future__ import annotations

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

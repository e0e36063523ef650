"""Targets and totals the scorecard rule tests share (docs/scoring.md)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from analytics.scorecards import rules
from analytics.scorecards.rules import DEFAULT_TARGETS, OFFICIAL, Targets, Totals, score

# One target set for both kinds, so that tests comparing kinds only see the weights differ.
EVEN_TARGETS = Targets(
    engagement_rate=Decimal("0.05"),
    follower_growth=Decimal("0.03"),
    ctr=Decimal("0.01"),
    conversion_rate=Decimal("0.02"),
    roi=Decimal("1.00"),
)


def make_totals(**changes: object) -> Totals:
    """A full 28-day window with no paid activity and no follower values, then `changes`."""
    base = Totals(
        days_with_rows=28,
        days_with_spend=0,
        video_views=100_000,
        interactions=4_000,
        impressions=0,
        clicks=0,
        conversions=0,
        spend=Decimal("0.00"),
        revenue=Decimal("0.00"),
        followers_end=None,
        followers_base=None,
    )
    return dataclasses.replace(base, **changes)


def score_of(
    totals: Totals,
    *,
    kind: str = OFFICIAL,
    verified: bool = True,
    days: int = 28,
    targets: Targets | None = None,
    previous_overall: Decimal | None = None,
) -> rules.Score:
    return score(
        kind=kind,
        verified=verified,
        days=days,
        totals=totals,
        targets=targets if targets is not None else DEFAULT_TARGETS[kind],
        previous_overall=previous_overall,
    )


# A marketing account with every figure present, used by several tests below.
MARKETING_TOTALS = make_totals(
    days_with_spend=28,
    video_views=200_000,
    interactions=4_000,
    impressions=500_000,
    clicks=4_000,
    conversions=60,
    spend=Decimal("1200.00"),
    revenue=Decimal("2100.00"),
    followers_end=5_050,
    followers_base=5_000,
)

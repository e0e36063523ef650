"""What to fix first on a scorecard: plain rules, no ORM (like analytics.scorecards.rules).

The first of these that applies names the next step:

1. no metric row in the period: import the account's daily metrics;
2. a data gap: import the missing days (a grade on a few days says little);
3. a marketing account without paid promotion: run some (its ROI cannot be measured);
4. the weakest sub-score under 100: that figure, against its target;
5. otherwise every measured figure meets its target.

Each figure is addressed by one practice of the seed's checklists (strategy.defaults),
named here by practice and item title: analytics reads strategy, never the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from analytics.scorecards.terms import DATA_GAP, MARKETING, NO_DATA, NO_PAID_MARKETING, OFFICIAL

IMPORT_ALL = "import_all"
IMPORT_GAP = "import_gap"
START_PAID = "start_paid"
WEAKEST = "weakest"
ALL_MET = "all_met"

# (kind, figure) -> (practice name, start of the item's title) in the default checklists.
ADDRESSED_BY: dict[tuple[str, str], tuple[str, str]] = {
    (OFFICIAL, "engagement_rate"): ("Engage Regularly", "Replied to comments"),
    (OFFICIAL, "follower_growth"): ("Engage Regularly", "Posted at least three videos"),
    (MARKETING, "engagement_rate"): ("Campaign work", "The week's posts use the campaign"),
    (MARKETING, "follower_growth"): ("Collaborate with Influencers", "Contacted or ran"),
    (MARKETING, "ctr"): ("Leverage Paid Ads", "Tried an ad format"),
    (MARKETING, "conversion_rate"): ("Focus on ROI", "Reviewed this period's scorecard"),
    (MARKETING, "roi"): ("Focus on ROI", "Reviewed this period's scorecard"),
    (MARKETING, START_PAID): ("Leverage Paid Ads", "Paid promotion ran"),
}


@dataclass(frozen=True)
class NextStep:
    step: str
    figure: str = ""  # for WEAKEST: the figure's name
    sub_score: Decimal | None = None

    def practice(self, kind: str) -> tuple[str, str] | None:
        """(practice, item title start) of the checklist item that addresses it, if any."""
        key = self.figure if self.step == WEAKEST else self.step
        return ADDRESSED_BY.get((kind, key))


def next_step(*, flags: list[str], sub_scores: list[tuple[str, Decimal | None]]) -> NextStep:
    """The first step of the module's list; `sub_scores` as (figure, sub-score) in the
    scorecard's order, which also breaks ties."""
    if NO_DATA in flags:
        return NextStep(IMPORT_ALL)
    if DATA_GAP in flags:
        return NextStep(IMPORT_GAP)
    if NO_PAID_MARKETING in flags:
        return NextStep(START_PAID)
    measured = [
        (value, index, name) for index, (name, value) in enumerate(sub_scores) if value is not None
    ]
    if measured:
        value, _, name = min(measured)
        if value < 100:
            return NextStep(WEAKEST, figure=name, sub_score=value)
    return NextStep(ALL_MET)

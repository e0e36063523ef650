"""The fast scoring gives the very same results as the rules did before it, on random inputs.

analytics.scorecards.rules.score was rewritten for speed (the context's methods instead of a
`localcontext` per step, no intermediate objects). tests/analytics/rules_reference.py is the
frozen earlier version; here hypothesis draws totals, targets, window lengths and previous
scores, and every field of both results must be equal down to each Decimal's digits and
exponent (their reprs), not only in value.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.scorecards import rules
from tests.analytics import rules_reference

COUNT = st.integers(min_value=0, max_value=10**12)
SMALL_COUNT = st.integers(min_value=0, max_value=60)


def money(max_cents: int) -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=0, max_value=max_cents).map(lambda cents: Decimal(cents) / 100)


@st.composite
def totals(draw: st.DrawFn) -> rules.Totals:
    # Small counts next to big ones reach the edges: zero denominators, rates above target,
    # growth below zero, profits below zero.
    count = st.one_of(SMALL_COUNT, COUNT)
    days_with_rows = draw(st.integers(min_value=0, max_value=400))
    return rules.Totals(
        days_with_rows=days_with_rows,
        days_with_spend=draw(st.integers(min_value=0, max_value=days_with_rows)),
        video_views=draw(count),
        interactions=draw(count),
        impressions=draw(count),
        clicks=draw(count),
        conversions=draw(count),
        spend=draw(st.one_of(money(500), money(10**12))),
        revenue=draw(st.one_of(money(500), money(10**12))),
        followers_end=draw(st.none() | COUNT),
        followers_base=draw(st.none() | st.just(0) | COUNT),
    )


def target(places: int) -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=0, max_value=10 ** (places + 1)).map(
        lambda n: Decimal(n).scaleb(-places)
    )


TARGETS = st.builds(
    rules.Targets,
    engagement_rate=target(4),
    follower_growth=target(4),
    ctr=target(4),
    conversion_rate=target(4),
    roi=target(2),
) | st.sampled_from(list(rules.DEFAULT_TARGETS.values()))

PREVIOUS = st.none() | st.decimals(
    min_value=-200, max_value=200, allow_nan=False, allow_infinity=False, places=6
)


def results(**inputs: object) -> tuple[str, str]:
    return repr(rules.score(**inputs)), repr(rules_reference.score(**inputs))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(rules.KINDS),
    verified=st.booleans(),
    days=st.sampled_from([1, 7, 14, 28]) | st.integers(min_value=1, max_value=1100),
    totals=totals(),
    targets=TARGETS,
    previous_overall=PREVIOUS,
)
def test_it_scores_exactly_as_the_rules_did_before(
    kind: str,
    verified: bool,
    days: int,
    totals: rules.Totals,
    targets: rules.Targets,
    previous_overall: Decimal | None,
) -> None:
    inputs = {
        "kind": kind,
        "verified": verified,
        "days": days,
        "totals": totals,
        "targets": targets,
        "previous_overall": previous_overall,
    }

    fast, reference = results(**inputs)

    assert fast == reference
    # What a recompute asks of the previous window: its overall score alone.
    alone = rules.overall_score(kind=kind, days=days, totals=totals, targets=targets)
    assert repr(alone) == repr(rules_reference.score(**inputs).overall_score)


@settings(max_examples=200, deadline=None)
@given(
    totals=totals(),
    targets=TARGETS,
    days=st.integers(min_value=1, max_value=1100),
)
def test_it_keeps_every_part_of_the_rules_exact_too(
    totals: rules.Totals, targets: rules.Targets, days: int
) -> None:
    assert repr(rules.figures(totals)) == repr(rules_reference.figures(totals))
    assert repr(rules.scaled_targets(targets, days)) == repr(
        rules_reference.scaled_targets(targets, days)
    )
    figures = rules.figures(totals)
    for name in ("engagement_rate", "ctr", "conversion_rate", "roi"):
        figure, goal = getattr(figures, name), getattr(targets, name)
        assert repr(rules.sub_score(figure, goal)) == repr(rules_reference.sub_score(figure, goal))
        assert repr(rules.round_score(figure)) == repr(rules_reference.round_score(figure))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(rules.KINDS),
    verified=st.booleans(),
    days=st.sampled_from([1, 7, 14, 28]) | st.integers(min_value=1, max_value=1100),
    totals=totals(),
    previous_totals=st.just(rules.EMPTY_TOTALS) | totals(),
    targets=TARGETS,
)
def test_it_gives_a_recompute_the_very_values_of_the_earlier_rules(
    kind: str,
    verified: bool,
    days: int,
    totals: rules.Totals,
    previous_totals: rules.Totals,
    targets: rules.Targets,
) -> None:
    common = {"kind": kind, "verified": verified, "days": days, "targets": targets}
    previous_overall = rules_reference.score(
        **common, totals=previous_totals, previous_overall=None
    ).overall_score
    reference = rules_reference.score(**common, totals=totals, previous_overall=previous_overall)
    figures = reference.figures

    values = rules.score_values(
        **common, sums=rules.sums_of(totals), previous_sums=rules.sums_of(previous_totals)
    )

    assert repr(values) == repr(
        (
            figures.engagement_rate,
            figures.follower_growth,
            figures.ctr,
            figures.conversion_rate,
            figures.cpa,
            figures.roas,
            figures.roi,
            reference.engagement_score,
            reference.roi_score,
            reference.overall_score,
            previous_overall,
            reference.grade,
            reference.quadrant,
            reference.flags,
        )
    )


def test_it_refuses_what_the_rules_refused() -> None:
    inputs = {
        "kind": rules.OFFICIAL,
        "verified": True,
        "days": 0,
        "totals": rules.EMPTY_TOTALS,
        "targets": rules.DEFAULT_TARGETS[rules.OFFICIAL],
        "previous_overall": None,
    }
    for changes in ({"days": 0}, {"days": 7, "kind": "influencer"}):
        errors = []
        for implementation in (rules.score, rules_reference.score, overall_only, values_only):
            try:
                implementation(**{**inputs, **changes})
            except ValueError as error:
                errors.append(str(error))
        assert len(errors) == 4 and len(set(errors)) == 1


def overall_only(*, verified: bool, previous_overall: Decimal | None, **inputs: object) -> object:
    return rules.overall_score(**inputs)


def values_only(
    *, totals: rules.Totals, previous_overall: Decimal | None, **inputs: object
) -> object:
    return rules.score_values(
        **inputs, sums=rules.sums_of(totals), previous_sums=rules.sums_of(totals)
    )

"""The practice-beside-outcome section, written by the practice_outcome tag, is byte for
byte what its partial (analytics/partials/practice_outcome.html, kept here as the reference)
wrote, in each of its branches, for a lead and a manager."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, engines

from analytics.review.practice import (
    PracticeOutcome,
    PracticeWeek,
    practice_chart_data,
)
from analytics.review.scorecard_tables import Pieces, week_rows
from analytics.templatetags.scorecard_sections import practice_outcome

PARTIAL = """{% load scorecard_rows %}{% comment %}Checklist completion beside the main outcome, week by week. With: outcome (analytics.review.practice.PracticeOutcome); weeks (its rows of text, scorecard_tables.week_rows).{% endcomment %}<section class="mb-4" aria-labelledby="practice-outcome-h">
  <h2 class="h5" id="practice-outcome-h">Practice beside {{ outcome.outcome_label }}, last {{ outcome.weeks|length }} weeks</h2>
  <p class="small text-body-secondary mb-2">Week by week (Monday to Sunday): the share of the week's checklist that was done, beside the week's {{ outcome.outcome_label }}{% if outcome.outcome_name == "roi" %} ((revenue − spend) ÷ spend){% else %} (likes, comments and shares ÷ video views){% endif %}, the main result of {% if outcome.kind == "official" %}an official{% else %}a marketing{% endif %} account.</p>
  {% with comparison=outcome.comparison both=outcome.weeks_with_both total=outcome.weeks|length %}
  <div id="practice-summary" class="mb-3">
  {% if not outcome.enough %}
    <p class="alert alert-light border mb-0">Too few weeks to tell whether doing the practices goes with better results ({{ both }} of {{ total }} weeks have both a checklist and metrics). {% if membership.is_lead %}Tick the account's <a href="{% url 'strategy:checklist' membership.team.slug account.handle %}">weekly checklist</a> and import its daily metrics to fill this in.{% else %}Tick the account's <a href="{% url 'strategy:checklist' membership.team.slug account.handle %}">weekly checklist</a> each week; a lead imports the metrics.{% endif %}</p>
  {% else %}
    <p class="mb-1"><strong>{{ both }} of {{ total }} weeks</strong> have both a checklist and metrics.</p>
    {% if comparison.done_weeks and comparison.undone_weeks %}
    <p class="mb-1">In the {{ comparison.done_weeks }} week{{ comparison.done_weeks|pluralize }} with at least half of the checklist done, the {{ outcome.outcome_label }} averaged <strong>{{ comparison.done_average|percent }}</strong>; in the {{ comparison.undone_weeks }} week{{ comparison.undone_weeks|pluralize }} with less than half done, it averaged <strong>{{ comparison.undone_average|percent }}</strong>.
      {% if comparison.direction == "same" %}The averages are the same.{% else %}That is {{ comparison.difference_points }} percentage points <strong>{{ comparison.direction }}</strong> in the weeks with the practices done.{% endif %}</p>
    {% elif comparison.done_weeks %}
    <p class="mb-1">At least half of the checklist was done in every one of these {{ both }} weeks (the {{ outcome.outcome_label }} averaged {{ comparison.done_average|percent }}), so there are no weeks with less done to compare with.</p>
    {% else %}
    <p class="mb-1">Less than half of the checklist was done in every one of these {{ both }} weeks (the {{ outcome.outcome_label }} averaged {{ comparison.undone_average|percent }}), so there are no weeks with the practices done to compare with.</p>
    {% endif %}
    <p class="small text-body-secondary mb-0">This is a correlation, not proof: other things change from week to week too (the videos, the season, the spend), and with a few weeks a difference can be chance.</p>
  {% endif %}
  </div>
  {% endwith %}
  {% if outcome.has_figures %}
  {{ practice_chart_data|json_data:"practice-outcome-data" }}
  <div class="pb-chart pb-chart-practice">
    <canvas data-chart="practice-outcome" role="img" aria-label="Bar chart of the weekly share of the checklist done (left axis, percent) with a line of the weekly {{ outcome.outcome_label }} (right axis, percent); the table below gives the same figures."></canvas>
  </div>
  <details class="mt-3">
    <summary>Weekly figures as a table</summary>
    <div class="pb-table-wrap">
    <table class="table table-sm" id="practice-outcome-table">
      <caption class="visually-hidden">Checklist done and {{ outcome.outcome_label }} of @{{ account.handle }} per week, oldest first; a week without a figure shows — with the reason</caption>
      <thead><tr><th scope="col">Week</th><th scope="col" class="text-end">Checklist done</th><th scope="col" class="text-end">{{ outcome.outcome_label|capfirst }}</th></tr></thead>
      <tbody>
      {% week_rows weeks %}
      </tbody>
    </table>
    </div>
  </details>
  {% endif %}
</section>
"""  # noqa: E501


def weeks(*pairs: tuple[str | None, str | None]) -> list[PracticeWeek]:
    start = date(2025, 1, 6)
    return [
        PracticeWeek(
            week=start + timedelta(weeks=n),
            completion=None if done is None else Decimal(done),
            outcome=None if result is None else Decimal(result),
            completion_missing="No checklist" if done is None else "",
            outcome_missing="No metrics & <views>" if result is None else "",
        )
        for n, (done, result) in enumerate(pairs)
    ]


ENOUGH_BOTH = weeks(
    ("1", "0.05"), ("0.8", "0.04"), ("0.2", "0.03"), ("0", "0.02"), ("0.5", "0.06"), ("0.1", "1.5")
)
CASES = {
    "too few": weeks(("1", "0.05"), (None, "0.02"), ("0.5", None), (None, None)),
    "nothing": weeks((None, None), (None, None)),
    "both sides": ENOUGH_BOTH,
    "the same": weeks(*[("1", "0.05"), ("0", "0.05")] * 3),
    "one done week": weeks(("1", "0.05"), *[("0", "0.01")] * 6),
    "one undone week": weeks(("0", "0.05"), *[("1", "0.01")] * 6),
    "all done": weeks(*[("0.9", "0.0123")] * 7, (None, "0.4")),
    "none done": weeks(*[("0.1", "-0.5")] * 6),
    "large": weeks(*[("1", "123.4567"), ("0", "-0.5")] * 3),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lead", [True, False])
@pytest.mark.parametrize("kind", ["official", "marketing"])
def test_it_writes_what_its_partial_wrote(case: str, lead: bool, kind: str) -> None:
    official = kind == "official"
    outcome = PracticeOutcome(
        kind=kind,
        outcome_name="engagement_rate" if official else "roi",
        outcome_label="engagement rate" if official else "ROI",
        weeks=CASES[case],
    )
    rows = week_rows(outcome.weeks, pieces=Pieces())
    chart = practice_chart_data(outcome)
    context = {
        "membership": SimpleNamespace(is_lead=lead, team=SimpleNamespace(slug="acme")),
        "account": SimpleNamespace(handle="shop.co_1"),
        "outcome": outcome,
        "weeks": rows,
        "practice_chart_data": chart,
    }
    expected = engines["django"].from_string(PARTIAL).render(context)
    written = practice_outcome(Context(context), outcome, rows, chart)
    assert written == expected

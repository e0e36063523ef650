"""The scores of the account's scorecard page, written by the scores_section tag, are byte
for byte what the page's template wrote (kept here as the reference), in each branch."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, engines

from analytics.templatetags.scorecard_sections import scores_section

SECTION = """{% load analytics review_table %}<section class="row g-3 mb-4" aria-label="Scores">
  <div class="col-6 col-md-3">
    <div class="border rounded p-3 h-100">
      <div class="small text-body-secondary">Grade</div>
      <div class="fs-3">{% grade_cell card.grade %}
</div>
    </div>
  </div>
  <div class="col-6 col-md-3">
    <div class="border rounded p-3 h-100">
      <div class="small text-body-secondary">Overall score</div>
      <div class="fs-3 fw-semibold">{% score_cell card.overall_score "overall" %}
</div>
      <div class="small">{% trend_cell trend %}
 <span class="text-body-secondary">against the previous {{ window_days }} days{% if card.previous_overall_score is not None %} ({{ card.previous_overall_score|score }}){% endif %}</span></div>
    </div>
  </div>
  <div class="col-6 col-md-3">
    <div class="border rounded p-3 h-100">
      <div class="small text-body-secondary">Engagement score</div>
      <div class="fs-4">{% score_cell card.engagement_score "engagement" %}
</div>
      <div class="small text-body-secondary">weighs {{ account.kind|score_weight:"engagement" }}% in the overall score</div>
    </div>
  </div>
  <div class="col-6 col-md-3">
    <div class="border rounded p-3 h-100">
      <div class="small text-body-secondary">ROI score</div>
      <div class="fs-4">{% score_cell card.roi_score "roi" %}
</div>
      <div class="small text-body-secondary">weighs {{ account.kind|score_weight:"roi" }}% in the overall score</div>
    </div>
  </div>
  <div class="col-12">
    {% grade_legend card.grade %}
  </div>
  <div class="col-12">
    <p class="mb-1">Quadrant: <strong>{{ card|quadrant_of }}</strong>.</p>
    <p class="mb-0" id="practice-score">Practice: {% if practice_score is None %}<strong>—</strong> <span class="text-body-secondary">no checklist items in the weeks of this period, so there is no practice score.</span>{% else %}<strong>{{ practice_score|percent }}</strong> of checklist items done in the weeks of this period.{% endif %} <a href="{% url 'strategy:checklist-history' membership.team.slug account.handle %}">Checklist history</a></p>
  </div>
</section>"""  # noqa: E501


def card(kind: str, **scores: object) -> SimpleNamespace:
    fields = {
        "grade": "B",
        "overall_score": Decimal("74.25"),
        "engagement_score": Decimal("80.0"),
        "roi_score": Decimal("51.05"),
        "previous_overall_score": Decimal("70.0"),
        "quadrant": "star",
    }
    fields.update(scores)
    return SimpleNamespace(account=SimpleNamespace(kind=kind, handle="shop.co_1"), **fields)


CASES = {
    "scored": ({}, Decimal("4.25"), Decimal("0.5")),
    "down": ({"grade": "F", "quadrant": "at_risk"}, Decimal("-3.0"), Decimal("0.0125")),
    "flat": ({"previous_overall_score": Decimal("74.25")}, Decimal("0"), None),
    "unscored": (
        {
            "grade": "",
            "overall_score": None,
            "engagement_score": None,
            "roi_score": None,
            "previous_overall_score": None,
            "quadrant": "",
        },
        None,
        None,
    ),
    "goal met": ({"roi_score": None, "quadrant": "engaging"}, None, Decimal("1")),
    "converting": ({"engagement_score": None, "quadrant": "converting"}, Decimal("0.1"), None),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("kind", ["official", "marketing"])
@pytest.mark.parametrize("days", ["7", "28", "90"])
def test_it_writes_what_the_template_wrote(case: str, kind: str, days: str) -> None:
    scores, trend, practice_score = CASES[case]
    scorecard = card(kind, **scores)
    context = {
        "membership": SimpleNamespace(is_lead=True, team=SimpleNamespace(slug="acme")),
        "account": scorecard.account,
        "card": scorecard,
        "trend": trend,
        "practice_score": practice_score,
        "window_days": days,
    }
    expected = engines["django"].from_string(SECTION).render(context)
    assert scores_section(Context(context), scorecard, trend, practice_score) == expected

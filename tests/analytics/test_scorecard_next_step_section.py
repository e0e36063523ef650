"""What to fix first on the account's scorecard page, written by the next_step_section tag,
is byte for byte what its partial (analytics/partials/next_step.html, kept here as the
reference) wrote, in each of its branches, for a lead and a manager."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, engines

from analytics.review.next_step_item import ScorecardNextStep, StepItem
from analytics.review.scorecard import FigureRow
from analytics.scorecards import next_step as steps
from analytics.templatetags.scorecard_sections import next_step_section

PARTIAL = """{% load analytics %}{% with step=next_step.step figure=next_step.figure item=next_step.item %}
<section class="mb-4" aria-labelledby="next-step-h" id="next-step" data-next-step="{{ step.step }}">
  <h2 class="h5" id="next-step-h">What to fix first</h2>
  <div class="border rounded p-3">
  {# The import page's address is asked only by the two steps that link to it. #}
  {% if step.step == "import_all" %}{% url 'imports:import-upload' membership.team.slug as import_url %}
  <p class="mb-1">There is no metric row of @{{ account.handle }} in this period, so nothing can be graded. Import the account's daily metrics{% if import_url %} on the <a href="{{ import_url }}?account={{ account.handle|urlencode }}">import page</a>{% endif %}.</p>
  {% elif step.step == "import_gap" %}{% url 'imports:import-upload' membership.team.slug as import_url %}
  <p class="mb-1">Only {{ card.days_with_rows }} of the period's {{ card.days }} days have data, so this grade rests on part of the period. Import the missing days first{% if import_url %} on the <a href="{{ import_url }}?account={{ account.handle|urlencode }}">import page</a>{% endif %}; then the weakest figure can be told.</p>
  {% elif step.step == "start_paid" %}
  <p class="mb-1">This marketing account spent nothing on paid promotion in the period, so its click-through rate, conversion rate and ROI cannot be measured. Run some paid promotion.</p>
  {% elif step.step == "weakest" %}
  <p class="mb-1"><strong>{{ figure.label }}</strong> is the weakest figure against its target: {{ figure.value|percent }} for a target of {{ figure.target|percent }}, a sub-score of {{ figure.sub_score|score }} out of 100.</p>
  {% else %}
  <p class="mb-1">Every figure that could be measured meets its target{% if card|goal_met %}: engaging without paid activity is this official account's goal, and it is met{% endif %}. Keep the checklist going.</p>
  {% endif %}
  {% if item %}
  <p class="mb-0">The checklist item that addresses it: <a href="{% url 'strategy:checklist' membership.team.slug account.handle %}" data-next-step-item>{{ item.title }}</a> <span class="text-body-secondary">({{ item.practice_name }})</span>.</p>
  {% elif step.step == "weakest" or step.step == "start_paid" %}
  <p class="mb-0 text-body-secondary">No item of the team's {{ account.get_kind_display|lower }} checklist addresses this figure{% if next_step.practice_name %} (the practice "{{ next_step.practice_name }}" has no active item){% endif %}.{% if membership.is_lead %} <a href="{% url 'strategy:checklist-templates' membership.team.slug %}">Add one to the checklist</a>.{% endif %}</p>
  {% endif %}
  </div>
</section>
{% endwith %}
"""  # noqa: E501

WEAKEST = FigureRow(
    name="ctr",
    label="Click-through rate <CTR>",
    value=Decimal("0.0123"),
    form="rate",
    target=Decimal("0.02"),
    sub_score=Decimal("61.5"),
)


class Account(SimpleNamespace):
    def get_kind_display(self) -> str:
        return "Official" if self.kind == "official" else "Marketing"


STEPS = [
    (steps.NextStep(steps.IMPORT_ALL), None),
    (steps.NextStep(steps.IMPORT_GAP), None),
    (steps.NextStep(steps.START_PAID), None),
    (steps.NextStep(steps.WEAKEST, figure="ctr", sub_score=Decimal("61.5")), WEAKEST),
    (steps.NextStep(steps.ALL_MET), None),
]


@pytest.mark.parametrize(("step", "figure"), STEPS)
@pytest.mark.parametrize(
    "item", [None, StepItem(title="Tried an ad format & more", practice_name="Paid <Ads>")]
)
@pytest.mark.parametrize("practice_name", ["", "Leverage 'Paid' Ads"])
@pytest.mark.parametrize("lead", [True, False])
@pytest.mark.parametrize(
    ("kind", "quadrant", "roi_score"),
    [("official", "engaging", None), ("marketing", "growing", Decimal("40"))],
)
@pytest.mark.parametrize("handle", ["shop.co_1", "a"])
def test_it_writes_what_the_partial_wrote(
    step: steps.NextStep,
    figure: FigureRow | None,
    item: StepItem | None,
    practice_name: str,
    lead: bool,
    kind: str,
    quadrant: str,
    roi_score: Decimal | None,
    handle: str,
) -> None:
    account = Account(handle=handle, kind=kind)
    card = SimpleNamespace(
        account=account, days=28, days_with_rows=17, quadrant=quadrant, roi_score=roi_score
    )
    context = {
        "membership": SimpleNamespace(
            is_lead=lead, team=SimpleNamespace(slug="acme-1" if lead else "b")
        ),
        "account": account,
        "card": card,
        "next_step": ScorecardNextStep(
            step=step, figure=figure, item=item, practice_name=practice_name
        ),
    }
    expected = engines["django"].from_string(PARTIAL).render(context)
    assert next_step_section(Context(context)) == expected

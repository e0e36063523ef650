"""The period's form on the account's scorecard page: its fields, written by the
window_fields tag, are byte for byte what the template's loop wrote (kept here as the
reference), for the page's unbound form and for bound ones, valid or not."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import engines

from analytics.scorecards.windows import WindowForm
from analytics.templatetags.scorecard_sections import window_fields

LOOP = """{% for field in window_form.visible_fields %}
    {% comment %}includes/filter_field.html with small=True, written out: an include per field costs more than its field.{% endcomment %}
<div>
  <label class="form-label small mb-0" for="{{ field.id_for_label }}">{{ field.label }}</label>
  {{ field }}
</div>

    {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize(
    "make",
    [
        lambda: WindowForm(initial={"days": 28, "end": date(2025, 3, 30)}),
        lambda: WindowForm(initial={"days": 7, "end": None}),
        lambda: WindowForm({"days": "90", "end": "2025-01-05"}),
        lambda: WindowForm({"days": "13", "end": "not a day"}),
        lambda: WindowForm({"end": '"><script>'}),
        lambda: WindowForm({}),
    ],
)
def test_it_writes_what_the_loop_wrote(make) -> None:
    expected = engines["django"].from_string(LOOP).render({"window_form": make()})
    # A form of its own for each: a bound form's widgets are marked once it is cleaned.
    assert window_fields(make()) == expected
    assert "<select" in expected and 'type="date"' in expected


def test_its_values_are_escaped() -> None:
    html = window_fields(WindowForm({"end": '"><script>'}))
    assert "<script>" not in html
    assert "&quot;&gt;&lt;script&gt;" in html

"""The Content page's head (breadcrumb, heading, links) and its section of the most and least
viewed videos (the period's form, the rule, both lists), written by the content_head and
ranked_section tags, are byte for byte what the page's template wrote (kept here as the
reference)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.template import Context, engines
from django.urls import reverse

from analytics.content.forms import VideoListForm
from analytics.scorecards.windows import window_of
from analytics.templatetags.video_rows import content_head, ranked_section

HEAD = """{% load playbook %}<nav aria-label="breadcrumb"><ol class="breadcrumb">
  <li class="breadcrumb-item"><a href="{% url 'accounts:account-list' membership.team.slug %}">Accounts</a></li>
  <li class="breadcrumb-item"><a href="{% url 'accounts:account-detail' membership.team.slug account.handle %}">@{{ account.handle }}</a></li>
  <li class="breadcrumb-item active" aria-current="page">Content</li>
</ol></nav>
<div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-3">
  <div>
    <h1 class="h3 mb-1">@{{ account.handle }}: content {% include "includes/kind_badge.html" %}</h1>
    <p class="text-body-secondary mb-0">Every video TikTok Studio's Content download listed, with its latest totals.</p>
  </div>
  <div class="d-flex flex-wrap gap-2">
    <a class="btn btn-outline-secondary btn-sm" href="{{ scorecard_url }}">Scorecard</a>
    {% if page.paginator.count %}<a class="btn btn-outline-secondary btn-sm" href="{{ export_url }}" download>Download CSV</a>{% endif %}
    {% if membership.is_lead %}<a class="btn btn-outline-secondary btn-sm" href="{% url 'analytics:promotional-markers' membership.team.slug %}">Promotional markers</a>{% endif %}
  </div>
</div>"""  # noqa: E501

RANKED = """{% load playbook video_rows %}<section class="mb-4" aria-labelledby="ranked-h">
  <div class="d-flex flex-wrap align-items-end justify-content-between gap-2 mb-2">
    <h2 class="h5 mb-0" id="ranked-h">Top and bottom videos, {{ window.start|day:"j M" }} to {{ window.end|day:"j M Y" }}</h2>
    <form class="d-flex flex-wrap align-items-end gap-2" method="get" action="{{ list_url }}">
      {% for field in window_form.visible_fields %}
      {% include "includes/filter_field.html" with small=True %}
      {% endfor %}
      {{ window_form.sort }}
      <button class="btn btn-outline-secondary btn-sm" type="submit">Show</button>
    </form>
  </div>
  <p class="small text-body-secondary" id="ranked-rule">Videos posted in the scorecard's period ({{ window.days }} days), ranked by their latest views: the 3 most viewed, then the 3 least viewed of the others (a video is in one list only). The least viewed compares videos at least {{ ranked.min_age_days }} days old on the day of their figures{% if ranked.too_young %}: {{ ranked.too_young }} newer video{{ ranked.too_young|pluralize }} {{ ranked.too_young|pluralize:"is,are" }} left out, {{ ranked.too_young|pluralize:"its,their" }} views still growing{% endif %}.</p>
  {% if ranked.top %}
  <div class="row g-3">
    <div class="col-md-6">
      <h3 class="h6">Most viewed</h3>
      <ol class="list-group list-group-numbered" id="top-videos">
        {% ranked_items ranked.top %}
      </ol>
    </div>
    <div class="col-md-6">
      <h3 class="h6">Least viewed</h3>
      {% if ranked.bottom %}
      <ol class="list-group list-group-numbered" id="bottom-videos">
        {% ranked_items ranked.bottom %}
      </ol>
      {% else %}
      <p class="text-body-secondary">{% if ranked.too_young %}The other videos of this period are younger than {{ ranked.min_age_days }} days, too new to compare.{% else %}Every video of this period is among the most viewed.{% endif %}</p>
      {% endif %}
    </div>
  </div>
  {% else %}
  <p class="text-body-secondary" id="ranked-empty">{% if ranked.posted %}The videos posted in this period have no figures yet.{% else %}No video was posted between {{ window.start|day:"j M Y" }} and {{ window.end|day:"j M Y" }}.{% endif %} Choose another period above.</p>
  {% endif %}
</section>"""  # noqa: E501


def render(text: str, context: dict) -> str:
    return engines["django"].from_string(text).render(context)


@pytest.mark.parametrize("count", [0, 3])
@pytest.mark.parametrize("lead", [True, False])
@pytest.mark.parametrize(("kind", "verified"), [("official", True), ("marketing", False)])
@pytest.mark.parametrize("handle", ["shop.co_1", "a"])
def test_the_head_is_what_the_template_wrote(
    count: int, lead: bool, kind: str, verified: bool, handle: str
) -> None:
    context = {
        "membership": SimpleNamespace(is_lead=lead, team=SimpleNamespace(slug="acme-1")),
        "account": SimpleNamespace(handle=handle, kind=kind, verified=verified),
        "page": SimpleNamespace(paginator=SimpleNamespace(count=count)),
        "scorecard_url": "/t/acme-1/a/x/scorecard/?days=28&end=2025-03-30",
        "export_url": "/t/acme-1/a/x/videos/export/?a=<b>",
    }

    assert content_head(Context(context)) == render(HEAD, context)


def video(n: int, title: str = "Clip") -> SimpleNamespace:
    return SimpleNamespace(
        detail_url=f"/t/acme/a/x/videos/{n}/",
        title=f"{title} {n} <b>",
        posted_on=date(2025, 3, n),
        promotional=n % 2 == 0,
        promotional_by_mark=False,
        marked_by=None,
        latest_views=1000 * n,
    )


RANKINGS = {
    "none posted": {"top": [], "bottom": [], "posted": 0},
    "no figures": {"top": [], "bottom": [], "posted": 2},
    "top only": {"top": [video(1)], "bottom": [], "posted": 1},
    "top, young": {"top": [video(1), video(2)], "bottom": [], "posted": 3, "too_young": 1},
    "both": {
        "top": [video(1), video(2), video(3)],
        "bottom": [video(4)],
        "posted": 6,
        "too_young": 2,
    },
}


@pytest.mark.parametrize("ranking", RANKINGS)
@pytest.mark.parametrize(
    "data", [{"days": 28, "end": date(2025, 3, 30), "sort": "-views"}, {"days": 7}]
)
def test_the_ranked_section_is_what_the_template_wrote(ranking: str, data: dict) -> None:
    window = window_of(end=data.get("end") or date(2025, 3, 9), days=data["days"])
    context = {
        "window": window,
        "window_form": VideoListForm(initial=data),
        "list_url": reverse("analytics:video-list", args=["acme", "x"]) + "?<a>",
        "ranked": SimpleNamespace(**({"min_age_days": 7, "too_young": 0} | RANKINGS[ranking])),
    }

    assert ranked_section(Context(context)) == render(RANKED, context)


def test_a_bound_form_with_an_error_writes_what_the_template_wrote() -> None:
    form = VideoListForm({"days": "7", "end": "not a day"})
    form.is_valid()
    context = {
        "window": window_of(end=date(2025, 3, 9), days=7),
        "window_form": form,
        "list_url": "/t/acme/a/x/videos/",
        "ranked": SimpleNamespace(min_age_days=7, too_young=1, top=[], bottom=[], posted=0),
    }

    assert ranked_section(Context(context)) == render(RANKED, context)

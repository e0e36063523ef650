"""The head of the account's scorecard page (breadcrumb, heading, period, link to its
Content), written by the scorecard_header tag, is byte for byte what the page's template
wrote (kept here as the reference)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.template import Context, engines

from analytics.templatetags.scorecard_sections import scorecard_header

HEADER = """<nav aria-label="breadcrumb"><ol class="breadcrumb">
  <li class="breadcrumb-item"><a href="{% url 'analytics:scorecard-review' membership.team.slug %}?days={{ window_days }}&amp;end={{ window_end_iso }}">Scorecards</a></li>
  <li class="breadcrumb-item"><a href="{% url 'accounts:account-detail' membership.team.slug account.handle %}">@{{ handle }}</a></li>
  <li class="breadcrumb-item active" aria-current="page">Scorecard</li>
</ol></nav>
<div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-3">
  <div>
    <h1 class="h3 mb-1">@{{ handle }}: scorecard {% kind_badge account %}
</h1>
    <p class="text-body-secondary mb-0">{{ window_days }} days, {{ window_start_text }} to {{ window_end_text }}{% if card %}; computed {{ card.computed_at|date:"j M Y, H:i" }}{% endif %}.</p>
    <p class="mb-0"><a href="{% url 'analytics:video-list' membership.team.slug account.handle %}?days={{ window_days }}&amp;end={{ window_end_iso }}">Content: the videos of @{{ handle }}</a></p>
  </div>"""  # noqa: E501


@pytest.mark.parametrize("scored", [True, False])
@pytest.mark.parametrize(("kind", "verified"), [("official", True), ("marketing", False)])
@pytest.mark.parametrize("handle", ["shop.co_1", "a"])
def test_it_writes_what_the_template_wrote(
    scored: bool, kind: str, verified: bool, handle: str
) -> None:
    account = SimpleNamespace(handle=handle, kind=kind, verified=verified)
    card = SimpleNamespace(computed_at=datetime(2025, 3, 31, 4, 5, tzinfo=UTC)) if scored else None
    context = {
        "membership": SimpleNamespace(is_lead=True, team=SimpleNamespace(slug="acme-1")),
        "account": account,
        "card": card,
        "handle": handle,
        "window_days": "28",
        "window_start_text": "3 Mar 2025",
        "window_end_text": "30 Mar 2025",
        "window_end_iso": "2025-03-30",
    }
    expected = engines["django"].from_string(HEADER).render(context)
    assert scorecard_header(Context(context)) == expected

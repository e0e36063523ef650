"""Access of the strategy app's URLs, for tests/test_access_matrix.py."""

from __future__ import annotations

from typing import Any

from tests.access.roles import Cast, seen

MEMBERS_SEE = seen(manager=200, lead=200)
ACCOUNT_SEE = seen(manager=200, other_manager=404, lead=200)
# A plain form post goes back to the checklist.
ACCOUNT_WRITE = seen(manager=302, other_manager=404, lead=302)
MEMBERS_WRITE = seen(manager=302, lead=302)
LEADS_SEE = seen(manager=403, lead=200)
LEADS_WRITE = seen(manager=403, lead=302)

# name: {method: {role: status}}; methods not listed answer 405 (302 for anonymous users).
EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    "strategy:my-week": {"GET": MEMBERS_SEE},
    "strategy:checklist": {"GET": ACCOUNT_SEE},
    "strategy:checklist-history": {"GET": ACCOUNT_SEE},
    "strategy:checklist-tick": {"POST": ACCOUNT_WRITE},
    "strategy:checklist-note": {"POST": ACCOUNT_WRITE},
    "strategy:checklist-templates": {"GET": LEADS_SEE},
    "strategy:checklist-template": {"GET": LEADS_SEE},
    # An empty form re-renders the editor with its errors.
    "strategy:checklist-item-create": {"POST": LEADS_SEE},
    "strategy:checklist-item-edit": {"GET": LEADS_SEE, "POST": LEADS_SEE},
    "strategy:checklist-item-move": {"POST": LEADS_WRITE},
    "strategy:checklist-item-retire": {"POST": LEADS_WRITE},
}


def _manual_item(team: Any) -> tuple[Any, Any]:
    """The team's official template and its first item ticked by hand."""
    from strategy.models import ChecklistItem
    from strategy.services import templates_ensure

    template = templates_ensure(team=team)["official"]
    return template, ChecklistItem.objects.filter(
        practice__template=template, evidence_rule=""
    ).first()


def url_kwargs(cast: Cast) -> dict[str, str]:
    template, item = _manual_item(cast.acme)
    return {
        "team_slug": cast.acme.slug,
        "handle": cast.acmecoffee.handle,
        "item_id": str(item.public_id),
        "template_kind": template.kind,
    }


def foreign_kwargs(cast: Cast) -> dict[str, str]:
    """Globex's objects, asked for under Acme's slug."""
    _template, item = _manual_item(cast.globex)
    return {"handle": cast.globex_main.handle, "item_id": str(item.public_id)}

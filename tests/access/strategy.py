"""Access of the strategy app's URLs, for tests/test_access_matrix.py."""

from __future__ import annotations

from tests.access.roles import Cast

MEMBERS_SEE = {"anonymous": 302, "manager": 200, "lead": 200, "other_lead": 404, "superuser": 404}
MEMBERS_WRITE = {"anonymous": 302, "manager": 302, "lead": 302, "other_lead": 404, "superuser": 404}
LEADS_SEE = {"anonymous": 302, "manager": 403, "lead": 200, "other_lead": 404, "superuser": 404}
LEADS_WRITE = {"anonymous": 302, "manager": 403, "lead": 302, "other_lead": 404, "superuser": 404}

EXPECTED: dict[str, tuple[str, dict[str, int]]] = {
    "my_week": ("GET", MEMBERS_SEE),
    "checklist": ("GET", MEMBERS_SEE),
    "checklist_history": ("GET", MEMBERS_SEE),
    # A plain form post goes back to the checklist.
    "checklist_tick": ("POST", MEMBERS_WRITE),
    "checklist_note": ("POST", MEMBERS_WRITE),
    "checklist_templates": ("GET", LEADS_SEE),
    "checklist_template": ("GET", LEADS_SEE),
    # An empty form re-renders the editor with its errors.
    "checklist_item_create": ("POST", LEADS_SEE),
    "checklist_item_edit": ("GET", LEADS_SEE),
    "checklist_item_move": ("POST", LEADS_WRITE),
    "checklist_item_retire": ("POST", LEADS_WRITE),
}


def url_kwargs(cast: Cast) -> dict[str, str]:
    from strategy.models import ChecklistItem
    from strategy.services import templates_ensure

    template = templates_ensure(team=cast.acme)["official"]
    item = ChecklistItem.objects.filter(practice__template=template, evidence_rule="").first()
    return {
        "team_slug": cast.acme.slug,
        "handle": cast.acmecoffee.handle,
        "item_id": str(item.public_id),
        "template_kind": template.kind,
    }

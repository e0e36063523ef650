from __future__ import annotations

from django.urls import path

from lib import converters  # noqa: F401 (registers <text:>)
from strategy.views import checklist, template_editor, week

app_name = "strategy"

urlpatterns = [
    path("week/", week.my_week, name="my-week"),
    path("a/<text:handle>/checklist/", checklist.checklist, name="checklist"),
    path(
        "a/<text:handle>/checklist/history/",
        checklist.checklist_history,
        name="checklist-history",
    ),
    path(
        "a/<text:handle>/checklist/items/<uuid:item_id>/tick/",
        checklist.checklist_tick,
        name="checklist-tick",
    ),
    path(
        "a/<text:handle>/checklist/items/<uuid:item_id>/note/",
        checklist.checklist_note,
        name="checklist-note",
    ),
    path(
        "checklists/templates/",
        template_editor.template_list,
        name="checklist-templates",
    ),
    path(
        "checklists/templates/<text:template_kind>/",
        template_editor.template_detail,
        name="checklist-template",
    ),
    path(
        "checklists/templates/<text:template_kind>/items/new/",
        template_editor.item_create,
        name="checklist-item-create",
    ),
    path(
        "checklists/items/<uuid:item_id>/edit/",
        template_editor.item_edit,
        name="checklist-item-edit",
    ),
    path(
        "checklists/items/<uuid:item_id>/move/",
        template_editor.item_move,
        name="checklist-item-move",
    ),
    path(
        "checklists/items/<uuid:item_id>/retire/",
        template_editor.item_retire,
        name="checklist-item-retire",
    ),
]

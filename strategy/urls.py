from __future__ import annotations

from django.urls import path

from strategy.views import checklist, template_editor, week

urlpatterns = [
    path("t/<slug:team_slug>/week/", week.my_week, name="my_week"),
    path("t/<slug:team_slug>/a/<str:handle>/checklist/", checklist.checklist, name="checklist"),
    path(
        "t/<slug:team_slug>/a/<str:handle>/checklist/history/",
        checklist.checklist_history,
        name="checklist_history",
    ),
    path(
        "t/<slug:team_slug>/a/<str:handle>/checklist/items/<uuid:item_id>/tick/",
        checklist.checklist_tick,
        name="checklist_tick",
    ),
    path(
        "t/<slug:team_slug>/a/<str:handle>/checklist/items/<uuid:item_id>/note/",
        checklist.checklist_note,
        name="checklist_note",
    ),
    path(
        "t/<slug:team_slug>/checklists/templates/",
        template_editor.template_list,
        name="checklist_templates",
    ),
    path(
        "t/<slug:team_slug>/checklists/templates/<str:template_kind>/",
        template_editor.template_detail,
        name="checklist_template",
    ),
    path(
        "t/<slug:team_slug>/checklists/templates/<str:template_kind>/items/new/",
        template_editor.item_create,
        name="checklist_item_create",
    ),
    path(
        "t/<slug:team_slug>/checklists/items/<uuid:item_id>/edit/",
        template_editor.item_edit,
        name="checklist_item_edit",
    ),
    path(
        "t/<slug:team_slug>/checklists/items/<uuid:item_id>/move/",
        template_editor.item_move,
        name="checklist_item_move",
    ),
    path(
        "t/<slug:team_slug>/checklists/items/<uuid:item_id>/retire/",
        template_editor.item_retire,
        name="checklist_item_retire",
    ),
]

"""Reads of checklist templates for the leads who edit them."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404

from accounts.models import Kind, Membership
from lib.dates import this_week
from strategy.models import ChecklistItem, ChecklistTemplate, Practice

# -- templates --


@dataclass
class TemplateSummary:
    template: ChecklistTemplate
    practices: int
    items: int
    automatic: int


def template_list(*, membership: Membership) -> list[TemplateSummary]:
    week = this_week()
    templates = {
        t.kind: t
        for t in ChecklistTemplate.objects.filter(team=membership.team).prefetch_related(
            "practices__items"
        )
    }
    summaries = []
    for kind in Kind.values:
        template = templates.get(kind)
        if template is None:
            continue
        items = [
            item
            for practice in template.practices.all()
            for item in practice.items.all()
            if item.is_active_in(week)
        ]
        summaries.append(
            TemplateSummary(
                template=template,
                practices=len({item.practice_id for item in items}),
                items=len(items),
                automatic=sum(item.is_automatic for item in items),
            )
        )
    return summaries


def template_get(*, user: AbstractBaseUser, membership: Membership, kind: str) -> ChecklistTemplate:
    template = (
        ChecklistTemplate.objects.editable_by(user)
        .filter(team=membership.team, kind=kind)
        .select_related("team")
        .first()
    )
    if template is None:
        raise Http404("No checklist template of this kind.")
    return template


@dataclass
class TemplateItems:
    groups: list[tuple[Practice, list[ChecklistItem]]]
    retired: list[ChecklistItem]
    practice_names: list[str]


def template_items(*, template: ChecklistTemplate) -> TemplateItems:
    """The template's current items by practice, and its retired items (kept for history)."""
    week = this_week()
    practices = list(template.practices.prefetch_related("items").order_by("order", "pk"))
    groups, retired = [], []
    for practice in practices:
        items = sorted(practice.items.all(), key=lambda i: (i.order, i.pk))
        current = [item for item in items if item.retired_from is None or item.retired_from > week]
        retired += [item for item in items if item not in current]
        if current:
            groups.append((practice, current))
    retired.sort(key=lambda i: i.retired_from, reverse=True)
    return TemplateItems(groups=groups, retired=retired, practice_names=[p.name for p in practices])


def item_get(*, user: AbstractBaseUser, membership: Membership, item_id: object) -> ChecklistItem:
    item = (
        ChecklistItem.objects.editable_by(user)
        .filter(practice__template__team=membership.team, public_id=item_id)
        .select_related("practice__template")
        .first()
    )
    if item is None:
        raise Http404("No such checklist item in this team.")
    return item

"""Reads of checklists, scoped and in a constant number of queries.

By topic: item states of one or many checklists (states), My week, history and scores
(overview), templates (templates). Everything public is importable from here.
"""

from __future__ import annotations

from strategy.selectors.overview import (
    AccountWeek,
    History,
    HistoryRow,
    WeekProgress,
    account_week_progress,
    checklist_history,
    practice_progress,
    practice_scores,
    practice_share_order_sql,
    practice_sums_sql,
    week_accounts,
    week_managers,
    week_overview,
    week_page,
    week_progress,
    weekly_progress,
)
from strategy.selectors.states import (
    ItemState,
    Joined,
    PracticeGroup,
    Progress,
    checklist_get,
    checklist_read,
    checklist_states,
    group_by_practice,
    progress_of,
    state_after_change,
)
from strategy.selectors.templates import (
    TemplateItems,
    TemplateSummary,
    item_get,
    template_get,
    template_items,
    template_list,
)

__all__ = [
    "AccountWeek",
    "History",
    "HistoryRow",
    "ItemState",
    "Joined",
    "PracticeGroup",
    "Progress",
    "TemplateItems",
    "TemplateSummary",
    "WeekProgress",
    "account_week_progress",
    "checklist_get",
    "checklist_history",
    "checklist_read",
    "checklist_states",
    "group_by_practice",
    "item_get",
    "practice_progress",
    "practice_scores",
    "practice_share_order_sql",
    "practice_sums_sql",
    "progress_of",
    "state_after_change",
    "template_get",
    "template_items",
    "template_list",
    "week_accounts",
    "week_managers",
    "week_overview",
    "week_page",
    "week_progress",
    "weekly_progress",
]

"""Reads of notifications, by topic: Needs attention (attention, which gathers the lines of
stopped, scorecards, checklists, connections and failed_imports; lines holds what they
share) and the alerts page (alert_settings). Everything public is importable from here.
"""

from __future__ import annotations

from notifications.selectors.alert_settings import alert_settings_get, webhook_get
from notifications.selectors.attention import attention_accounts, attention_get, attention_scope
from notifications.selectors.checklists import BEHIND_FROM_WEEKDAY, BEHIND_SHARE
from notifications.selectors.connections import failing_connections
from notifications.selectors.failed_imports import FAILED_IMPORT_DAYS
from notifications.selectors.lines import (
    SHOWN_LINES,
    TOPIC_TITLES,
    Attention,
    AttentionLine,
    Section,
    Topic,
)
from notifications.selectors.scorecards import latest_cards
from notifications.selectors.stopped import STALE_DAYS

__all__ = [
    "BEHIND_FROM_WEEKDAY",
    "BEHIND_SHARE",
    "FAILED_IMPORT_DAYS",
    "SHOWN_LINES",
    "STALE_DAYS",
    "TOPIC_TITLES",
    "Attention",
    "AttentionLine",
    "Section",
    "Topic",
    "alert_settings_get",
    "attention_accounts",
    "attention_get",
    "attention_scope",
    "failing_connections",
    "latest_cards",
    "webhook_get",
]

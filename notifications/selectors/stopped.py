"""Needs attention: the accounts whose data stopped arriving, with their last import and sync."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from accounts.models import Account, Team
from analytics.models import DailyMetric
from connections.models import Connection
from imports.models import ImportRun
from lib.urls import import_upload_url
from notifications.selectors.lines import AttentionLine, Topic, day_text, first_lines

# No metric day in this many days (today included) means the account's data stopped.
STALE_DAYS = 3
# The team's latest applied imports searched for an account's last import.
RECENT_IMPORTS = 500


def _last_imports(team: Team, by_handle: dict[str, int]) -> dict[int, datetime]:
    """When each account (its id by its handle) was last in an applied import, among the
    team's recent imports.

    An import of several accounts names them in `account_handles` (its `account` is
    empty), so the team's latest imports are read once and matched here.
    """
    if not by_handle:
        return {}
    runs = (
        ImportRun.objects.filter(team=team, status=ImportRun.Status.APPLIED)
        .exclude(applied_at=None)
        .order_by("-applied_at")
        .values_list("account_id", "account_handles", "applied_at")[:RECENT_IMPORTS]
    )
    wanted = set(by_handle.values())
    found: dict[int, datetime] = {}
    for account_id, handles, applied_at in runs:
        for pk in {account_id, *(by_handle.get(handle) for handle in handles or [])}:
            if pk in wanted and pk not in found:
                found[pk] = applied_at
    return found


def stopped_lines(
    scope: QuerySet[Account], team: Team, today: date
) -> tuple[list[AttentionLine], int]:
    since = today - timedelta(days=STALE_DAYS - 1)
    last_metric = DailyMetric.objects.filter(account=OuterRef("pk")).order_by("-date")
    last_sync = Connection.objects.filter(
        account=OuterRef("pk"), last_sync_at__isnull=False
    ).order_by("-last_sync_at")
    stopped, count = first_lines(
        scope.annotate(
            last_metric_day=Subquery(last_metric.values("date")[:1]),
            last_sync_at=Subquery(last_sync.values("last_sync_at")[:1]),
        )
        # No metric day since then (none at all included): one probe of the index each.
        .exclude(Exists(DailyMetric.objects.filter(account=OuterRef("pk"), date__gte=since)))
        .order_by("handle"),
        "pk",
        "handle",
        "last_metric_day",
        "last_sync_at",
    )
    last_imports = _last_imports(team, {handle: pk for pk, handle, _, _ in stopped})
    lines = []
    for pk, handle, last_metric_day, last_sync_at in stopped:
        if last_metric_day is None:
            text = f"@{handle} has no daily figures yet"
        else:
            text = f"@{handle} has no figures since {day_text(last_metric_day)}"
        sources = []
        if pk in last_imports:
            sources.append(f"last import {day_text(last_imports[pk])}")
        if last_sync_at:
            sources.append(f"last sync {day_text(last_sync_at)}")
        text += f" ({', '.join(sources)})." if sources else " (never imported or synced)."
        url = import_upload_url(team.slug, handle)
        lines.append(AttentionLine(Topic.STOPPED, text, url, "Import figures", handle))
    return lines, count

"""The heatmap as the database used to group it (two or three queries): the reference that
analytics.content.audience.follower_activity, which reads the newest rows once and groups
them itself, must equal."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Max, Min, Subquery, Sum

from analytics.content.audience import (
    ACTIVITY_DAYS,
    Activity,
    _activity,
    hours_not_yet_happened,
)
from analytics.models import FollowerActivity


def follower_activity(*, account) -> Activity | None:
    rows = FollowerActivity.objects.filter(account=account).order_by()
    newest = rows.order_by("-date").values("date")[:1]
    last_rows = list(
        rows.filter(date=Subquery(newest)).values_list("date", "hour", "active_followers")
    )
    if not last_rows:
        return None
    latest = last_rows[0][0]
    last_day = {hour: active for _day, hour, active in last_rows}
    not_yet = hours_not_yet_happened(last_day)
    anchor = latest
    if not_yet == 0:
        anchor = rows.filter(date__lt=latest).aggregate(latest=Max("date"))["latest"]
        if anchor is None:
            return None
    groups = (
        rows.filter(date__gte=anchor - timedelta(days=ACTIVITY_DAYS - 1), date__lte=anchor)
        .exclude(date=latest, hour__gte=24 if not_yet is None else not_yet)
        .values("date__iso_week_day", "hour")
        .order_by()
        .annotate(
            total=Sum("active_followers"), rows=Count("pk"), first=Min("date"), last=Max("date")
        )
    )
    cells = {}
    end = start = None
    for group in groups:
        cells[(group["date__iso_week_day"], group["hour"])] = (group["total"], group["rows"])
        end = group["last"] if end is None else max(end, group["last"])
        start = group["first"] if start is None else min(start, group["first"])
    if end is None:
        return None
    activity = _activity(cells, end=end)
    activity.start = start or activity.start
    if not_yet is not None and not_yet > 0:
        activity.not_yet_from, activity.not_yet_day = not_yet, latest
    elif not_yet == 0:
        activity.not_yet_from, activity.not_yet_day = 0, latest
    return activity

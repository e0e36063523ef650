"""The scorecard page's long tables (a row a day or a week) as rows of ready text.

A row is a dict of the texts its cells show, written by the same filters and tags the
template would call (day, percent, intcomma, money, includes/missing.html), so the page
is the same; the template then only places them. Written per cell in the template, each
figure cost a filter call, a few attribute lookups and, for a figure that cannot be
shown, an include: several milliseconds a page for a few hundred cells.
"""

from __future__ import annotations

from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from accounts.templatetags.playbook import day, money_for, percent
from analytics.content.audience import ViewerPoint
from analytics.review.practice import PracticeWeek
from analytics.review.scorecard import DailyPoint

Row = dict[str, Any]

NO_VIEWS_ON_DAY = "No views on this day"
NO_SPEND_ON_DAY = "No spend on this day"
NO_VIEWER_FIGURE = "TikTok had no figure yet (undefined)"
NO_VIEWER_FIGURE_SHORT = "TikTok had no figure yet"


class MissingMarks:
    """includes/missing.html for each reason, rendered once however many cells show it."""

    def __init__(self) -> None:
        self._marks: dict[tuple[str, str], SafeString] = {}

    def __call__(self, why: str, short: str = "") -> SafeString:
        mark = self._marks.get((why, short))
        if mark is None:
            context = {"why": why, "short": short} if short else {"why": why}
            mark = self._marks[why, short] = render_to_string("includes/missing.html", context)
        return mark


def daily_rows(
    daily: list[DailyPoint], *, currency: str, request: HttpRequest, marks: MissingMarks
) -> list[Row]:
    """The day-by-day table; `views` is None for a day without metrics."""
    rows = []
    for point in daily:
        row: Row = {"day": day(point.day, "D j M"), "views": None}
        if point.views is not None:
            row["views"] = intcomma(point.views)
            row["engagement_rate"] = (
                marks(NO_VIEWS_ON_DAY)
                if point.engagement_rate is None
                else percent(point.engagement_rate)
            )
            row["spend"] = money_for(request, point.spend, currency)
            row["roas"] = marks(NO_SPEND_ON_DAY) if point.roas is None else percent(point.roas)
        rows.append(row)
    return rows


def viewer_rows(viewers: list[ViewerPoint], *, marks: MissingMarks) -> list[Row]:
    """The viewers table; `known` is False for a day without a Viewers row."""

    def count(value: int | None) -> str:
        if value is None:
            return marks(NO_VIEWER_FIGURE, NO_VIEWER_FIGURE_SHORT)
        return intcomma(value)

    rows = []
    for point in viewers:
        row: Row = {
            "date": point.day.isoformat(),
            "day": day(point.day, "D j M"),
            "known": point.known,
        }
        if point.known:
            row["new"] = count(point.new)
            row["returning"] = count(point.returning)
            row["total"] = count(point.total)
        rows.append(row)
    return rows


def week_rows(weeks: list[PracticeWeek], *, marks: MissingMarks) -> list[Row]:
    """The practice-beside-outcome table, a row a week."""
    return [
        {
            "date": week.week.isoformat(),
            "week": f"{day(week.week, 'j M')} to {day(week.week_end, 'j M Y')}",
            "completion": (
                marks(week.completion_missing)
                if week.completion is None
                else percent(week.completion)
            ),
            "outcome": (
                marks(week.outcome_missing) if week.outcome is None else percent(week.outcome)
            ),
        }
        for week in weeks
    ]

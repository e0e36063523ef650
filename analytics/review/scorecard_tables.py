"""The scorecard page's long tables (a row a day, a week or a scorecard) as rows of ready
text.

A row is a dict of the texts its cells show, written by the same filters, tag and pieces
the template would call (day, percent, intcomma, money, score, the missing mark and the
grade chip), so the page is the same; the template then only places them. Written per
cell in the template, each figure cost a filter call, a few attribute lookups and, for a
figure that cannot be shown, an include: several milliseconds a page for a few hundred
cells (and a reverse() for each link of the history).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString

from accounts.templatetags.playbook import days_in, missing, percent, score, whole_numbers
from analytics.content.audience import ViewerPoint
from analytics.models import Scorecard
from analytics.review.practice import PracticeWeek
from analytics.review.scorecard import DailyPoint, FigureRow
from analytics.scorecards.terms import NO_SCORE_WHY
from lib.locales import request_locale
from lib.money import money_writer

Row = dict[str, Any]

NO_VIEWS_ON_DAY = "No views on this day"
NO_SPEND_ON_DAY = "No spend on this day"
NO_VIEWER_FIGURE = "TikTok had no figure yet (undefined)"
NO_VIEWER_FIGURE_SHORT = "TikTok had no figure yet"


class Pieces:
    """Shared template pieces (a missing mark, a grade chip) rendered once per distinct
    input on a page, however many cells show them."""

    def __init__(self) -> None:
        self._rendered: dict[tuple[Any, ...], SafeString] = {}
        self._money: dict[str, Callable[[Decimal], str]] = {}

    def money(self, request: HttpRequest, currency: str) -> Callable[[Decimal], str]:
        """The money tag's text (money_for) of an amount that is not None, by one writer
        of the currency in the request's locale for all the tables of the page (asked
        for only when an amount is written, as the tag reads the locale then)."""
        writer = self._money.get(currency)
        if writer is None:
            writer = self._money[currency] = money_writer(currency, request_locale(request))
        return writer

    def missing(self, why: str, short: str = "") -> SafeString:
        """includes/missing.html: '—' with the reason, from the missing tag that writes it."""
        key = ("includes/missing.html", why, short)
        piece = self._rendered.get(key)
        if piece is None:
            piece = self._rendered[key] = missing(why, short)
        return piece


def daily_rows(
    daily: list[DailyPoint], *, currency: str, request: HttpRequest, pieces: Pieces
) -> list[Row]:
    """The day-by-day table; `views` is None for a day without metrics."""
    # An amount is written once however many days spent it (an official account spends
    # nothing on most days): Babel's formatting is the costliest cell. A day's spend is
    # never None.
    spent: dict[str, str] = {}
    money = None
    day = days_in("D j M")
    intcomma = whole_numbers()
    rows = []
    for point in daily:
        row: Row = {"day": day(point.day), "views": None}
        if point.views is not None:
            row["views"] = intcomma(point.views)
            row["engagement_rate"] = (
                pieces.missing(NO_VIEWS_ON_DAY)
                if point.engagement_rate is None
                else percent(point.engagement_rate)
            )
            amount = str(point.spend)
            if amount not in spent:
                if money is None:
                    money = pieces.money(request, currency)
                spent[amount] = money(point.spend)
            row["spend"] = spent[amount]
            row["roas"] = (
                pieces.missing(NO_SPEND_ON_DAY) if point.roas is None else percent(point.roas)
            )
        rows.append(row)
    return rows


def viewer_rows(viewers: list[ViewerPoint], *, pieces: Pieces) -> list[Row]:
    """The viewers table; `known` is False for a day without a Viewers row."""
    intcomma = whole_numbers()

    def count(value: int | None) -> str:
        if value is None:
            return pieces.missing(NO_VIEWER_FIGURE, NO_VIEWER_FIGURE_SHORT)
        return intcomma(value)

    day = days_in("D j M")
    rows = []
    for point in viewers:
        row: Row = {
            "date": point.day.isoformat(),
            "day": day(point.day),
            "known": point.known,
        }
        if point.known:
            row["new"] = count(point.new)
            row["returning"] = count(point.returning)
            row["total"] = count(point.total)
        rows.append(row)
    return rows


def week_rows(weeks: list[PracticeWeek], *, pieces: Pieces) -> list[Row]:
    """The practice-beside-outcome table, a row a week."""
    day_month, day_month_year = days_in("j M"), days_in("j M Y")
    return [
        {
            "date": week.week.isoformat(),
            "week": f"{day_month(week.week)} to {day_month_year(week.week_end)}",
            "completion": (
                pieces.missing(week.completion_missing)
                if week.completion is None
                else percent(week.completion)
            ),
            "outcome": (
                pieces.missing(week.outcome_missing)
                if week.outcome is None
                else percent(week.outcome)
            ),
        }
        for week in weeks
    ]


def history_rows(history: list[Scorecard], *, window_end: date) -> list[Row]:
    """The history of scorecards; `grade` (the letter) and `trend` are left to the tag
    that writes the rows (scorecard_rows.history_rows), which writes their partials."""
    day_month, day_month_year = days_in("j M"), days_in("j M Y")
    return [
        {
            "days": past.days,
            "end": past.period_end.isoformat(),
            "current": past.period_end == window_end,
            "period": f"{day_month(past.period_start)} to {day_month_year(past.period_end)}",
            "engagement": _score(past.engagement_score, "engagement"),
            "roi": _score(past.roi_score, "roi"),
            "overall": _score(past.overall_score, "overall"),
            "grade": past.grade,
            "trend": past.trend,
            "reviewed": bool(past.reviewed_at),
        }
        for past in history
    ]


def _score(value: Decimal | None, of: str) -> str:
    """analytics/partials/score.html's text: the score, or the '—' saying why there is none
    (as the score_cell tag writes it), with the line's end the partial carried."""
    if value is None:
        return missing(NO_SCORE_WHY[of]) + SafeString("\n")
    return score(value)


def scored_figure_rows(scored: list[FigureRow], *, pieces: Pieces) -> list[Row]:
    """Figures against targets: the figure, its target and its sub-score."""
    return [
        {
            "name": row.name,
            "label": row.label,
            "value": pieces.missing(row.missing) if row.value is None else percent(row.value),
            "target": percent(row.target),
            "sub_score": (
                pieces.missing(row.sub_score_missing)
                if row.sub_score is None
                else score(row.sub_score)
            ),
        }
        for row in scored
    ]


def other_figure_rows(
    others: list[FigureRow], *, currency: str, request: HttpRequest, pieces: Pieces
) -> list[Row]:
    """The period's totals, each in its form: a count, money or a rate."""
    intcomma = whole_numbers()
    rows = []
    for row in others:
        if row.value is None:
            value = pieces.missing(row.missing)
        elif row.form == "money":
            value = pieces.money(request, currency)(row.value)
        elif row.form == "rate":
            value = percent(row.value)
        else:
            value = intcomma(row.value)
        rows.append({"name": row.name, "label": row.label, "value": value})
    return rows

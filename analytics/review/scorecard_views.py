"""One account's scorecard: figures against targets, daily charts, history and review."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import team_view
from accounts.models import Account, Membership
from accounts.selectors import account_get
from accounts.templatetags.playbook import days_in
from analytics.content import audience
from analytics.review import next_step_item as next_step
from analytics.review import practice
from analytics.review import scorecard as selectors
from analytics.review import scorecard_tables as tables
from analytics.scorecards import windows
from analytics.scorecards.windows import WindowForm
from lib.urls import account_page_url, import_upload_url


@require_GET
@team_view
def account_scorecard(request: HttpRequest, membership: Membership, handle: str) -> HttpResponse:
    account = account_get(user=request.user, membership=membership, handle=handle)
    form = WindowForm(request.GET)
    days, end = form.window_values()
    context = scorecard_context(request, membership, account, days=days, end=end)
    context["window_error"] = form.window_error()
    return render(request, "analytics/account_scorecard.html", context)


def scorecard_context(
    request: HttpRequest, membership: Membership, account: Account, *, days: int, end: date | None
) -> dict[str, Any]:
    end, card, history = selectors.scorecard_with_history(account=account, days=days, end=end)
    window = windows.window_of(end=end, days=days)
    scored, others = selectors.scorecard_figures(card) if card else ([], [])
    # The window's daily rows and the practice weeks' in one read.
    weeks = practice.history_weeks()
    figures = selectors.daily_figures(
        account=account, ranges=[(window.start, window.end), practice.outcome_range(weeks)]
    )
    daily = selectors.daily_series(account=account, window=window, days=figures)
    viewers = audience.viewer_series(account=account, window=window)
    score, practice_outcome = practice.practice_of_account(
        account=account, window=window, weeks=len(weeks), days=figures
    )
    pieces = tables.Pieces()
    has_daily = any(point.views is not None for point in daily)
    has_viewers = any(point.known for point in viewers)
    scorecard_url = account_page_url(
        "analytics:account-scorecard", membership.team.slug, account.handle
    )
    day = days_in("j M Y")
    return {
        "membership": membership,
        "account": account,
        "window": window,
        # The texts the template repeats, written once (each lookup and filter in the
        # template costs more than writing the text here; a number, even one of a few
        # digits, goes through the number format each time the template writes it).
        "handle": account.handle,
        "window_days": str(window.days),
        "window_start_text": day(window.start),
        "window_end_text": day(window.end),
        "window_end_iso": window.end.isoformat(),
        # Unbound, so it shows the period on screen even when the URL left it to the default.
        "window_form": WindowForm(initial={"days": days, "end": end}),
        "card": card,
        "trend": selectors.scorecard_trend(card) if card else None,
        "scored_figures": tables.scored_figure_rows(scored, pieces=pieces),
        "next_step": next_step.scorecard_next_step(card=card, scored=scored) if card else None,
        "other_figures": tables.other_figure_rows(
            others, currency=account.currency, request=request, pieces=pieces
        ),
        "daily": daily,
        "has_daily": has_daily,
        # The tables and charts of the daily figures and viewers are shown only with data.
        "daily_rows": (
            tables.daily_rows(daily, currency=account.currency, request=request, pieces=pieces)
            if has_daily
            else []
        ),
        "chart_data": _chart_data(daily, account) if has_daily else None,
        "viewers": viewers,
        "has_viewers": has_viewers,
        "viewer_rows": tables.viewer_rows(viewers, pieces=pieces) if has_viewers else [],
        "viewer_chart_data": _viewer_chart_data(viewers) if has_viewers else None,
        # Where the empty viewers section sends the reader to upload them.
        "viewers_upload_url": (
            "" if has_viewers else import_upload_url(membership.team.slug, account.handle)
        ),
        "history": history,
        "history_rows": tables.history_rows(history, window_end=window.end),
        "practice_score": score if card else None,
        "practice_outcome": practice_outcome,
        "practice_weeks": tables.week_rows(practice_outcome.weeks, pieces=pieces),
        "practice_chart_data": practice.practice_chart_data(practice_outcome),
        "scorecard_url": scorecard_url,
        "next_url": f"{scorecard_url}?days={days}&end={end.isoformat()}",
    }


def _chart_data(daily: list[selectors.DailyPoint], account: Account) -> dict[str, Any]:
    """The line charts' series; floats are fine here, the figures on the page are exact.
    A figure is rounded to 4 places (a rate in percent first); a day without one is null."""
    return {
        "labels": [point.day.isoformat() for point in daily],
        "currency": account.currency,
        "views": _series(daily, "views"),
        "engagement_rate": _series(daily, "engagement_rate", 100),
        "spend": _series(daily, "spend"),
        "roas": _series(daily, "roas", 100),
    }


def _series(daily: list[selectors.DailyPoint], figure: str, scale: int = 1) -> list:
    """One figure of every day, times `scale`, rounded to 4 places; None where it is None."""
    return [
        None if (value := getattr(point, figure)) is None else round(float(value) * scale, 4)
        for point in daily
    ]


def _viewer_chart_data(viewers: list[audience.ViewerPoint]) -> dict[str, Any]:
    """New and returning viewers as stacked bars; a day without a figure is null, a gap."""
    return {
        "labels": [point.day.isoformat() for point in viewers],
        "new": [point.new for point in viewers],
        "returning": [point.returning for point in viewers],
    }

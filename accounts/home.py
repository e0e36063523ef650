"""The team's home page (/t/<team>/), which an app above accounts may provide.

accounts owns the URL (`accounts:team-home`) but imports no app above it: an app that
shows a better home page (notifications' Needs attention) registers its view here when it
starts. Without one, the home page is the account list.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse

TeamHomeView = Callable[..., HttpResponse]

_home_view: list[TeamHomeView] = []


def register_team_home(view: TeamHomeView) -> None:
    """Makes `view(request, membership)` the team's home page (the last one registered)."""
    _home_view[:] = [view]


def team_home_view() -> TeamHomeView | None:
    return _home_view[0] if _home_view else None

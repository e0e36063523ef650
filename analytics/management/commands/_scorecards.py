"""What the scorecard commands share: --team, --end and --days, each checked in one line."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Team
from lib.dates import end_error, yesterday


def end_date(value: str | None) -> date:
    if value is None:
        return yesterday()
    try:
        end = date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Invalid --end '{value}': use a date like 2025-03-28.") from None
    if message := end_error(end):
        raise CommandError(f"Invalid --end: {message}")
    return end


def team_or_none(slug: str | None) -> Team | None:
    if slug is None:
        return None
    team = Team.objects.filter(slug=slug).first()
    if team is None:
        raise CommandError(f"Unknown team '{slug}'.")
    return team


def window_days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise CommandError(f"Invalid --days '{value}': use a whole number of days.") from None
    if not 1 <= days <= 366:
        raise CommandError(f"Invalid --days '{value}': use 1 to 366 days.")
    return days


class ScorecardCommand(BaseCommand):
    def add_window_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", metavar="SLUG", help="only this team's accounts")
        parser.add_argument(
            "--end", metavar="YYYY-MM-DD", help="last day of the window (default: yesterday)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raise NotImplementedError

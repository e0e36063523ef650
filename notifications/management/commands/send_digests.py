from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import Team
from lib.dates import EARLIEST_END, latest_end
from notifications.services import digests_send


class Command(BaseCommand):
    help = (
        "Sends the weekly digest now to every member who wants it (once per user, team "
        "and week: members who already have that week's digest are skipped)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", help="Only this team's members (its slug).")
        parser.add_argument("--date", help="A day of the week to report on, as 2026-03-30.")

    def handle(self, *args: Any, team: str | None, date: str | None, **options: Any) -> None:
        chosen = None
        if team:
            chosen = Team.objects.filter(slug=team).first()
            if chosen is None:
                raise CommandError(f"Unknown team '{team}'.")
        on = parse_day(date) if date else timezone.localdate()
        run = digests_send(on=on, team=chosen)
        self.stdout.write(
            f"digests for the week of {on:%Y-%m-%d}: {run.sent} sent, "
            f"{run.skipped} already sent, {run.failed} failed"
        )
        if run.failed:
            raise CommandError(f"{run.failed} digests could not be sent; see the log.")


def parse_day(text: str) -> date:
    if len(text) != 10:
        raise CommandError(f"--date: '{text[:20]}' is not a day like 2026-03-30.")
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--date: '{text}' is not a day like 2026-03-30.") from exc
    if not EARLIEST_END <= day <= latest_end():
        raise CommandError(f"--date: {text} is outside {EARLIEST_END} … {latest_end()}.")
    return day

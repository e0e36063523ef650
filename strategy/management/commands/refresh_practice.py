"""Computes the stored weekly practice figures again, for every checklist or one team's."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Account, Team
from strategy.practice_figures import practice_refresh


class Command(BaseCommand):
    help = (
        "Computes the stored weekly practice figures (strategy.models.WeekPractice) again "
        "from the checklists' item states: after data was written without the usual writes "
        "(an import with --no-recompute, rows loaded by hand)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", metavar="SLUG", help="only this team's accounts")

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = None
        if options["team"]:
            team = Team.objects.filter(slug=options["team"]).first()
            if team is None:
                raise CommandError(f"No team '{options['team']}'.")
            accounts = list(Account.objects.filter(team=team).values_list("pk", flat=True))
        count = practice_refresh(accounts=accounts)
        self.stdout.write(f"{count} checklist{'s' if count != 1 else ''} computed.")

"""manage.py create_api_key --team T --name N [--accounts h1,h2] [--expires D] [--hourly-cap C]

Prints the new key once, alone on the last line, for scripts and checks (docs/api.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from django.core.management.base import CommandError, CommandParser

from accounts.management.commands._base import TeamCommand
from api.selectors import key_accounts_of
from api.services import api_key_create


class Command(TeamCommand):
    help = "Makes an API key of a team and prints it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", required=True, help="The team's slug.")
        parser.add_argument("--name", required=True, help="Where the key is used.")
        parser.add_argument("--accounts", default="", help="Handles the key may read, h1,h2.")
        parser.add_argument("--expires", default="", help="The day it stops working, YYYY-MM-DD.")
        parser.add_argument("--hourly-cap", type=int, default=None, help="Requests per hour.")

    def act(
        self,
        *,
        team: str,
        name: str,
        accounts: str,
        expires: str,
        hourly_cap: int | None,
        **options: Any,
    ) -> None:
        the_team = self.team(team)
        try:
            found, missing = key_accounts_of(team=the_team, text=accounts)
        except ValueError as exc:
            raise CommandError(f"--accounts: {exc}") from None
        if missing:
            raise CommandError(f"No such account in {the_team.slug}: {', '.join(missing)}.")
        expires_at = None
        if expires:
            try:
                expires_at = datetime.combine(date.fromisoformat(expires), time.min, tzinfo=UTC)
            except ValueError:
                raise CommandError(
                    f"--expires: '{expires[:20]}' is not a day like 2027-01-31."
                ) from None
        if hourly_cap is not None and hourly_cap < 1:
            raise CommandError("--hourly-cap: give a number of requests of 1 or more.")
        api_key, secret = api_key_create(
            team=the_team,
            name=name,
            created_by=None,
            accounts=found,
            expires_at=expires_at,
            hourly_cap=hourly_cap,
        )
        self.stderr.write(f"Key '{api_key.name}' of {the_team.slug} made; it is shown this once:")
        self.stdout.write(secret)

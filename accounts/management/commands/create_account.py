from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser

from accounts.management.commands._base import TeamCommand
from accounts.models import Account, normalize_handle
from accounts.services import account_create


class Command(TeamCommand):
    help = "Creates a TikTok account in a team."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", required=True)
        parser.add_argument("--handle", required=True)
        parser.add_argument("--kind", required=True)
        parser.add_argument("--verified", action="store_true")
        parser.add_argument("--goal")
        parser.add_argument("--currency", default="USD")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--manager", action="append", default=[])

    def act(self, **options: Any) -> None:
        team = self.team(options["team"])
        handle = normalize_handle(options["handle"])
        if Account.objects.filter(team=team, handle=handle).exists():
            raise CommandError(f"@{handle} is already an account of team '{team.slug}'.")
        users = get_user_model().objects.filter(username__in=options["manager"])
        missing = set(options["manager"]) - {u.username for u in users}
        if missing:
            raise CommandError(f"Unknown manager: {', '.join(sorted(missing))}.")
        account = account_create(
            team=team,
            handle=handle,
            kind=options["kind"],
            verified=options["verified"],
            primary_goal=options["goal"],
            currency=options["currency"],
            display_name=options["display_name"],
            managers=users,
        )
        self.stdout.write(f"created @{account.handle} ({account.kind}) in {team.slug}")

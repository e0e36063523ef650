from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from accounts.management.commands._base import TeamCommand
from accounts.models import Team
from accounts.services import team_create


class Command(TeamCommand):
    help = "Creates a team."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)

    def act(self, *, slug: str, name: str, **options: Any) -> None:
        if Team.objects.filter(slug=slug).exists():
            raise CommandError(f"Team '{slug}' exists already.")
        team = team_create(slug=slug, name=name)
        self.stdout.write(f"created team {team.slug} ({team.name})")

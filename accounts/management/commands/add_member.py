from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from accounts.management.commands._base import TeamCommand
from accounts.services import member_add


class Command(TeamCommand):
    help = "Adds a user to a team as lead or manager, creating the user when missing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", required=True)
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", required=True)
        parser.add_argument("--password")
        parser.add_argument("--email", default="", help="The member's e-mail address.")

    def act(
        self,
        *,
        team: str,
        username: str,
        role: str,
        password: str | None,
        email: str,
        **options: Any,
    ) -> None:
        membership = member_add(
            team=self.team(team), username=username, role=role, password=password, email=email
        )
        self.stdout.write(f"{membership.user.username} is {membership.role} of {team}")

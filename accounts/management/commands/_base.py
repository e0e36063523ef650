"""What the team commands share: one-line errors, exit code 1, nothing written."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Team


def one_line(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(msgs)}" if field != "__all__" else " ".join(msgs)
            for field, msgs in error.message_dict.items()
        )
    return " ".join(error.messages)


class TeamCommand(BaseCommand):
    """Runs `act` and turns a validation error into a one-line CommandError."""

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.act(**options)
        except ValidationError as exc:
            raise CommandError(one_line(exc)) from exc

    def act(self, **options: Any) -> None:
        raise NotImplementedError

    @staticmethod
    def team(slug: str) -> Team:
        team = Team.objects.filter(slug=slug).first()
        if team is None:
            raise CommandError(f"Unknown team '{slug}'.")
        return team

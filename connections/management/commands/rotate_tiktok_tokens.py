from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from connections import tokens
from connections.models import Connection


class Command(BaseCommand):
    help = (
        "Re-encrypts every stored TikTok token with the newest key of PLAYBOOK_TOKEN_KEYS "
        "(the first). Run it after putting a new key first; then the old keys can go."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        try:
            with transaction.atomic():
                for connection in Connection.objects.select_for_update():
                    connection.access_token = tokens.rotate(connection.access_token)
                    connection.refresh_token = tokens.rotate(connection.refresh_token)
                    connection.save(update_fields=["access_token", "refresh_token", "updated_at"])
                    count += 1
        except tokens.TokenUnreadable as exc:
            raise CommandError(f"{exc} Nothing was re-encrypted.") from exc
        self.stdout.write(
            f"re-encrypted the tokens of {count} connection{'s' if count != 1 else ''}"
        )

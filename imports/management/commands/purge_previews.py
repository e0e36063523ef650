from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports.services.previews import PREVIEW_MAX_AGE, previews_purge


class Command(BaseCommand):
    help = (
        "Discards the uploads waiting for confirmation (previews) made more than --hours ago "
        "(default 24), with their stored files; the hourly periodic sweep does the same."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        default = PREVIEW_MAX_AGE.total_seconds() / 3600
        parser.add_argument("--hours", type=float, default=default, metavar="N")

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["hours"]
        if hours < 0:
            raise CommandError("--hours cannot be negative.")
        count = previews_purge(older_than=timedelta(hours=hours))
        self.stdout.write(f"{count} preview{'' if count == 1 else 's'} discarded.")

from __future__ import annotations

import sys
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Team, normalize_handle
from connections.models import Connection, SyncRun
from connections.services.sync import SyncBusy, sync_run_execute, sync_run_start
from lib.dates import yesterday


class Command(BaseCommand):
    help = (
        "Syncs a team's TikTok connections for one day (default: yesterday) in this "
        "process. Prints one summary line; exits with status 1 when any sync failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", metavar="SLUG", required=True)
        parser.add_argument("--account", metavar="HANDLE", help="only this account")
        parser.add_argument(
            "--date", metavar="YYYY-MM-DD", help="the day to record (default: yesterday)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        team = Team.objects.filter(slug=options["team"]).first()
        if team is None:
            raise CommandError(f"Unknown team '{options['team']}'.")
        day = _day(options["date"])
        connections = Connection.objects.filter(account__team=team).select_related("account")
        if options["account"]:
            handle = normalize_handle(options["account"])
            if not team.accounts.filter(handle=handle).exists():
                raise CommandError(f"No account @{handle} in team {team.slug}.")
            connections = connections.filter(account__handle=handle)
        if not connections:
            raise CommandError(f"No TikTok connection in team {team.slug} to sync.")
        failures: list[str] = []
        synced = 0
        for connection in connections.order_by("account__handle", "source"):
            label = f"@{connection.account.handle} {connection.source}"
            try:
                run = sync_run_start(
                    connection=connection, day=day, source="command", enqueue=False
                )
            except SyncBusy:
                failures.append(f"{label}: a sync is already running")
                continue
            run = sync_run_execute(run_id=run.pk)
            if run is None or run.status != SyncRun.Status.DONE:
                failures.append(f"{label}: {run.error if run else 'taken by another worker'}")
            else:
                synced += 1
        line = f"synced {synced} of {synced + len(failures)} connections for {day.isoformat()}"
        if failures:
            self.stderr.write(f"{line}; failed: {'; '.join(failures)}")
            sys.exit(1)
        self.stdout.write(line)


def _day(value: str | None) -> date:
    if not value:
        return yesterday()
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date {value!r} is not a date like 2025-03-01.") from exc
    if day > yesterday() + timedelta(days=1):
        raise CommandError(f"--date {value} is in the future.")
    return day

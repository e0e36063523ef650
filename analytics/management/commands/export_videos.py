from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Account, Team, normalize_handle
from analytics.content.video_csv import write_csv
from analytics.content.videos import video_export_rows


class Command(BaseCommand):
    help = (
        "Writes a team's videos as CSV, one row per video and snapshot day (the columns of "
        "docs/imports.md), to standard output or to a file. Without --account: every "
        "account of the team that is not archived."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Checked by hand, not by argparse, so a missing --team is one line like every error.
        parser.add_argument("--team", metavar="SLUG", help="the team (required)")
        parser.add_argument("--account", metavar="HANDLE", help="only this account's videos")
        parser.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        team = _team(options["team"])
        account = _account(team, options["account"])
        rows = video_export_rows(team=team, account=account)
        if options["output"]:
            path = Path(options["output"])
            try:
                with path.open("w", encoding="utf-8", newline="") as out:
                    count = write_csv(rows, out)
            except OSError as exc:
                raise CommandError(f"Cannot write {path}: {exc.strerror}.") from exc
            self.stderr.write(f"wrote {count} video snapshots to {path}")
        else:
            try:
                count = write_csv(rows, self.stdout)
            except BrokenPipeError:
                # The reader stopped early (`export_videos ... | head`): nothing is wrong.
                return
        if count == 0:
            whose = f"@{account.handle}" if account else f"team {team.slug}"
            self.stderr.write(
                f"no videos of {whose} yet; import the TikTok Studio Content download first"
            )


def _team(slug: str | None) -> Team:
    if not slug:
        raise CommandError("Name the team with --team SLUG.")
    team = Team.objects.filter(slug=slug).first()
    if team is None:
        raise CommandError(f"Unknown team '{slug}'.")
    return team


def _account(team: Team, handle: str | None) -> Account | None:
    if handle is None:
        return None
    account = Account.objects.filter(team=team, handle=normalize_handle(handle)).first()
    if account is None:
        raise CommandError(f"Unknown account '@{normalize_handle(handle)}' in team '{team.slug}'.")
    return account

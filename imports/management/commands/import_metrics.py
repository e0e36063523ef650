from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Team, normalize_handle
from imports.parsers import FORMATS
from imports.services.imports import as_of_problem, import_files
from lib.deadlines import DeadlineExceeded, deadline


class Command(BaseCommand):
    help = (
        "Imports metric files (Playbook CSV, TikTok Studio downloads, Ads Manager reports; "
        "CSV, XLSX or a zip of them): everything or nothing. Prints one summary line; on bad "
        "input prints every error to stderr and exits with status 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--team", metavar="SLUG", help="the team (needed unless there is only one)"
        )
        parser.add_argument(
            "--account",
            metavar="HANDLE",
            help="the account of files without a handle column (Studio, Ads Manager)",
        )
        parser.add_argument("--format", choices=("auto", *FORMATS), default="auto")
        parser.add_argument(
            "--as-of",
            metavar="YYYY-MM-DD",
            help=(
                "the day the files were downloaded, from 2000-01-01 to today (default: today); "
                "later days in the files are errors"
            ),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, but write nothing"
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=600,
            metavar="SECONDS",
            help=("stop an import that runs longer, writing nothing (default: 600; 0 for none)"),
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            metavar="N",
            help="largest file accepted, in bytes (default: METRICS_MAX_UPLOAD_BYTES)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        team = _team(options["team"])
        account = _account(team, options["account"])
        as_of = _as_of(options["as_of"])
        paths = [Path(name) for name in options["files"]]
        missing = [path for path in paths if not path.is_file()]
        if missing:
            for path in missing:
                self.stderr.write(f"{path}: no such file")
            sys.exit(1)
        seconds = options["timeout"]
        with ExitStack() as stack:
            # Opened, not read: the import streams large files instead of loading them.
            files = [(str(path), stack.enter_context(path.open("rb"))) for path in paths]
            # The deadline ends inside the outer transaction: an import cut short rolls
            # back whole (nothing written, no recompute queued), and one that finishes in
            # time cannot be cut while it commits.
            stack.enter_context(transaction.atomic())
            stack.enter_context(_deadline(seconds))
            result = import_files(
                team=team,
                user=None,
                files=files,
                account=account,
                format=options["format"],
                as_of=as_of,
                dry_run=options["dry_run"],
                max_bytes=options["max_bytes"] or settings.METRICS_MAX_UPLOAD_BYTES,
                max_errors=None,
            )
        if not result.ok:
            for error in result.errors:
                self.stderr.write(error)
            sys.exit(1)
        self.stdout.write(result.summary_line())
        if result.message and options["verbosity"] > 1:
            self.stdout.write(result.message)


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    message = (
        f"The import took longer than --timeout {seconds:g} s and was stopped; nothing was written."
    )
    try:
        with deadline(seconds) as timer:
            yield
    except DeadlineExceeded as exc:
        raise CommandError(message) from exc
    # Something on the way may have caught the exception and gone on (a damaged-archive
    # check catches everything): a deadline that fired stops the import all the same.
    if timer.fired:
        raise CommandError(message)


def _team(slug: str | None) -> Team:
    if slug:
        try:
            return Team.objects.get(slug=slug)
        except Team.DoesNotExist as exc:
            raise CommandError(f"No team '{slug}'.") from exc
    teams = list(Team.objects.order_by("slug")[:2])
    if len(teams) == 1:
        return teams[0]
    if not teams:
        raise CommandError("There is no team yet: create one first.")
    raise CommandError("There are several teams: name one with --team SLUG.")


def _account(team: Team, handle: str | None) -> Account | None:
    if not handle:
        return None
    try:
        return Account.objects.get(team=team, handle=normalize_handle(handle))
    except Account.DoesNotExist as exc:
        raise CommandError(f"No account @{normalize_handle(handle)} in {team.slug}.") from exc


def _as_of(value: str | None) -> date:
    if not value:
        return timezone.localdate()
    try:
        as_of = date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of {value!r} is not a date: use YYYY-MM-DD.") from exc
    problem = as_of_problem(as_of)
    if problem is not None:
        raise CommandError(f"--as-of {problem}.")
    return as_of

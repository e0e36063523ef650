from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from analytics.management.commands._scorecards import (
    ScorecardCommand,
    end_date,
    team_or_none,
    window_days,
)
from analytics.models import ScorecardRun
from analytics.scorecards.queue import BackgroundUnavailable
from analytics.scorecards.runs import (
    scorecard_run_create,
    scorecard_run_execute,
    scorecard_run_start,
)

DEFAULT_WINDOWS = (7, 28)
BAR_WIDTH = 30


class Command(ScorecardCommand):
    help = (
        "Recomputes scorecards for every active account (or one team's): queues a background "
        "run, or with --sync computes in this process without the task queue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_window_arguments(parser)
        parser.add_argument(
            "--days",
            metavar="N",
            action="append",
            help="window length in days; repeat for several (default: 7 and 28)",
        )
        parser.add_argument(
            "--sync", action="store_true", help="compute here and now, with a progress bar"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        team = team_or_none(options["team"])
        end = end_date(options["end"])
        days = [window_days(value) for value in options["days"] or ()] or DEFAULT_WINDOWS
        scope = ScorecardRun.Scope.TEAM if team else ScorecardRun.Scope.ALL
        if not options["sync"]:
            try:
                run = scorecard_run_start(scope=scope, team=team, end=end, days=days)
            except BackgroundUnavailable as exc:
                self.stderr.write(f"{exc} Use --sync to compute in this process instead.")
                self.stdout.write(
                    f"scorecard run {exc.run.pk} ({exc.run.public_id}) waits for the queue"
                )
                return
            self.stdout.write(f"queued scorecard run {run.pk} ({run.public_id})")
            return
        run = scorecard_run_create(scope=scope, team=team, end=end, days=days)
        run = scorecard_run_execute(run_id=run.pk, progress=self.show_progress)
        self.stdout.write("")
        self.report(run)

    def show_progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        percent = 100 * done // total if total else 100
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stdout.write(f"\r[{bar}] {percent:3d}% {done}/{total}", ending="")
        self.stdout.flush()

    def report(self, run: ScorecardRun) -> None:
        if run.status != ScorecardRun.Status.DONE:
            raise CommandError(f"Scorecard run {run.pk} failed: {run.error}")
        windows = " and ".join(f"{d}-day" for d in run.days)
        self.stdout.write(
            f"scorecard run {run.pk} done: {windows} windows ending {run.end.isoformat()}, "
            f"{run.done - len(run.account_errors)} scorecards"
        )
        for error in run.account_errors:
            self.stderr.write(f"@{error['handle']} ({error['days']} days): {error['error']}")

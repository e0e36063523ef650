from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from analytics.management.commands._scorecards import (
    ScorecardCommand,
    end_date,
    team_or_none,
    window_days,
)
from analytics.models import Scorecard
from analytics.scorecards import rules
from analytics.scorecards.export import write_csv

DEFAULT_DAYS = "28"


class Command(ScorecardCommand):
    help = (
        "Writes the stored scorecards of one window as CSV (the columns of "
        "docs/scoring.md, Exports), to standard output or to a file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_window_arguments(parser)
        parser.add_argument(
            "--days", metavar="N", default=DEFAULT_DAYS, help="window length (default: 28)"
        )
        parser.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        team = team_or_none(options["team"])
        end = end_date(options["end"])
        days = window_days(options["days"])
        start, _ = rules.period(end, days)
        cards = (
            Scorecard.objects.filter(period_start=start, period_end=end, account__archived=False)
            .select_related("account__team")
            .order_by("account__team__slug", "account__handle")
        )
        if team is not None:
            cards = cards.filter(account__team=team)
        if options["output"]:
            path = Path(options["output"])
            try:
                with path.open("w", encoding="utf-8", newline="") as out:
                    count = write_csv(cards.iterator(), out)
            except OSError as exc:
                raise CommandError(f"Cannot write {path}: {exc.strerror}.") from exc
            self.stderr.write(f"wrote {count} scorecards to {path}")
        else:
            count = write_csv(cards.iterator(), self.stdout)
        if count == 0:
            self.stderr.write(
                f"no stored scorecards for the {days} days ending {end.isoformat()}; "
                "run compute_scorecards first"
            )

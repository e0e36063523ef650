"""What an import did (`ImportResult`) and every error it found on the way (`Errors`).

The import services fill them as they read an upload (imports.services.import_rows) and
write its rows (analytics.services.metric_writes); the pages and the command show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from analytics.models import ScorecardRun
from analytics.rows import ErrorGroup as ErrorGroup

# Errors counts and groups them; analytics' writers read it too, so it is analytics'.
from analytics.rows import Errors as Errors
from imports.models import ImportRun


@dataclass
class ImportResult:
    """What an import did, or would do: counts, scope, and what was wrong."""

    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    handles: list[str] = field(default_factory=list)
    account_ids: list[int] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    # The first errors (MAX_REPORTED_ERRORS unless asked otherwise) as
    # "file: line N, column C: ...".
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What the preview warns about though nothing is wrong: dates that may be placed in
    # the wrong year.
    warnings: list[str] = field(default_factory=list)
    # Errors grouped by file, column and message, over every error found.
    error_groups: list[str] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    campaign_days: int = 0
    message: str = ""
    scorecard_run: ScorecardRun | None = None
    run: ImportRun | None = None

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def formats(self) -> str:
        found = dict.fromkeys(entry["format"] for entry in self.files if entry["format"])
        return ", ".join(found)

    def summary_line(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        accounts = len(self.account_ids)
        line = (
            f"{verb} {self.rows} row{'s' if self.rows != 1 else ''}: {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged "
            f"for {accounts} account{'s' if accounts != 1 else ''}"
        )
        held = [
            f"{_base_name(entry['name'])}: {entry['held']}"
            for entry in self.files
            if entry.get("held")
        ]
        return "; ".join([line, *held])


def _base_name(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1]

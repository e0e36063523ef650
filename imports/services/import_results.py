"""What an import did (`ImportResult`) and every error it found on the way (`Errors`).

The import services fill them as they read an upload (imports.services.import_rows) and
write its rows (analytics.writes); the pages and the command show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from analytics.models import ScorecardRun
from imports.models import ImportRun
from imports.parsers import MAX_REPORTED_ERRORS, RowError


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


class Errors:
    """Counts every error and keeps the first `limit` of them (all for None), as found."""

    def __init__(self, limit: int | None = MAX_REPORTED_ERRORS) -> None:
        self.kept: list[RowError] = []
        self.count = 0
        self.limit = limit
        self.groups: dict[tuple[str, str, str], ErrorGroup] = {}
        self.ungrouped = 0

    def add(self, error: RowError) -> None:
        self.count += 1
        if self.limit is None or len(self.kept) < self.limit:
            self.kept.append(error)
        key = (error.file, error.column, error.message)
        group = self.groups.get(key)
        if group is None:
            if len(self.groups) >= MAX_ERROR_GROUPS:
                self.ungrouped += 1
                return
            group = self.groups[key] = ErrorGroup(error.file, error.column, error.message)
        group.add(error.line)

    def grouped(self) -> list[str]:
        """One line per kind of error; a last line counts the errors of kinds not named."""
        lines = [str(group) for group in self.groups.values()]
        if self.ungrouped:
            lines.append(f"and {self.ungrouped:,} more.")
        return lines

    def take(self, errors: list[RowError]) -> None:
        """Moves a parser's errors over; emptying its list keeps a bad file's cost flat."""
        for error in errors:
            self.add(error)
        errors.clear()


# Kinds of error named in the grouped summary, and runs of lines named per kind: beyond
# them a count says how many more, so a million bad rows cost the same few lines.
MAX_ERROR_GROUPS = 100
MAX_LINE_RUNS = 20


@dataclass
class ErrorGroup:
    """One kind of error (same file, column and message) and the lines it is on, as runs."""

    file: str
    column: str
    message: str
    runs: list[list[int]] = field(default_factory=list)
    lines: int = 0
    more: int = 0

    def add(self, line: int) -> None:
        self.lines += 1
        if self.runs and line == self.runs[-1][1] + 1:
            self.runs[-1][1] = line
        elif self.runs and line == self.runs[-1][1]:
            return
        elif len(self.runs) < MAX_LINE_RUNS:
            self.runs.append([line, line])
        else:
            self.more += 1

    def __str__(self) -> str:
        where = []
        if self.runs and self.runs[0][0]:
            parts = [
                f"{start:,}" if start == end else f"{start:,}-{end:,}" for start, end in self.runs
            ]
            if self.more:
                parts.append(f"{self.more:,} more")
            plural = "s" if self.lines > 1 else ""
            where.append(f"line{plural} {', '.join(parts)}")
        if self.column:
            where.append(f"column {self.column}")
        place = ", ".join(where)
        prefix = f"{self.file}: " if self.file else ""
        return f"{prefix}{place}: {self.message}" if place else f"{prefix}{self.message}"

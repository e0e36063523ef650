"""The rows an upload or a sync brings in, and the errors found in them.

The parsers (imports.parsers) make these rows from files; analytics' writers
(analytics.services.metric_writes, analytics.services.studio_tabs) take them, and
connections builds some from the API. They live here, below both doors, so neither has
to import the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

MAX_REPORTED_ERRORS = 100

# TikTok's captions hold at most 4,000 characters: a longer title (from a file or the API)
# is cut to this, with a note.
MAX_TITLE_CHARS = 4000


@dataclass(frozen=True, slots=True)
class RowError:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.line and self.column:
            return f"{self.file}: line {self.line}, column {self.column}: {self.message}"
        if self.line:
            return f"{self.file}: line {self.line}: {self.message}"
        if self.column:
            return f"{self.file}: column {self.column}: {self.message}"
        return f"{self.file}: {self.message}"


# Not frozen: a frozen dataclass is built five times slower, which a million-row file
# feels. Nothing in Playbook changes a row once it is made; `replace` makes new ones.
@dataclass(slots=True)
class MetricRow:
    file: str
    line: int
    handle: str | None
    date: date
    values: dict[str, int | Decimal | None]
    campaign: str | None = None
    currency: str | None = None


@dataclass(slots=True)
class HourRow:
    """A FollowerActivity line: active followers in one hour (0-23) of one day."""

    file: str
    line: int
    date: date
    hour: int
    active_followers: int


@dataclass(slots=True)
class ShareRow:
    """A FollowerGender or FollowerTopTerritories line: a key and its share (0 to 1)."""

    file: str
    line: int
    dimension: str
    key: str
    share: Decimal


@dataclass(slots=True)
class VideoRow:
    """A Content line: one video and its lifetime totals as of `date` (the `Time` day).

    `handle` is the one in the video's link (None when the link names none); `values`
    holds views, likes, comments and shares, None where the file says `undefined`.
    """

    file: str
    line: int
    video_id: str
    handle: str | None
    title: str
    link: str
    posted_on: date | None
    date: date
    values: dict[str, int | None]


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

"""Needs attention's lines: the topics, a line, a topic's section and the whole page, and
the read each topic's lines share (its first SHOWN_LINES, counted in the same query)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, QuerySet, Window
from django.utils import timezone

# The lines of a topic read and shown; the others are only counted.
SHOWN_LINES = 50


class Topic:
    STOPPED = "stopped"
    SCORECARD = "scorecard"
    CHECKLIST = "checklist"
    CONNECTION = "connection"
    FAILED = "failed"


TOPIC_TITLES = {
    Topic.STOPPED: "Data stopped arriving",
    Topic.SCORECARD: "Scorecards to look at",
    Topic.CHECKLIST: "Checklists behind this week",
    Topic.CONNECTION: "Connections to reconnect",
    Topic.FAILED: "Failed imports and syncs",
}


@dataclass(frozen=True)
class AttentionLine:
    topic: str
    text: str
    url: str
    action: str
    # The account the line names; "" for an import.
    handle: str = ""


@dataclass(frozen=True)
class Section:
    topic: str
    title: str
    # The first SHOWN_LINES lines, by handle.
    lines: list[AttentionLine]
    # The topic's lines in all, shown or not.
    count: int

    @property
    def more(self) -> int:
        """The lines counted but not shown."""
        return self.count - len(self.lines)


@dataclass
class Attention:
    today: date
    # The shown lines of every topic (at most SHOWN_LINES a topic).
    lines: list[AttentionLine] = field(default_factory=list)
    # Each topic's lines in all, shown or not.
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, topic: str, lines: list[AttentionLine], count: int) -> None:
        self.lines += lines
        self.counts[topic] = self.counts.get(topic, 0) + count

    @property
    def sections(self) -> list[Section]:
        """The topics that have lines, in TOPIC_TITLES' order."""
        sections = []
        for topic, title in TOPIC_TITLES.items():
            lines = [line for line in self.lines if line.topic == topic]
            if lines:
                sections.append(Section(topic, title, lines[:SHOWN_LINES], self.counts[topic]))
        return sections


def first_lines(rows: QuerySet, *fields: str) -> tuple[list[tuple], int]:
    """`fields` of `rows`' first SHOWN_LINES, and how many rows there are in all (which the
    database counts in the same query)."""
    first = list(
        rows.annotate(in_all=Window(Count("pk"))).values_list(*fields, "in_all")[:SHOWN_LINES]
    )
    return [row[:-1] for row in first], first[0][-1] if first else 0


def day_text(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.strftime("%-d %b %Y")

"""Needs attention: the connections to reconnect and the failed syncs."""

from __future__ import annotations

from django.db.models import Case, Count, F, Q, QuerySet, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from accounts.models import Account
from connections.models import Connection, Source
from notifications.selectors.lines import SHOWN_LINES, AttentionLine, Topic, day_text


def failing_connections(*, accounts: QuerySet[Account]) -> QuerySet[Connection]:
    """The accounts' connections that need reconnecting or whose last sync failed."""
    return Connection.objects.filter(account__in=accounts.values("pk")).filter(
        Q(status=Connection.Status.NEEDS_RECONNECT) | Q(last_sync_ok=False)
    )


def connection_lines(
    scope: QuerySet[Account], slug: str
) -> list[tuple[str, list[AttentionLine], int]]:
    """(topic, lines, count) of the connections to reconnect, then of the failed syncs (a
    connection to reconnect is listed there only).

    One query: each topic's connections are ranked by handle apart and counted, and read
    in rank order, so the first 2 x SHOWN_LINES rows hold each topic's first SHOWN_LINES
    (a topic with fewer leaves its room to the other, whose extra rows are dropped here).
    """
    apart = {"partition_by": [F("to_reconnect")]}
    rows = (
        failing_connections(accounts=scope)
        .annotate(
            handle=F("account__handle"),
            to_reconnect=Case(
                When(status=Connection.Status.NEEDS_RECONNECT, then=True), default=False
            ),
        )
        .annotate(
            rank=Window(RowNumber(), order_by=[F("handle").asc(), F("source").asc()], **apart),
            in_topic=Window(Count("pk"), **apart),
        )
        .order_by("rank", "to_reconnect")
        .values_list(
            "to_reconnect", "rank", "in_topic", "handle", "source", "last_sync_at", "last_error"
        )[: 2 * SHOWN_LINES]
    )
    labels = dict(Source.choices)  # as get_source_display() names them
    found: dict[str, tuple[list[AttentionLine], int]] = {
        Topic.CONNECTION: ([], 0),
        Topic.FAILED: ([], 0),
    }
    for to_reconnect, rank, in_topic, handle, source, last_sync_at, last_error in rows:
        if rank > SHOWN_LINES:
            continue
        label = labels.get(source, source)
        if to_reconnect:
            topic = Topic.CONNECTION
            text = f"@{handle}'s {label} connection needs reconnecting."
            url = reverse("connections:connection-start", args=[slug, handle, source])
            line = AttentionLine(topic, text, url, "Reconnect", handle)
        else:
            topic = Topic.FAILED
            text = f"@{handle}'s {label} sync failed on {day_text(last_sync_at)}."
            if last_error:
                text = f"{text[:-1]}: {last_error[:120]}"
            url = reverse("connections:connection-list", args=[slug])
            line = AttentionLine(topic, text, url, "Sync again", handle)
        lines = found[topic][0]
        lines.append(line)
        found[topic] = (lines, in_topic)
    return [(topic, lines, count) for topic, (lines, count) in found.items()]

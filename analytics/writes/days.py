"""Daily metrics and campaign days: the write API's day rules (analytics.writes).

Two write paths give identical rows. On PostgreSQL the rows stream through COPY into a
temporary table and one INSERT ... ON CONFLICT merges them (lib.pg); elsewhere, or when
asked (`fast=False`), batches go through the ORM. A differential test keeps them equal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any, NamedTuple

from django.db.models import Sum
from django.utils import timezone

from analytics.fields import METRIC_FIELDS, MONEY_FIELDS, PAID_FIELDS
from analytics.models import Campaign, CampaignDay, DailyMetric, Source
from analytics.models.metrics import UNNAMED_CAMPAIGN
from analytics.writes.rows import fast_default
from lib.pg import copy_upsert

# Rows per ORM batch, and per read of the existing rows they may change.
ORM_BATCH = 1000
_COLUMNS = ("account_id", "date", *METRIC_FIELDS)
_NULLABLE = frozenset({"followers"})
# The figures each source column speaks for: Studio's Overview tab gives the organic
# ones, its FollowerHistory tab the followers.
ORGANIC_FIELDS = ("video_views", "profile_views", "likes", "comments", "shares")
SOURCE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("organic_source", ORGANIC_FIELDS),
    ("followers_source", ("followers",)),
)


class Counts(NamedTuple):
    """What a write did: rows created, rows changed, rows left as they were."""

    created: int
    updated: int
    unchanged: int


def _check_source(source: str) -> str:
    # The value is also written into SQL as a literal: only the model's own choices pass.
    if source not in Source.values or source == Source.UNKNOWN:
        raise ValueError(f"unknown source {source!r}")
    return source


def days_write(
    rows: Iterable[tuple],
    *,
    source: str,
    fast: bool | None = None,
    proceed: Callable[[], bool] | None = None,
) -> Counts:
    """Merges day rows (account_id, date, *METRIC_FIELDS; None for unknown) into DailyMetric.

    `proceed`, asked along the way, stops the write when it says no (an import that found
    an error: it is rolled back anyway, the rows are only read for their errors).
    """
    _check_source(source)
    if fast_default(fast):
        return _write_postgres(rows, source, proceed)
    return _write_orm(rows, source, proceed)


def _merge(
    values: tuple, existing: Any, fields: tuple[str, ...], nullable: frozenset[str] = frozenset()
) -> tuple:
    """The figures a row has after the write: unknown keeps the old value (or 0 / null)."""
    merged = []
    for name, value in zip(fields, values, strict=True):
        if value is None:
            if existing is not None:
                value = getattr(existing, name)
            elif name not in nullable:
                value = Decimal("0.00") if name in MONEY_FIELDS else 0
        merged.append(value)
    return tuple(merged)


def _masked(values: dict[str, Any], existing: DailyMetric | None, source: str) -> dict[str, Any]:
    """The API's figures, without those of a group Studio wrote (they stay Studio's)."""
    if source != Source.API or existing is None:
        return values
    for column, fields in SOURCE_GROUPS:
        if getattr(existing, column) == Source.STUDIO:
            values.update(dict.fromkeys(fields))
    return values


def _sources(
    values: dict[str, Any], merged: dict[str, Any], existing: DailyMetric | None, source: str
) -> dict[str, str]:
    """Each group's source: the writer's when it changed a figure of the group (or, on a
    new row, gave one), else what the row had. Studio giving a figure claims its group
    even unchanged: its figures are TikTok's own, whoever wrote the same numbers first."""
    sources = {}
    for column, fields in SOURCE_GROUPS:
        given = any(values[name] is not None for name in fields)
        if existing is None:
            sources[column] = source if given else Source.UNKNOWN
        elif (given and source == Source.STUDIO) or any(
            merged[name] != getattr(existing, name) for name in fields
        ):
            sources[column] = source
        else:
            sources[column] = getattr(existing, column)
    return sources


_STORED = (*METRIC_FIELDS, *(column for column, _fields in SOURCE_GROUPS))


def _write_orm(rows: Iterable[tuple], source: str, proceed: Callable[[], bool] | None) -> Counts:
    created = updated = unchanged = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, ORM_BATCH)):
        if proceed is not None and not proceed():
            continue
        existing = {
            (metric.account_id, metric.date): metric
            for metric in DailyMetric.objects.filter(
                account_id__in={row[0] for row in batch}, date__in={row[1] for row in batch}
            )
        }
        now = timezone.now()
        new: list[DailyMetric] = []
        changed: list[DailyMetric] = []
        for account_id, day, *figures in batch:
            metric = existing.get((account_id, day))
            values = _masked(dict(zip(METRIC_FIELDS, figures, strict=True)), metric, source)
            merged_values = _merge(tuple(values.values()), metric, METRIC_FIELDS, _NULLABLE)
            merged = dict(zip(METRIC_FIELDS, merged_values, strict=True))
            merged.update(_sources(values, merged, metric, source))
            if metric is None:
                new.append(DailyMetric(account_id=account_id, date=day, updated_at=now, **merged))
            elif any(value != getattr(metric, name) for name, value in merged.items()):
                for name, value in merged.items():
                    setattr(metric, name, value)
                metric.updated_at = now
                changed.append(metric)
            else:
                unchanged += 1
        DailyMetric.objects.bulk_create(new)
        DailyMetric.objects.bulk_update(changed, [*_STORED, "updated_at"])
        created += len(new)
        updated += len(changed)
    return Counts(created, updated, unchanged)


_TEMP_TABLE = "tmp_import"


_GROUP_OF = {name: column for column, fields in SOURCE_GROUPS for name in fields}


def _incoming(name: str, source: str) -> str:
    """A staged figure as the merge reads it: for the API, unknown where Studio's group is."""
    column = _GROUP_OF.get(name)
    if source != Source.API or column is None:
        return f"t.{name}"
    return f"(CASE WHEN d.{column} = '{Source.STUDIO}' THEN NULL ELSE t.{name} END)"


def merge_sql(rows: str, *, source: str) -> str:
    """The one statement that merges staged days into the daily metrics.

    `rows` is a FROM item named `t` with the columns account_id, date and every metric
    field (None for unknown): the COPY-staged rows of `days_write`, or the typed rows of
    a raw staged file (the imports' fast path). Its first parameter is the rows'
    `updated_at`; it returns one row: (created, updated).
    """
    source = _check_source(source)
    table = DailyMetric._meta.db_table
    incoming = {name: _incoming(name, source) for name in METRIC_FIELDS}
    merged = {
        name: f"COALESCE({incoming[name]}, d.{name})"
        if name in _NULLABLE
        else f"COALESCE({incoming[name]}, d.{name}, 0)"
        for name in METRIC_FIELDS
    }
    sources = []
    # Studio claims a group it gives a figure of even when the figures stay (_sources);
    # any other source changes a group's source only with one of its figures.
    claims = []
    for column, fields in SOURCE_GROUPS:
        given = " OR ".join(f"{incoming[name]} IS NOT NULL" for name in fields)
        after = ", ".join(merged[name] for name in fields)
        before = ", ".join(f"d.{name}" for name in fields)
        changed = f"ROW({after}) IS DISTINCT FROM ROW({before})"
        if source == Source.STUDIO:
            changed = f"({given})"
            claims.append(f"(({given}) AND d.{column} <> '{source}')")
        sources.append(
            f"CASE WHEN d.id IS NULL THEN (CASE WHEN {given} THEN '{source}' ELSE '' END) "
            f"WHEN {changed} THEN '{source}' ELSE d.{column} END"
        )
    columns = ", ".join((*METRIC_FIELDS, *(column for column, _fields in SOURCE_GROUPS)))
    # Unchanged days are left out before the insert: ON CONFLICT DO UPDATE locks (and so
    # writes) every row it meets, even those its WHERE then leaves alone. Besides Studio's
    # claims, a source changes only with a figure, so the figures tell a changed day.
    kept = ", ".join(f"COALESCE({incoming[name]}, d.{name})" for name in METRIC_FIELDS)
    claimed = "".join(f" OR {claim}" for claim in claims)
    stored = ", ".join(f"m.{column}" for column, _fields in SOURCE_GROUPS)
    stamped = ", ".join(f"EXCLUDED.{column}" for column, _fields in SOURCE_GROUPS)
    existing = ", ".join(f"d.{name}" for name in METRIC_FIELDS)
    current = ", ".join(f"m.{name}" for name in METRIC_FIELDS)
    excluded = ", ".join(f"EXCLUDED.{name}" for name in METRIC_FIELDS)
    assignments = ", ".join(f"{name} = EXCLUDED.{name}" for name in columns.split(", "))
    # The existing day is joined in the SELECT, not read in DO UPDATE: EXCLUDED holds the
    # row as it would be inserted, where an unknown field is already 0, so only the join
    # can tell "unknown" (keep the old value) from a real 0.
    return f"""
        WITH written AS (
            INSERT INTO {table} AS m (account_id, date, {columns}, updated_at)
            SELECT t.account_id, t.date, {", ".join(merged.values())}, {", ".join(sources)}, %s
            FROM {rows}
            LEFT JOIN {table} d ON d.account_id = t.account_id AND d.date = t.date
            WHERE d.id IS NULL OR ({kept}) IS DISTINCT FROM ({existing}){claimed}
            ON CONFLICT (account_id, date) DO UPDATE SET {assignments},
                updated_at = EXCLUDED.updated_at
            WHERE ({current}, {stored}) IS DISTINCT FROM ({excluded}, {stamped})
            RETURNING (xmax = 0) AS created
        )
        SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM written
    """  # noqa: S608 - the names come from the model and the callers' code, never from input.


def insert_sql(rows: str, *, source: str) -> str:
    """merge_sql for days none of which exist yet: a plain INSERT, every row created.

    The caller makes sure no day of `rows` is in the table; should another import write
    one meanwhile, the unique index refuses the statement. Its one parameter is the rows'
    `updated_at`.
    """
    source = _check_source(source)
    table = DailyMetric._meta.db_table
    values = ", ".join(
        f"t.{name}" if name in _NULLABLE else f"COALESCE(t.{name}, 0)" for name in METRIC_FIELDS
    )
    sources = ", ".join(
        f"CASE WHEN {' OR '.join(f't.{name} IS NOT NULL' for name in fields)} "
        f"THEN '{source}' ELSE '' END"
        for _column, fields in SOURCE_GROUPS
    )
    columns = ", ".join((*METRIC_FIELDS, *(column for column, _fields in SOURCE_GROUPS)))
    return f"""
        INSERT INTO {table} (account_id, date, {columns}, updated_at)
        SELECT t.account_id, t.date, {values}, {sources}, %s FROM {rows}
    """  # noqa: S608 - the names come from the model and the callers' code, never from input.


def _write_postgres(
    rows: Iterable[tuple], source: str, proceed: Callable[[], bool] | None
) -> Counts:
    """Streams day rows into a temporary table by COPY, then merges them in one statement."""
    # The rows are read while they are staged; when `proceed` then says no, nothing is merged.
    staged, written = copy_upsert(
        stage=_TEMP_TABLE,
        like=DailyMetric._meta.db_table,
        columns=_COLUMNS,
        rows=rows,
        upsert=merge_sql(f"{_TEMP_TABLE} t", source=source),
        params=[timezone.now()],
        proceed=proceed,
    )
    created, updated = written[0] if written else (0, 0)
    return Counts(created, updated, staged - created - updated)


def campaign_days_write(
    rows: Iterable[tuple[int, str | None, date, dict[str, Any]]],
) -> tuple[int, dict[tuple[int, date], dict[str, Any]]]:
    """Upserts campaign days (account_id, campaign name, date, paid figures; None unknown).

    A campaign's day takes the newest figures (an unknown one keeps what it had; a row
    without a name is UNNAMED_CAMPAIGN's). Returns how many campaign days were created or
    changed, and the sums per account and day over all of the account's campaigns: what
    the day's paid fields become (the caller writes them with `days_write`).
    """
    by_name = {
        (account_id, name or UNNAMED_CAMPAIGN, day): values
        for account_id, name, day, values in rows
    }
    names = {(account_id, name) for account_id, name, _day in by_name}
    known = {
        (campaign.account_id, campaign.name): campaign
        for campaign in Campaign.objects.filter(
            account_id__in={account_id for account_id, _name in names},
            name__in={name for _account_id, name in names},
        )
    }
    missing = [
        Campaign(account_id=account_id, name=name)
        for account_id, name in sorted(names - known.keys())
    ]
    for campaign in Campaign.objects.bulk_create(missing):
        known[campaign.account_id, campaign.name] = campaign
    by_key = {
        (known[account_id, name].pk, day): values
        for (account_id, name, day), values in by_name.items()
    }
    existing = {
        (day.campaign_id, day.date): day
        for day in CampaignDay.objects.filter(
            campaign_id__in={key[0] for key in by_key}, date__in={key[1] for key in by_key}
        )
    }
    new: list[CampaignDay] = []
    changed: list[CampaignDay] = []
    for (campaign_id, day), row in by_key.items():
        current = existing.get((campaign_id, day))
        values = tuple(row.get(name) for name in PAID_FIELDS)
        merged = _merge(values, current, PAID_FIELDS)
        if current is None:
            new.append(
                CampaignDay(
                    campaign_id=campaign_id, date=day, **dict(zip(PAID_FIELDS, merged, strict=True))
                )
            )
        elif merged != tuple(getattr(current, name) for name in PAID_FIELDS):
            for name, value in zip(PAID_FIELDS, merged, strict=True):
                setattr(current, name, value)
            changed.append(current)
    CampaignDay.objects.bulk_create(new)
    CampaignDay.objects.bulk_update(changed, list(PAID_FIELDS))
    totals = (
        CampaignDay.objects.filter(
            campaign__account_id__in={key[0] for key in by_name},
            date__in={key[2] for key in by_name},
        )
        .values("campaign__account_id", "date")
        .annotate(**{name: Sum(name) for name in PAID_FIELDS})
    )
    sums = {
        (total["campaign__account_id"], total["date"]): {
            name: (
                Decimal(total[name]).quantize(Decimal("0.01"))
                if name in MONEY_FIELDS
                else int(total[name])
            )
            for name in PAID_FIELDS
        }
        for total in totals
    }
    return len(new) + len(changed), sums

"""Writing day rows and campaign days, inside the import's transaction.

Two write paths give identical rows. On PostgreSQL the rows stream through COPY into a
temporary table and one INSERT ... ON CONFLICT merges them (lib.pg); elsewhere, or when
asked (`fast=False`), batches go through the ORM. The merge rule is the one of
imports.services.imports: an unknown figure keeps what the day had.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any, Protocol

from django.db.models import Sum
from django.utils import timezone

from analytics.fields import MONEY_FIELDS as MONEY
from analytics.models import (
    METRIC_FIELDS,
    PAID_FIELDS,
    Campaign,
    CampaignDay,
    DailyMetric,
)
from analytics.models.metrics import UNNAMED_CAMPAIGN
from analytics.rows import Errors, MetricRow
from lib.pg import copy_upsert


class CampaignDaysCounted(Protocol):
    """What write_campaigns reports to: the import's result (imports' ImportResult)."""

    campaign_days: int


# Rows per ORM batch, and per read of the existing rows they may change.
ORM_BATCH = 1000
_COLUMNS = ("account_id", "date", *METRIC_FIELDS)


# ---------------------------------------------------------------------------
# Writing


def _merge(
    values: tuple, existing: Any, fields: tuple[str, ...], nullable: frozenset[str] = frozenset()
) -> tuple:
    """The figures a day has after the import: unknown keeps the old value (or 0 / null)."""
    merged = []
    for name, value in zip(fields, values, strict=True):
        if value is None:
            if existing is not None:
                value = getattr(existing, name)
            elif name not in nullable:
                value = Decimal("0.00") if name in MONEY else 0
        merged.append(value)
    return tuple(merged)


_NULLABLE = frozenset({"followers"})


def write_orm(rows: Iterable[tuple], errors: Errors) -> tuple[int, int, int]:
    """Writes day rows through the ORM, a batch at a time; returns (created, updated, unchanged)."""
    created = updated = unchanged = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, ORM_BATCH)):
        if errors.count:
            # The import will be rolled back; the rest is read only for its errors.
            continue
        account_ids = {row[0] for row in batch}
        dates = {row[1] for row in batch}
        existing = {
            (metric.account_id, metric.date): metric
            for metric in DailyMetric.objects.filter(account_id__in=account_ids, date__in=dates)
        }
        now = timezone.now()
        new: list[DailyMetric] = []
        changed: list[DailyMetric] = []
        for account_id, day, *values in batch:
            metric = existing.get((account_id, day))
            merged = _merge(tuple(values), metric, METRIC_FIELDS, _NULLABLE)
            if metric is None:
                new.append(
                    DailyMetric(
                        account_id=account_id,
                        date=day,
                        updated_at=now,
                        **dict(zip(METRIC_FIELDS, merged, strict=True)),
                    )
                )
            elif merged != tuple(getattr(metric, name) for name in METRIC_FIELDS):
                for name, value in zip(METRIC_FIELDS, merged, strict=True):
                    setattr(metric, name, value)
                metric.updated_at = now
                changed.append(metric)
            else:
                unchanged += 1
        DailyMetric.objects.bulk_create(new)
        DailyMetric.objects.bulk_update(changed, [*METRIC_FIELDS, "updated_at"])
        created += len(new)
        updated += len(changed)
    return created, updated, unchanged


_TEMP_TABLE = "tmp_import"


def merge_sql(source: str) -> str:
    """The one statement that merges staged days into the daily metrics.

    `source` is a FROM item named `t` with the columns account_id, date and every metric
    field (None for unknown): the COPY-staged rows of `write_postgres`, or the typed rows
    of a raw staged file (imports.services.import_fast). Its first parameter is the
    rows' `updated_at`; it returns one row: (created, updated).
    """
    table = DailyMetric._meta.db_table
    merged = ", ".join(
        f"COALESCE(t.{name}, d.{name})" if name in _NULLABLE else f"COALESCE(t.{name}, d.{name}, 0)"
        for name in METRIC_FIELDS
    )
    # Unchanged days are left out before the insert: ON CONFLICT DO UPDATE locks (and so
    # writes) every row it meets, even those its WHERE then leaves alone.
    kept = ", ".join(f"COALESCE(t.{name}, d.{name})" for name in METRIC_FIELDS)
    existing = ", ".join(f"d.{name}" for name in METRIC_FIELDS)
    current = ", ".join(f"m.{name}" for name in METRIC_FIELDS)
    incoming = ", ".join(f"EXCLUDED.{name}" for name in METRIC_FIELDS)
    assignments = ", ".join(f"{name} = EXCLUDED.{name}" for name in METRIC_FIELDS)
    # The existing day is joined in the SELECT, not read in DO UPDATE: EXCLUDED holds the
    # row as it would be inserted, where an unknown field is already 0, so only the join
    # can tell "unknown" (keep the old value) from a real 0.
    return f"""
        WITH written AS (
            INSERT INTO {table} AS m (account_id, date, {", ".join(METRIC_FIELDS)}, updated_at)
            SELECT t.account_id, t.date, {merged}, %s
            FROM {source}
            LEFT JOIN {table} d ON d.account_id = t.account_id AND d.date = t.date
            WHERE d.id IS NULL OR ({kept}) IS DISTINCT FROM ({existing})
            ON CONFLICT (account_id, date) DO UPDATE SET {assignments},
                updated_at = EXCLUDED.updated_at
            WHERE ({current}) IS DISTINCT FROM ({incoming})
            RETURNING (xmax = 0) AS created
        )
        SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM written
    """  # noqa: S608 - the names come from the model and the callers' code, never from input.


def insert_sql(source: str) -> str:
    """merge_sql for days none of which exist yet: a plain INSERT, every row created.

    The caller makes sure no day of `source` is in the table; should another import
    write one meanwhile, the unique index refuses the statement. Its one parameter is
    the rows' `updated_at`.
    """
    table = DailyMetric._meta.db_table
    values = ", ".join(
        f"t.{name}" if name in _NULLABLE else f"COALESCE(t.{name}, 0)" for name in METRIC_FIELDS
    )
    return f"""
        INSERT INTO {table} (account_id, date, {", ".join(METRIC_FIELDS)}, updated_at)
        SELECT t.account_id, t.date, {values}, %s FROM {source}
    """  # noqa: S608 - the names come from the model and the callers' code, never from input.


def write_postgres(rows: Iterable[tuple], errors: Errors) -> tuple[int, int, int]:
    """Streams day rows into a temporary table by COPY, then merges them in one statement."""
    # The rows are read while they are staged, and a row with an error ends the import:
    # then nothing is merged.
    staged, written = copy_upsert(
        stage=_TEMP_TABLE,
        like=DailyMetric._meta.db_table,
        columns=_COLUMNS,
        rows=rows,
        upsert=merge_sql(f"{_TEMP_TABLE} t"),
        params=[timezone.now()],
        proceed=lambda: not errors.count,
    )
    created, updated = written[0] if written else (0, 0)
    return created, updated, staged - created - updated


def write_campaigns(
    campaigns: list[tuple[int, MetricRow]], result: CampaignDaysCounted
) -> dict[tuple[int, date], dict[str, Any]]:
    """Upserts the campaign days; returns the sums per account and day over all campaigns."""
    names = {(account_id, row.campaign or UNNAMED_CAMPAIGN) for account_id, row in campaigns}
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
        (known[account_id, row.campaign or UNNAMED_CAMPAIGN].pk, row.date): row
        for account_id, row in campaigns
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
        values = tuple(row.values.get(name) for name in PAID_FIELDS)
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
    result.campaign_days = len(new) + len(changed)
    totals = (
        CampaignDay.objects.filter(
            campaign__account_id__in={account_id for account_id, _row in campaigns},
            date__in={row.date for _account_id, row in campaigns},
        )
        .values("campaign__account_id", "date")
        .annotate(**{name: Sum(name) for name in PAID_FIELDS})
    )
    return {
        (total["campaign__account_id"], total["date"]): {
            name: (
                Decimal(total[name]).quantize(Decimal("0.01"))
                if name in MONEY
                else int(total[name])
            )
            for name in PAID_FIELDS
        }
        for total in totals
    }

"""Rows written by key, for the write API's audience and video tables (analytics.writes).

Merge rule: an unknown figure (None) keeps what the row had, or takes the target's
default on a new row; rows whose values do not change are not written, so writing the
same rows twice changes nothing. Two write paths give identical rows: on PostgreSQL a
COPY into a temporary table and one INSERT ... ON CONFLICT; elsewhere bulk ORM batches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.db import connection, models
from django.utils import timezone

from lib.pg import copy_upsert

ORM_BATCH = 1000
_TEMP_TABLE = "tmp_import_tab"


@dataclass(frozen=True)
class Target:
    """A model written by key: which columns identify a row and which it holds."""

    model: type[models.Model]
    keys: tuple[str, ...]
    fields: tuple[str, ...]
    # The value of an unknown field on a new row; a field not named here is null.
    defaults: dict[str, int] = field(default_factory=dict)
    # Set to now when a row is created or changed (auto_now), and when created only.
    stamps: tuple[str, ...] = ()
    born: tuple[str, ...] = ()


def fast_default(fast: bool | None) -> bool:
    """The COPY path on PostgreSQL unless a caller asks for the ORM one."""
    return connection.vendor == "postgresql" if fast is None else fast


def upsert(target: Target, rows: list[tuple], *, fast: bool) -> tuple[set[tuple], set[tuple], int]:
    """Writes rows (keys, then fields; None for unknown); returns the created and changed keys."""
    if not rows:
        return set(), set(), 0
    if fast:
        return _upsert_postgres(target, rows)
    return _upsert_orm(target, rows)


def _batches(rows: Iterable[tuple]) -> Iterable[list[tuple]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, ORM_BATCH)):
        yield batch


def _upsert_orm(target: Target, rows: list[tuple]) -> tuple[set[tuple], set[tuple], int]:
    model, keys, fields = target.model, target.keys, target.fields
    width = len(keys)
    created: set[tuple] = set()
    changed: set[tuple] = set()
    for batch in _batches(rows):
        lookups = {f"{name}__in": {row[index] for row in batch} for index, name in enumerate(keys)}
        existing = {
            tuple(getattr(item, name) for name in keys): item
            for item in model.objects.filter(**lookups)
        }
        now = timezone.now()
        new: list[models.Model] = []
        updated: list[models.Model] = []
        for row in batch:
            key, values = row[:width], row[width:]
            current = existing.get(key)
            merged = tuple(
                value
                if value is not None
                else (getattr(current, name) if current is not None else target.defaults.get(name))
                for name, value in zip(fields, values, strict=True)
            )
            if current is None:
                stamps = dict.fromkeys((*target.stamps, *target.born), now)
                new.append(model(**dict(zip(keys + fields, key + merged, strict=True)), **stamps))
                created.add(key)
            elif merged != tuple(getattr(current, name) for name in fields):
                for name, value in zip(fields, merged, strict=True):
                    setattr(current, name, value)
                for name in target.stamps:
                    setattr(current, name, now)
                updated.append(current)
                changed.add(key)
        model.objects.bulk_create(new)
        if updated:
            model.objects.bulk_update(updated, [*fields, *target.stamps])
    return created, changed, len(rows)


def _upsert_postgres(target: Target, rows: list[tuple]) -> tuple[set[tuple], set[tuple], int]:
    """Stages the rows by COPY, then merges them in one INSERT ... ON CONFLICT."""
    model, keys, fields = target.model, target.keys, target.fields
    table = model._meta.db_table
    merged = ", ".join(
        f"COALESCE(t.{name}, d.{name}, {int(target.defaults[name])})"
        if name in target.defaults
        else f"COALESCE(t.{name}, d.{name})"
        for name in fields
    )
    kept = ", ".join(f"COALESCE(t.{name}, d.{name})" for name in fields)
    existing = ", ".join(f"d.{name}" for name in fields)
    current = ", ".join(f"m.{name}" for name in fields)
    incoming = ", ".join(f"EXCLUDED.{name}" for name in fields)
    assignments = ", ".join(f"{name} = EXCLUDED.{name}" for name in (*fields, *target.stamps))
    stamps = (*target.stamps, *target.born)
    columns = ", ".join((*keys, *fields, *stamps))
    join = " AND ".join(f"d.{name} = t.{name}" for name in keys)
    selected = ", ".join((*(f"t.{name}" for name in keys), merged, *(["%s"] * len(stamps))))
    returned = ", ".join(f"m.{name}" for name in keys)
    # The existing row is joined in the SELECT, as for daily metrics: only the join can
    # tell an unknown figure (keep the old one) from a real 0, and unchanged rows are left
    # out before the insert, since ON CONFLICT DO UPDATE locks every row it meets.
    upsert = f"""
        INSERT INTO {table} AS m ({columns})
        SELECT {selected}
        FROM {_TEMP_TABLE} t
        LEFT JOIN {table} d ON {join}
        WHERE d.id IS NULL OR ({kept}) IS DISTINCT FROM ({existing})
        ON CONFLICT ({", ".join(keys)}) DO UPDATE SET {assignments}
        WHERE ({current}) IS DISTINCT FROM ({incoming})
        RETURNING {returned}, (xmax = 0)
    """  # noqa: S608 - the names come from the models, never from input.
    _staged, written = copy_upsert(
        stage=_TEMP_TABLE,
        like=table,
        columns=keys + fields,
        rows=rows,
        upsert=upsert,
        params=[timezone.now()] * len(stamps),
    )
    created = {tuple(row[:-1]) for row in written if row[-1]}
    changed = {tuple(row[:-1]) for row in written if not row[-1]}
    return created, changed, len(rows)

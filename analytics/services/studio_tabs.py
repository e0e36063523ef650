"""Writing TikTok Studio's audience and content tabs, for the metrics import.

Viewers, FollowerActivity, FollowerGender, FollowerTopTerritories and Content go to
models of their own (ViewerDay, FollowerActivity, AudienceShare, Video and
VideoSnapshot), always for the import's one account. The import service
(imports.services.imports) collects each such file into `TabRows`
(imports.services.tab_rows), then calls `write` once, inside its transaction: the same
all-or-nothing and merge rules as for daily metrics.

Merge rule: an unknown figure (`undefined`) keeps what the row had, or is null (viewers)
or 0 (video totals) on a new row; rows whose values do not change are not written, so a
re-import changes nothing. The audience shares of a download day are that day's whole
distribution: a key the new file no longer lists is removed. A person's promotional mark
on a video is never touched; title, link and posting day follow the newest file.

Two write paths give identical rows: on PostgreSQL a COPY into a temporary table and one
INSERT ... ON CONFLICT; elsewhere bulk ORM batches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from django.db import models
from django.db.models import Max
from django.utils import timezone

from analytics.models import AudienceShare, FollowerActivity, Video, VideoSnapshot, ViewerDay
from analytics.services.videos import videos_classify
from lib.pg import copy_upsert

ORM_BATCH = 1000
_TEMP_TABLE = "tmp_import_tab"
VIEWER_FIELDS = ("total_viewers", "new_viewers", "returning_viewers")
VIDEO_FIELDS = ("views", "likes", "comments", "shares")


@dataclass(frozen=True)
class _Target:
    """A model written by key: which columns identify a row and which it holds."""

    model: type[models.Model]
    keys: tuple[str, ...]
    fields: tuple[str, ...]
    # The value of an unknown field on a new row; a field not named here is null.
    defaults: dict[str, int] = field(default_factory=dict)
    # Set to now when a row is created or changed (auto_now), and when created only.
    stamps: tuple[str, ...] = ()
    born: tuple[str, ...] = ()


_VIEWERS = _Target(ViewerDay, ("account_id", "date"), VIEWER_FIELDS, stamps=("updated_at",))
_ACTIVITY = _Target(FollowerActivity, ("account_id", "date", "hour"), ("active_followers",))
_SHARES = _Target(AudienceShare, ("account_id", "dimension", "date", "key"), ("share",))
_VIDEOS = _Target(
    Video,
    ("account_id", "video_id"),
    ("title", "link", "posted_on"),
    stamps=("updated_at",),
    born=("created_at",),
)
_SNAPSHOTS = _Target(
    VideoSnapshot,
    ("video_id", "date"),
    VIDEO_FIELDS,
    defaults=dict.fromkeys(VIDEO_FIELDS, 0),
    stamps=("updated_at",),
)


@dataclass
class Entry:
    """A row to write, with where it came from (for clashes between files)."""

    file: str
    line: int
    values: tuple


@dataclass
class TabRows:
    """An upload's audience and content rows, by key, across all its files."""

    viewers: dict[tuple, Entry] = field(default_factory=dict)
    activity: dict[tuple, Entry] = field(default_factory=dict)
    shares: dict[tuple, Entry] = field(default_factory=dict)
    videos: dict[tuple, Entry] = field(default_factory=dict)
    snapshots: dict[tuple, Entry] = field(default_factory=dict)
    # The day of the newest file that gave each video's title, link and posting day.
    video_days: dict[tuple, date] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any((self.viewers, self.activity, self.shares, self.snapshots))


def write(tabs: TabRows, *, fast: bool) -> tuple[int, int, int]:
    """Writes the collected rows; returns (created, updated, unchanged) over all of them."""
    totals = [0, 0, 0]
    for target, store in ((_VIEWERS, tabs.viewers), (_ACTIVITY, tabs.activity)):
        created, updated, _written = _upsert(target, _tuples(store), fast=fast)
        _add(totals, len(created), len(updated), len(store))
    if tabs.shares:
        created, updated, _written = _upsert(_SHARES, _tuples(tabs.shares), fast=fast)
        _add(totals, len(created), len(updated), len(tabs.shares))
        # A key dropped from a download day's distribution changes that day's audience.
        totals[1] += _remove_stale_shares(tabs.shares)
    if tabs.snapshots:
        _add(totals, *_write_videos(tabs, fast=fast))
    return totals[0], totals[1], totals[2]


def _add(totals: list[int], created: int, updated: int, rows: int) -> None:
    totals[0] += created
    totals[1] += updated
    totals[2] += max(rows - created - updated, 0)


def _tuples(store: dict[tuple, Entry]) -> list[tuple]:
    return [(*key, *entry.values) for key, entry in store.items()]


def _remove_stale_shares(shares: dict[tuple, Entry]) -> int:
    days: dict[tuple, set[str]] = {}
    for account_id, dimension, day, key in shares:
        days.setdefault((account_id, dimension, day), set()).add(key)
    removed = 0
    for (account_id, dimension, day), keys in days.items():
        stale = AudienceShare.objects.filter(account_id=account_id, dimension=dimension, date=day)
        removed += stale.exclude(key__in=keys).delete()[0]
    return removed


def _write_videos(tabs: TabRows, *, fast: bool) -> tuple[int, int, int]:
    """Videos first (title, link, posting day), then their snapshots, counted per snapshot."""
    account_ids = {account_id for account_id, _video_id in tabs.videos}
    ids = {video_id for _account_id, video_id in tabs.videos}
    # A file older than a snapshot already stored (an old download imported again)
    # leaves the video's title, link and posting day as the newer file gave them.
    newest = {
        (account_id, video_id): day
        for account_id, video_id, day in VideoSnapshot.objects.filter(
            video__account_id__in=account_ids, video__video_id__in=ids
        )
        .values_list("video__account_id", "video__video_id")
        .annotate(newest=Max("date"))
        .values_list("video__account_id", "video__video_id", "newest")
    }
    videos = [
        (*key, *entry.values)
        if tabs.video_days[key] >= newest.get(key, tabs.video_days[key])
        else (*key, *(None,) * len(entry.values))
        for key, entry in tabs.videos.items()
    ]
    _created, changed_videos, _written = _upsert(_VIDEOS, videos, fast=fast)
    # Titles were written: whether each is promotional is decided now, not per page view.
    videos_classify(videos=Video.objects.filter(account_id__in=account_ids, video_id__in=ids))
    pks = dict(
        Video.objects.filter(account_id__in=account_ids, video_id__in=ids).values_list(
            "video_id", "pk"
        )
    )
    rows = [
        (pks[video_id], day, *entry.values) for (video_id, day), entry in tabs.snapshots.items()
    ]
    created, updated, _written = _upsert(_SNAPSHOTS, rows, fast=fast)
    changed = {pks[video_id] for _account_id, video_id in changed_videos}
    new = updated_count = 0
    for video_id, day in tabs.snapshots:
        key = (pks[video_id], day)
        if key in created:
            new += 1
        elif key in updated or key[0] in changed:
            # A new title or link is a change to the video's row, even with the same totals.
            updated_count += 1
    return new, updated_count, len(tabs.snapshots)


def _upsert(
    target: _Target, rows: list[tuple], *, fast: bool
) -> tuple[set[tuple], set[tuple], int]:
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


def _upsert_orm(target: _Target, rows: list[tuple]) -> tuple[set[tuple], set[tuple], int]:
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


def _upsert_postgres(target: _Target, rows: list[tuple]) -> tuple[set[tuple], set[tuple], int]:
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

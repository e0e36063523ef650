"""TikTok Studio's audience tabs: viewers, follower activity, gender and territories."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser

from analytics.models import AudienceShare, FollowerActivity, FollowerActivityImport, ViewerDay
from analytics.writes.days import Counts
from analytics.writes.rows import Target, fast_default, upsert

VIEWER_FIELDS = ("total_viewers", "new_viewers", "returning_viewers")
_VIEWERS = Target(ViewerDay, ("account_id", "date"), VIEWER_FIELDS, stamps=("updated_at",))
_ACTIVITY = Target(FollowerActivity, ("account_id", "date", "hour"), ("active_followers",))
_SHARES = Target(AudienceShare, ("account_id", "dimension", "date", "key"), ("share",))


def _counts(
    rows: list[tuple], created: set[tuple], updated: set[tuple], removed: int = 0
) -> Counts:
    return Counts(
        len(created), len(updated) + removed, max(len(rows) - len(created) - len(updated), 0)
    )


def viewer_days_write(rows: list[tuple], *, fast: bool | None = None) -> Counts:
    """Rows (account_id, date, total, new, returning viewers; None for unknown)."""
    created, updated, _rows = upsert(_VIEWERS, rows, fast=fast_default(fast))
    return _counts(rows, created, updated)


def follower_activity_write(
    rows: list[tuple],
    *,
    imported_by: AbstractBaseUser | None,
    as_of: date | None,
    fast: bool | None = None,
) -> Counts:
    """Rows (account_id, date, hour, active followers); records who imported them, as of when.

    The record is written even when no hour changed: it names the latest import of the
    file, whose clock the hours are in.
    """
    created, updated, _rows = upsert(_ACTIVITY, rows, fast=fast_default(fast))
    for account_id in sorted({row[0] for row in rows}):
        FollowerActivityImport.objects.update_or_create(
            account_id=account_id, defaults={"imported_by": imported_by, "as_of": as_of}
        )
    return _counts(rows, created, updated)


def audience_shares_write(rows: list[tuple], *, fast: bool | None = None) -> Counts:
    """Rows (account_id, dimension, download day, key, share).

    A download day's shares of a dimension are that day's whole distribution: a key the
    rows no longer list is removed (counted as a change).
    """
    if not rows:
        return Counts(0, 0, 0)
    created, updated, _rows = upsert(_SHARES, rows, fast=fast_default(fast))
    days: dict[tuple, set[str]] = {}
    for account_id, dimension, day, key, _share in rows:
        days.setdefault((account_id, dimension, day), set()).add(key)
    removed = 0
    for (account_id, dimension, day), keys in days.items():
        stale = AudienceShare.objects.filter(account_id=account_id, dimension=dimension, date=day)
        removed += stale.exclude(key__in=keys).delete()[0]
    return _counts(rows, created, updated, removed)

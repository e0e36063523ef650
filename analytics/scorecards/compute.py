"""Computing scorecards: the figures of any number of accounts, scored and stored at once.

The computation is set-based: for any number of accounts, the figures come from one
aggregate query over the window and the previous window (analytics.scorecards.totals),
whose rows stream in while the pure rules (analytics.scorecards.rules.score_values) score each
account in Python, and one upsert stores the results (on PostgreSQL the scored rows go
by COPY into a temporary table, merged by one INSERT ... ON CONFLICT). The runs that do
this in the background are in analytics.scorecards.runs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import TARGET_FIELDS, Account
from analytics.models import Scorecard
from analytics.scorecards import rules
from analytics.scorecards.totals import windows_totals_stream
from lib.dates import end_error
from lib.pg import copy_line, copy_upsert

logger = logging.getLogger(__name__)
# Rows per upsert statement where the upsert is a multi-row INSERT (SQLite, the demo).
UPSERT_BATCH = 500

# The fields a recompute writes. The lead's review (reviewed_by, reviewed_at,
# review_comment) is never among them, so a recompute keeps it.
COMPUTED_FIELDS = (
    "days",
    "days_with_rows",
    "days_with_spend",
    "views",
    "interactions",
    "impressions",
    "clicks",
    "conversions",
    "spend",
    "revenue",
    "followers_base",
    "followers_end",
    "engagement_rate",
    "follower_growth",
    "ctr",
    "conversion_rate",
    "cpa",
    "roas",
    "roi",
    "engagement_score",
    "roi_score",
    "overall_score",
    "previous_overall_score",
    "grade",
    "quadrant",
    "flags",
    "computed_at",
)
UPSERT_COLUMNS = ("account_id", "period_start", "period_end", *COMPUTED_FIELDS)
# Each decimal column's quantum and the exponent its values must stay below.
_DECIMAL_COLUMNS = {
    field.name: (Decimal(1).scaleb(-field.decimal_places), field.max_digits - field.decimal_places)
    for field in (Scorecard._meta.get_field(name) for name in COMPUTED_FIELDS)
    if field.get_internal_type() == "DecimalField"
}
# rules.Targets' field for each of the account's TARGET_FIELDS.
_TARGET_NAMES = tuple(name.removeprefix("target_") for name in TARGET_FIELDS)
# The decimal columns again, by position in a row of UPSERT_COLUMNS, but the scores: the
# rules hand those out rounded to their one place and between 0 and 100, as stored.
_SCORE_FIELDS = ("engagement_score", "roi_score", "overall_score", "previous_overall_score")
_DECIMAL_POSITIONS = tuple(
    (UPSERT_COLUMNS.index(name), name, quantum, limit)
    for name, (quantum, limit) in _DECIMAL_COLUMNS.items()
    if name not in _SCORE_FIELDS
)
_UPSERT_TABLE = "scorecard_upsert"
# Wide enough that quantizing any stored figure never raises InvalidOperation.
_WIDE = Context(prec=80, rounding=ROUND_HALF_EVEN)


@dataclass
class ComputeResult:
    """What one `scorecards_compute` call did for one window."""

    start: date
    end: date
    days: int
    computed: int = 0
    # One entry per account that could not be scored: {"account_id", "handle", "days", "error"}.
    errors: list[dict[str, Any]] = field(default_factory=list)

    def not_computed(self, account: Account, exc: Exception, *, days: int | None = None) -> None:
        """Records (and logs) an account whose scorecard of `days` (this result's window
        unless given) failed."""
        logger.warning("Scorecard of @%s not computed: %s", account.handle, exc)
        self.errors.append(
            {
                "account_id": account.pk,
                "handle": account.handle,
                "days": self.days if days is None else days,
                "error": f"{type(exc).__name__}: {exc}"[:500],
            }
        )


def scorecards_compute(
    *, accounts: QuerySet[Account] | Sequence[Account], end: date, days: int
) -> ComputeResult:
    """Computes and stores the scorecards of `accounts` for the window of `days` ending `end`.

    One aggregate query (window and previous window) and one upsert, whatever the
    number of accounts. The previous window is scored by the same rules from its own
    rows, for `declining` and the trend. An account that cannot be scored is listed in
    the result's errors; the others are stored all the same.
    """
    start, _ = rules.period(end, days)
    previous_start, _ = rules.previous_period(end, days)
    result = ComputeResult(start=start, end=end, days=days)
    if isinstance(accounts, QuerySet):
        scored_accounts = [
            _ScoredAccount(*values) for values in accounts.values_list(*_ScoredAccount.FIELDS)
        ]
    else:
        scored_accounts = [_ScoredAccount.of(account) for account in accounts]
    if not scored_accounts:
        return result
    by_id = {account.pk: account for account in scored_accounts}
    computed_at = timezone.now()
    # Most accounts keep their kind's default targets: one Targets object for each set.
    targets: dict[tuple[Decimal, ...], rules.Targets] = {}
    empty = rules.sums_of(rules.EMPTY_TOTALS)
    # On PostgreSQL each row is made its COPY line at once (see _upsert_by_copy).
    as_line = copy_line if connection.vendor == "postgresql" else tuple
    rows: list[Any] = []
    # Each account is scored as soon as its sums arrive, while the database sums the next
    # ones; the rows are then written in one upsert.
    for account_id, sums, previous_sums in windows_totals_stream(
        account_ids=by_id, start=start, end=end, previous_start=previous_start
    ):
        account = by_id[account_id]
        try:
            account_targets = targets.get(account.targets)
            if account_targets is None:
                account_targets = rules.Targets(
                    **dict(zip(_TARGET_NAMES, account.targets, strict=True))
                )
                targets[account.targets] = account_targets
            row = _scorecard_row(
                account=account,
                targets=account_targets,
                start=start,
                end=end,
                days=days,
                sums=empty if sums is None else sums,
                previous_sums=empty if previous_sums is None else previous_sums,
                computed_at=computed_at,
            )
            rows.append(as_line(row))
        except Exception as exc:
            # One account's bad data must not cost every other account its scorecard.
            result.not_computed(account, exc)
    result.computed = _upsert(rows)
    return result


def account_targets(account: Account) -> rules.Targets:
    """The account's own targets (fractions, follower growth per 28 days)."""
    return rules.Targets(
        engagement_rate=account.target_engagement_rate,
        follower_growth=account.target_follower_growth,
        ctr=account.target_ctr,
        conversion_rate=account.target_conversion_rate,
        roi=account.target_roi,
    )


def check_end(end: date | None) -> None:
    """A window ending far from today is refused before anything computes with it."""
    if end is not None and (message := end_error(end)):
        raise ValidationError({"end": message})


class _ScoredAccount:
    """What scoring reads of an account, loaded as plain values rather than model instances."""

    FIELDS = ("pk", "handle", "kind", "verified", *TARGET_FIELDS)
    __slots__ = ("handle", "kind", "pk", "targets", "verified")

    def __init__(self, pk: int, handle: str, kind: str, verified: bool, *targets: Decimal) -> None:
        self.pk = pk
        self.handle = handle
        self.kind = kind
        self.verified = verified
        # The values of TARGET_FIELDS, in their order (_TARGET_NAMES names them for the rules).
        self.targets = targets

    @classmethod
    def of(cls, account: Account) -> _ScoredAccount:
        return cls(*(getattr(account, name) for name in cls.FIELDS))


def _scorecard_values(
    *,
    account: Account,
    start: date,
    end: date,
    days: int,
    totals: rules.Totals,
    previous_totals: rules.Totals,
    computed_at: datetime,
) -> dict[str, Any]:
    """The column values of one account's scorecard (UPSERT_COLUMNS), by name."""
    row = _scorecard_row(
        account=_ScoredAccount.of(account),
        targets=account_targets(account),
        start=start,
        end=end,
        days=days,
        sums=rules.sums_of(totals),
        previous_sums=rules.sums_of(previous_totals),
        computed_at=computed_at,
    )
    return dict(zip(UPSERT_COLUMNS, row, strict=True))


def _scorecard_row(
    *,
    account: _ScoredAccount,
    targets: rules.Targets,
    start: date,
    end: date,
    days: int,
    sums: tuple,
    previous_sums: tuple,
    computed_at: datetime,
) -> tuple[Any, ...]:
    """The column values of one account's scorecard, in the order of UPSERT_COLUMNS.

    `sums` and `previous_sums` are the totals of the window and of the previous window
    as plain tuples (`rules.sums_of`); of the previous window only its overall score is
    needed, for `declining` and the trend.
    """
    days_with_rows, days_with_spend, views, interactions, impressions, clicks, conversions = sums[
        :7
    ]
    if None in sums[2:7]:
        # windows_totals_stream gives null for a sum beyond what the column stores.
        raise ValueError("a sum of the window is too large to store")
    row = [
        account.pk,
        start,
        end,
        days,
        days_with_rows,
        days_with_spend,
        views,
        interactions,
        impressions,
        clicks,
        conversions,
        rules.as_decimal(sums[7]),
        rules.as_decimal(sums[8]),
        sums[10],
        sums[9],
        *rules.score_values(
            kind=account.kind,
            verified=account.verified,
            days=days,
            targets=targets,
            sums=sums,
            previous_sums=previous_sums,
        ),
        computed_at,
    ]
    row[-2] = ";".join(row[-2])
    # Each decimal as its column stores it, or ValueError when the column cannot hold it.
    # Rounding here (half to even), not in the database, keeps a recompute's rows identical
    # on every backend; and a figure too large for its column fails this one account
    # instead of the whole upsert.
    for index, name, quantum, limit in _DECIMAL_POSITIONS:
        value = row[index]
        if value is not None:
            rounded = value.quantize(quantum, context=_WIDE)
            if rounded and rounded.adjusted() >= limit:
                raise ValueError(f"{name} {value} is too large to store.")
            row[index] = rounded
    return tuple(row)


def _upsert(rows: list[Any]) -> int:
    """Inserts or updates the scorecards in `rows` in one statement; returns how many.

    Each row holds the values of UPSERT_COLUMNS, on PostgreSQL as its COPY text line.
    Only those columns are written, so a stored scorecard keeps its lead's review.
    """
    if connection.vendor == "postgresql":
        return _upsert_by_copy(rows)
    cards = [Scorecard(**dict(zip(UPSERT_COLUMNS, row, strict=True))) for row in rows]
    Scorecard.objects.bulk_create(
        cards,
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["account", "period_start", "period_end"],
        update_fields=list(COMPUTED_FIELDS),
    )
    return len(cards)


def _upsert_by_copy(lines: list[str]) -> int:
    # PostgreSQL: lib.pg.copy_upsert, with the rows already made COPY text lines while the
    # aggregate was still streaming. The rows hold numbers, dates, a datetime and the
    # rules' own names (no tab, newline or backslash), so text lines are right.
    # review_comment has no database default; a new scorecard starts unreviewed.
    # Every name in these statements is a constant of this module or the model's own;
    # no value from outside is ever part of the SQL text (S608).
    table = Scorecard._meta.db_table
    columns = ", ".join(UPSERT_COLUMNS)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in COMPUTED_FIELDS)
    staged, _ = copy_upsert(
        stage=_UPSERT_TABLE,
        like=table,
        columns=UPSERT_COLUMNS,
        rows=lines,
        upsert=(
            f"INSERT INTO {table} ({columns}, review_comment) "  # noqa: S608
            f"SELECT {columns}, '' FROM {_UPSERT_TABLE} "
            f"ON CONFLICT (account_id, period_start, period_end) DO UPDATE SET {updates}"
        ),
        as_text=True,
    )
    return staged

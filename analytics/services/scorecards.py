"""Computing scorecards: the figures of any number of accounts, scored and stored at once.

The computation is set-based: for any number of accounts, the figures come from one
aggregate query over the window and the previous window (analytics.selectors.totals),
whose rows stream in while the pure rules (analytics.rules.score_values) score each
account in Python, and one upsert stores the results (on PostgreSQL the scored rows go
by COPY into a temporary table, merged by one INSERT ... ON CONFLICT). The runs that do
this in the background are in analytics.services.scorecard_runs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal
from itertools import accumulate
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import TARGET_FIELDS, Account
from analytics import rules
from analytics.models import Scorecard
from analytics.selectors.totals import daily_rows, followers_before, windows_totals_stream
from lib.dates import end_error, yesterday
from lib.pg import COPY_BATCH, copy_line

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
_ZERO_MONEY = Decimal("0.00")


@dataclass
class ComputeResult:
    """What one `scorecards_compute` call did for one window."""

    start: date
    end: date
    days: int
    computed: int = 0
    # One entry per account that could not be scored: {"account_id", "handle", "days", "error"}.
    errors: list[dict[str, Any]] = field(default_factory=list)


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
            logger.warning("Scorecard of @%s not computed: %s", account.handle, exc)
            result.errors.append(
                {
                    "account_id": account.pk,
                    "handle": account.handle,
                    "days": days,
                    "error": f"{type(exc).__name__}: {exc}"[:500],
                }
            )
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
    # PostgreSQL: the rows go by COPY into a temporary table, then a single INSERT ... ON
    # CONFLICT merges them (lib.pg.copy_upsert, but for rows already made COPY text lines
    # while the aggregate was still streaming). The rows hold numbers, dates, a datetime
    # and the rules' own names (no tab, newline or backslash), so text lines are right.
    table = Scorecard._meta.db_table
    columns = ", ".join(UPSERT_COLUMNS)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in COMPUTED_FIELDS)
    # review_comment has no database default; a new scorecard starts unreviewed.
    # Every name in these statements is a constant of this module or the model's own;
    # no value from outside is ever part of the SQL text (S608).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{_UPSERT_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_UPSERT_TABLE} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY {_UPSERT_TABLE} ({columns}) FROM STDIN") as copy:
            for at in range(0, len(lines), COPY_BATCH):
                copy.write("".join(lines[at : at + COPY_BATCH]))
        cursor.execute(
            f"INSERT INTO {table} ({columns}, review_comment) "  # noqa: S608
            f"SELECT {columns}, '' FROM {_UPSERT_TABLE} "
            f"ON CONFLICT (account_id, period_start, period_end) DO UPDATE SET {updates}"
        )
        # Dropped now rather than at commit: the caller's transaction may compute again.
        cursor.execute(f"DROP TABLE {_UPSERT_TABLE}")
    return len(lines)


# -- weekly history: every week's end (Sunday) over a range, from sliding sums --

HISTORY_WINDOWS = (7, 28, 90)
# Accounts read and scored per batch: their scorecards are written before the next batch,
# so memory stays bounded (a year of weekly history is 156 scorecards per account).
HISTORY_BATCH = 300
_SUNDAY = 6


def week_ends(first: date, last: date) -> list[date]:
    """Every Sunday from `first` to `last`, both inclusive."""
    sunday = first + timedelta(days=(_SUNDAY - first.weekday()) % 7)
    ends = []
    while sunday <= last:
        ends.append(sunday)
        sunday += timedelta(days=7)
    return ends


def scorecards_history(
    *,
    accounts: QuerySet[Account] | Sequence[Account],
    first: date,
    last: date,
    windows: Sequence[int] = HISTORY_WINDOWS,
) -> ComputeResult:
    """Computes and stores the scorecards of every Sunday from `first` to `last`, for each
    window length, of `accounts`.

    Each daily row is read once (one streamed query per batch of accounts, plus one for
    the follower values before the rows read): the window sums are differences of running
    sums over the days, so a year of weekly scorecards costs one pass over the year's rows
    and the rules' own scoring (`rules.score_values`, as `scorecards_compute`), never one
    query per window. The result counts every scorecard stored; `start` and `end` are the
    first and last Sundays.
    """
    ends = week_ends(first, min(last, yesterday()))
    result = ComputeResult(start=first, end=last, days=max(windows, default=0))
    if not ends or not windows:
        return result
    result.start, result.end = ends[0], ends[-1]
    for days in windows:
        rules.check_days(days)
        check_end(ends[0] - timedelta(days=2 * days))
    if isinstance(accounts, QuerySet):
        scored = [
            _ScoredAccount(*values) for values in accounts.values_list(*_ScoredAccount.FIELDS)
        ]
    else:
        scored = [_ScoredAccount.of(account) for account in accounts]
    # The first day any window or its previous window reads.
    read_from = ends[0] - timedelta(days=2 * max(windows) - 1)
    for at in range(0, len(scored), HISTORY_BATCH):
        batch = scored[at : at + HISTORY_BATCH]
        rows = _history_rows(batch, read_from, ends, windows, result)
        result.computed += _upsert(rows)
    return result


def _history_rows(
    batch: list[_ScoredAccount],
    read_from: date,
    ends: list[date],
    windows: Sequence[int],
    result: ComputeResult,
) -> list[Any]:
    by_id = {account.pk: account for account in batch}
    before = followers_before(account_ids=list(by_id), day=read_from)
    length = (ends[-1] - read_from).days + 1
    as_line = copy_line if connection.vendor == "postgresql" else tuple
    computed_at = timezone.now()
    targets: dict[tuple[Decimal, ...], rules.Targets] = {}
    out: list[Any] = []
    rows_of = daily_rows(account_ids=list(by_id), start=read_from, end=ends[-1])
    seen: set[int] = set()
    for account_id, days_rows in _grouped(rows_of):
        seen.add(account_id)
        _score_history(
            by_id[account_id],
            days_rows,
            before.get(account_id),
            read_from,
            length,
            ends,
            windows,
            targets,
            computed_at,
            as_line,
            out,
            result,
        )
    for account_id, account in by_id.items():
        if account_id not in seen:
            _score_history(
                account,
                [],
                before.get(account_id),
                read_from,
                length,
                ends,
                windows,
                targets,
                computed_at,
                as_line,
                out,
                result,
            )
    return out


def _grouped(rows: Any) -> Any:
    """(account_id, [row, ...]) from rows ordered by account id."""
    current, group = None, []
    for row in rows:
        if row[0] != current:
            if group:
                yield current, group
            current, group = row[0], []
        group.append(row)
    if group:
        yield current, group


def _score_history(
    account: _ScoredAccount,
    rows: list[tuple],
    base_before: int | None,
    read_from: date,
    length: int,
    ends: list[date],
    windows: Sequence[int],
    targets: dict[tuple[Decimal, ...], rules.Targets],
    computed_at: datetime,
    as_line: Any,
    out: list[Any],
    result: ComputeResult,
) -> None:
    # Running sums over the days: index i holds the sum of the days before day i, so the
    # sum over days s..e is at[e + 1] - at[s]. Seven counts, then spend and revenue.
    counts = [[0] * length for _ in range(7)]
    money = [[_ZERO_MONEY] * length for _ in range(2)]
    # The latest follower value on or before each day (and its day), and the earliest on
    # or after it: F_end and F_base of docs/scoring.md for any window.
    followers: list[int | None] = [None] * length
    for (
        _,
        day,
        views,
        interactions,
        impressions,
        clicks,
        conversions,
        spend,
        revenue,
        count,
    ) in rows:
        i = (day - read_from).days
        counts[0][i] = 1
        counts[1][i] = 1 if spend > 0 else 0
        counts[2][i] = views
        counts[3][i] = interactions
        counts[4][i] = impressions
        counts[5][i] = clicks
        counts[6][i] = conversions
        money[0][i] = spend
        money[1][i] = revenue
        followers[i] = count
    running = [list(accumulate(column, initial=0)) for column in counts]
    running += [list(accumulate(column, initial=_ZERO_MONEY)) for column in money]
    latest: list[int] = [-1] * length
    mark = -1
    for i in range(length):
        if followers[i] is not None:
            mark = i
        latest[i] = mark
    earliest: list[int] = [length] * length
    mark = length
    for i in range(length - 1, -1, -1):
        if followers[i] is not None:
            mark = i
        earliest[i] = mark

    def sums(first_day: int, last_day: int) -> tuple:
        end_at = latest[last_day]
        followers_end = followers[end_at] if end_at >= first_day else None
        before_at = latest[first_day - 1] if first_day > 0 else -1
        if before_at >= 0:
            base = followers[before_at]
        elif base_before is not None:
            base = base_before
        else:
            first_at = earliest[first_day]
            base = followers[first_at] if first_at <= last_day else None
        return (
            *(column[last_day + 1] - column[first_day] for column in running),
            followers_end,
            base,
        )

    account_targets = targets.get(account.targets)
    if account_targets is None:
        account_targets = rules.Targets(**dict(zip(_TARGET_NAMES, account.targets, strict=True)))
        targets[account.targets] = account_targets
    for days in windows:
        for end in ends:
            last_day = (end - read_from).days
            first_day = last_day - days + 1
            try:
                row = _scorecard_row(
                    account=account,
                    targets=account_targets,
                    start=end - timedelta(days=days - 1),
                    end=end,
                    days=days,
                    sums=sums(first_day, last_day),
                    previous_sums=sums(first_day - days, first_day - 1),
                    computed_at=computed_at,
                )
            except Exception as exc:
                logger.warning("Scorecard of @%s not computed: %s", account.handle, exc)
                result.errors.append(
                    {
                        "account_id": account.pk,
                        "handle": account.handle,
                        "days": days,
                        "error": f"{type(exc).__name__}: {exc}"[:500],
                    }
                )
                continue
            out.append(as_line(row))

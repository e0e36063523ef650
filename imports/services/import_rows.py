"""The rows of an upload: read from the parsed files, resolved to accounts, checked, merged.

The import service (imports.services.imports) reads each file with the parsers, then
takes its rows from here as (account_id, date, *METRIC_FIELDS) tuples for the writers
(analytics.writes, the write API), with every error found on the way (`Errors`), the
accounts and dates touched (`Scope`), and what the import did (`ImportResult`); those
two records live in imports.services.import_results.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from accounts.models import Account, Team
from analytics.models import (
    METRIC_FIELDS,
    Campaign,
)
from analytics.models.metrics import UNNAMED_CAMPAIGN
from imports.parsers import (
    MetricRow,
    ParsedFile,
    RowError,
)
from imports.parsers.headers import NO_KNOWN_FORMAT
from imports.parsers.merge import merge_row, sum_ads_rows
from imports.services.import_results import Errors, ImportResult

# A column's limits (numeric(14, 2) and bigint): a figure beyond them is a row error
# rather than a database error.
MAX_MONEY = Decimal(10) ** 12
MAX_COUNT = 2**63 - 1
CAMPAIGN_NAME_LENGTH = Campaign._meta.get_field("name").max_length
NOTHING_TO_IMPORT = "nothing to import: no file in the upload holds rows Playbook reads"
SKIPPED = "skipped: not a file Playbook reads"

MONEY = frozenset({"spend", "revenue"})


@dataclass
class Scope:
    """The accounts an import may write to, and what it has touched so far."""

    by_handle: dict[str, Account]
    account: Account | None
    team: Team
    account_ids: set[int] = field(default_factory=set)
    date_from: date | None = None
    date_to: date | None = None

    def seen(self, account_id: int, day: date) -> None:
        self.account_ids.add(account_id)
        if self.date_from is None or day < self.date_from:
            self.date_from = day
        if self.date_to is None or day > self.date_to:
            self.date_to = day


@dataclass
class Rows:
    """An upload's rows, each with the id of its account.

    `days` may be a generator that reads a file as it goes. Days of Ads Manager reports
    with campaign names are not in it: `summed` names them, with the paid fields the
    report carries, and their figures are the sums of the campaign rows once written.
    """

    days: Iterable[tuple[int, MetricRow]] = ()
    campaigns: list[tuple[int, MetricRow]] = field(default_factory=list)
    summed: dict[tuple[int, date], frozenset[str]] = field(default_factory=dict)
    # A single canonical or Studio file's rows, already as the writers take them.
    figures: Iterable[tuple] | None = None


def skipped_entry(name: str) -> dict[str, Any]:
    return {"name": name, "format": "", "tab": "", "count": 0, "held": SKIPPED}


def unknown_tab(parsed: ParsedFile) -> bool:
    """Whether a file's only problem is a header of no format Playbook reads."""
    if parsed.format != "unknown" or len(parsed.errors) != 1:
        return False
    return parsed.errors[0].message.startswith(NO_KNOWN_FORMAT)


def check_something_read(
    files: list[tuple[str, Any]], result: ImportResult, errors: Errors
) -> None:
    """An upload in which nothing can be read is refused (docs/imports.md)."""
    if errors.count:
        return
    read = [entry for entry in result.files if entry.get("held") != SKIPPED]
    if any(entry.get("count") for entry in read):
        return
    names = ", ".join(name for name, _data in files)
    skipped = [entry["name"] for entry in result.files if entry.get("held") == SKIPPED]
    message = NOTHING_TO_IMPORT + (f" (skipped: {', '.join(skipped)})" if skipped else "")
    errors.add(RowError(names, 0, "", message))


def describe(parsed: ParsedFile, result: ImportResult) -> dict[str, Any]:
    entry = {
        "name": parsed.name,
        "format": "" if parsed.format == "unknown" else parsed.format,
        "tab": parsed.tab or "",
        "count": 0,
        "held": "",
    }
    result.files.append(entry)
    result.ignored_columns.extend(f"{parsed.name}: {column}" for column in parsed.ignored_columns)
    result.notes.extend(f"{parsed.name}: {note}" for note in parsed.notes)
    result.warnings.extend(f"{parsed.name}: {warning}" for warning in parsed.warnings)
    return entry


def counted(rows: Iterable[MetricRow], unit: str, entry: dict[str, Any]) -> Iterator[MetricRow]:
    """A file's rows as they are read, counted into its summary entry ("365 days")."""
    count = 0
    for row in rows:
        count += 1
        yield row
    entry["count"] = count
    entry["held"] = f"{count} {unit}{'' if count == 1 else 's'}"


def file_rows(parsed: ParsedFile, scope: Scope, errors: Errors, *, figures: bool = False) -> Rows:
    if parsed.format == "ads-manager":
        return _ads_rows(parsed, scope, errors)
    if figures:
        return Rows(figures=_resolved(parsed, scope, errors, figures=True))
    return Rows(days=_resolved(parsed, scope, errors))


NO_ACCOUNT = "the file names no account: import it from the account's page, or add a handle column"


def _resolved(
    parsed: ParsedFile, scope: Scope, errors: Errors, *, figures: bool = False
) -> Iterator[Any]:
    """A canonical or Studio file's rows with their account ids, as the file is read.

    Yields (account_id, row), or with `figures` the tuples the writers take, and none of
    those after the first error. This loop runs once per row of the largest files, so it
    keeps to local names and skips the bookkeeping a repeated account or day does not need.
    """
    parser_errors = parsed.errors
    handle_column = parsed.columns.get("handle")
    default = scope.account
    if handle_column is None and default is None:
        errors.take(parser_errors)
        if parsed.format != "unknown":
            errors.add(RowError(parsed.name, 0, "", NO_ACCOUNT))
        # The rows are still read, for their own errors.
        for _row in parsed.rows:
            errors.take(parser_errors)
        errors.take(parser_errors)
        return
    by_handle = scope.by_handle
    default_id = default.pk if default is not None else 0
    fields = METRIC_FIELDS
    account_ids = scope.account_ids
    last_account = last_day = None
    for row in parsed.rows:
        if parser_errors:
            errors.take(parser_errors)
        if handle_column is None:
            account_id = default_id
        else:
            account = by_handle.get(row.handle) if row.handle else None
            if account is None or (default is not None and account.pk != default_id):
                errors.add(_handle_error(parsed.name, row, handle_column, scope))
                continue
            account_id = account.pk
        values = row.values
        spend, revenue = values.get("spend"), values.get("revenue")
        if (spend is not None and spend >= MAX_MONEY) or (
            revenue is not None and revenue >= MAX_MONEY
        ):
            _too_large(parsed, row, errors)
            continue
        if account_id != last_account:
            account_ids.add(account_id)
            last_account = account_id
        day = row.date
        if day is not last_day:
            scope.seen(account_id, day)
            last_day = day
        if not figures:
            yield account_id, row
        elif not errors.count:
            yield (account_id, day, *map(values.get, fields))
    errors.take(parser_errors)


def _handle_error(name: str, row: MetricRow, column: str, scope: Scope) -> RowError:
    if not row.handle:
        return RowError(name, row.line, column, "the handle is missing")
    if row.handle in scope.by_handle and scope.account is not None:
        message = f"@{row.handle} is not @{scope.account.handle}, the account of this import"
    else:
        message = f"@{row.handle} is not one of your accounts in {scope.team.name}"
    return RowError(name, row.line, column, message)


def _too_large(parsed: ParsedFile, row: MetricRow, errors: Errors) -> None:
    for name, value in row.values.items():
        if value is not None and value >= (MAX_MONEY if name in MONEY else MAX_COUNT):
            column = parsed.columns.get(name, name)
            errors.add(RowError(parsed.name, row.line, column, f"{value} is too large"))


def _ads_rows(parsed: ParsedFile, scope: Scope, errors: Errors) -> Rows:
    """An Ads Manager report's days (or campaign days) for the import's account."""
    raw = list(parsed.rows)
    errors.take(parsed.errors)
    account = scope.account
    if account is None:
        errors.add(RowError(parsed.name, 0, "", NO_ACCOUNT))
        return Rows()
    currency_column = parsed.columns.get("currency", "Currency")
    named = "campaign" in parsed.columns
    checked: list[MetricRow] = []
    for row in raw:
        if row.currency and row.currency != account.currency:
            message = (
                f"'{row.currency}' differs from @{account.handle}'s currency {account.currency}"
            )
            errors.add(RowError(parsed.name, row.line, currency_column, message))
            continue
        if named and row.campaign and len(row.campaign) > CAMPAIGN_NAME_LENGTH:
            message = f"the campaign name is longer than {CAMPAIGN_NAME_LENGTH} characters"
            errors.add(RowError(parsed.name, row.line, parsed.columns["campaign"], message))
            continue
        campaign = (row.campaign or UNNAMED_CAMPAIGN) if named else None
        checked.append(
            MetricRow(row.file, row.line, account.handle, row.date, row.values, campaign)
        )
    day_rows, campaign_rows = sum_ads_rows(checked)
    for row in [*day_rows, *campaign_rows]:
        if _over_limits(row.values):
            _too_large(parsed, row, errors)
    for row in day_rows:
        scope.seen(account.pk, row.date)
    if not named:
        return Rows(days=[(account.pk, row) for row in day_rows])
    return Rows(
        campaigns=[(account.pk, row) for row in campaign_rows],
        summed={
            (account.pk, row.date): frozenset(
                name for name, value in row.values.items() if value is not None
            )
            for row in day_rows
        },
    )


def _over_limits(values: dict[str, int | Decimal | None]) -> bool:
    return any(
        value is not None and value >= (MAX_MONEY if name in MONEY else MAX_COUNT)
        for name, value in values.items()
    )


def merged_rows(parsed_files: list[ParsedFile], scope: Scope, errors: Errors) -> Rows:
    """Several files' rows merged by account and day, as parse_many merges them.

    The same day in two files may carry different fields (Studio's Overview and
    FollowerHistory tabs); the same field with different figures is an error, reported
    at the later file's line.
    """
    days: dict[tuple[int, date], MetricRow] = {}
    campaigns: dict[tuple[int, date, str | None], MetricRow] = {}
    summed: dict[tuple[int, date], frozenset[str]] = {}
    clashes: list[RowError] = []
    for parsed in parsed_files:
        rows = file_rows(parsed, scope, errors)
        for account_id, row in rows.days:
            merge_row(days, (account_id, row.date), row, clashes)
        for account_id, row in rows.campaigns:
            merge_row(campaigns, (account_id, row.date, row.campaign), row, clashes)
        for key, names in rows.summed.items():
            summed[key] = summed.get(key, frozenset()) | names
        errors.take(clashes)
    return Rows(
        days=[(key[0], row) for key, row in sorted(days.items(), key=lambda item: item[0])],
        campaigns=[(key[0], row) for key, row in campaigns.items()],
        summed=summed,
    )


def with_sums(
    days: Iterable[tuple[int, MetricRow]],
    summed: dict[tuple[int, date], frozenset[str]],
    sums: dict[tuple[int, date], dict[str, Any]],
) -> Iterator[tuple[int, MetricRow]]:
    """The days, with the paid fields of campaign days replaced by the campaigns' sums."""
    pending = dict(summed)
    for account_id, row in days:
        names = pending.pop((account_id, row.date), None)
        if names:
            totals = sums[account_id, row.date]
            row = MetricRow(
                row.file,
                row.line,
                row.handle,
                row.date,
                {**row.values, **{name: totals[name] for name in names}},
            )
        yield account_id, row
    for (account_id, day), names in pending.items():
        totals = sums[account_id, day]
        yield account_id, MetricRow("", 0, None, day, {name: totals[name] for name in names})


def day_figures(days: Iterable[tuple[int, MetricRow]], errors: Errors) -> Iterator[tuple]:
    """Rows as (account_id, date, *METRIC_FIELDS), None for unknown; none after an error."""
    fields = METRIC_FIELDS
    for account_id, row in days:
        if errors.count:
            continue
        values = row.values
        yield (account_id, row.date, *[values.get(name) for name in fields])

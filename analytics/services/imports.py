"""Importing metric files into daily metrics: preview, confirmation, and the one-step import.

The parsers (analytics.parsers) turn files into day rows and errors; this module resolves
handles to the accounts the person may import for, checks what only the database knows,
and writes. Every import is all or nothing: the rows are written inside one transaction
that is rolled back when any error turns up, so a preview is the import itself, rolled
back, and its counts are exactly what confirming would do.

Merge rule (docs/imports.md, "Merging days"): the newest import replaces the fields a
file carries for a day and never adds to them. An unknown field (a present but empty
cell, a missing column, Studio's `undefined`) keeps what the day had, or is 0 on a new day
(followers: null). Rows whose values do not change are not written at all, so importing a
file twice changes nothing the second time, `updated_at` included.

Ads Manager: a report's rows are summed per day into the account's paid fields (spend,
impressions, clicks, conversions, revenue). When the report names campaigns, each
campaign's day is kept as a CampaignDay (the newest import replaces it, as for days) and
the account's paid fields for that day become the sum over all of the account's
campaigns for that day, including campaigns imported earlier from other reports: a report
per campaign adds its campaign to the day instead of wiping the others. Rows without a
campaign name in such a report count as the campaign "(no campaign name)". A report
without campaign names sets the day's paid fields directly and leaves campaign rows as
they were.

TikTok Studio's Viewers, FollowerActivity, FollowerGender, FollowerTopTerritories and
Content tabs are no day figures: analytics.services.studio_tabs writes them, in the same
transaction and by the same rules. Inside a zip, a file of no format Playbook reads is
skipped by name; an upload in which nothing can be read is refused.

Two write paths give identical rows. On PostgreSQL the rows stream through COPY into a
temporary table and one INSERT ... ON CONFLICT merges them (memory stays flat whatever
the file's size); elsewhere, or when asked (`fast=False`), batches go through the ORM.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any, BinaryIO

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from accounts.models import Account, Membership, Team
from analytics.models import (
    METRIC_FIELDS,
    PAID_FIELDS,
    Campaign,
    CampaignDay,
    DailyMetric,
    ImportFile,
    ImportRun,
    ScorecardRun,
)
from analytics.parsers import (
    AUDIENCE_TABS,
    FORMATS,
    MAX_REPORTED_ERRORS,
    TAB_UNITS,
    MetricRow,
    ParsedFile,
    RowError,
    UploadError,
    open_upload,
    parse,
)
from analytics.parsers.headers import NO_KNOWN_FORMAT
from analytics.parsers.merge import merge_row, sum_ads_rows
from analytics.services import studio_tabs
from analytics.services.scorecards import BackgroundUnavailable, scorecard_run_start
from lib.dates import end_error, yesterday
from lib.pg import copy_upsert

logger = logging.getLogger(__name__)

RECOMPUTE_DAYS = (7, 28)
UNNAMED_CAMPAIGN = "(no campaign name)"
# Rows per ORM batch, and per read of the existing rows they may change.
ORM_BATCH = 1000
# A column's limits (numeric(14, 2) and bigint): a figure beyond them is a row error
# rather than a database error.
MAX_MONEY = Decimal(10) ** 12
MAX_COUNT = 2**63 - 1
CAMPAIGN_NAME_LENGTH = Campaign._meta.get_field("name").max_length

RECOMPUTE_QUEUED = "Scorecards of the imported accounts are being recomputed."
RECOMPUTE_WAITING = (
    "Background work is unavailable right now (the task queue does not answer): the imported "
    "figures are saved, and the scorecards of the imported accounts will be recomputed by "
    "themselves as soon as it answers again."
)
NOTHING_CHANGED = "Nothing changed: everything was already as the files say."
NOTHING_TO_IMPORT = "nothing to import: no file in the upload holds rows Playbook reads"
SKIPPED = "skipped: not a file Playbook reads"

# The reference date of an import (the command's --as-of, the form's "Downloaded on") lies
# between this day and today: no TikTok download is older, and a download cannot be made
# on a day that has not come yet.
EARLIEST_AS_OF = date(2000, 1, 1)

_MONEY = frozenset({"spend", "revenue"})
_COLUMNS = ("account_id", "date", *METRIC_FIELDS)


def as_of_problem(as_of: date) -> str | None:
    """What is wrong with a reference date outside 2000-01-01 to today, else None."""
    today = timezone.localdate()
    if EARLIEST_AS_OF <= as_of <= today:
        return None
    return (
        f"{as_of.isoformat()} is not between {EARLIEST_AS_OF.isoformat()} and "
        f"{today.isoformat()} (today)"
    )


class ImportNotConfirmable(Exception):
    """A run that cannot be confirmed (or discarded) in its current state."""


class ImportNotAllowed(PermissionDenied):
    """The person confirming no longer has the right to every account the run touches."""


@dataclass
class ImportResult:
    """What an import did, or would do: counts, scope, and what was wrong."""

    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    handles: list[str] = field(default_factory=list)
    account_ids: list[int] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    # The first errors (MAX_REPORTED_ERRORS unless asked otherwise) as
    # "file: line N, column C: ...".
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    campaign_days: int = 0
    message: str = ""
    scorecard_run: ScorecardRun | None = None
    run: ImportRun | None = None

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def formats(self) -> str:
        found = dict.fromkeys(entry["format"] for entry in self.files if entry["format"])
        return ", ".join(found)

    def summary_line(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        accounts = len(self.account_ids)
        line = (
            f"{verb} {self.rows} row{'s' if self.rows != 1 else ''}: {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged "
            f"for {accounts} account{'s' if accounts != 1 else ''}"
        )
        held = [
            f"{_base_name(entry['name'])}: {entry['held']}"
            for entry in self.files
            if entry.get("held")
        ]
        return "; ".join([line, *held])


def _base_name(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1]


# ---------------------------------------------------------------------------
# The three entry points


def import_preview(
    *,
    membership: Membership,
    user: AbstractBaseUser,
    files: list[tuple[str, bytes]],
    account: Account | None,
    format: str = "auto",
    as_of: date,
    max_bytes: int | None = None,
) -> ImportRun:
    """Checks an upload and counts what it would change; keeps the files for the confirmation.

    The run is PREVIEW when the upload can be imported and FAILED (rejected, with its
    errors) when it cannot; nothing is written to the metrics either way.
    """
    _check_format(format)
    result = _import(
        team=membership.team,
        accounts=_accounts_of(team=membership.team, user=user),
        account=account,
        files=list(files),
        format=format,
        as_of=as_of,
        write=False,
        max_bytes=max_bytes,
    )
    with transaction.atomic():
        run = ImportRun(
            team=membership.team,
            account=account,
            user=user,
            source="web",
            as_of=as_of,
            status=ImportRun.Status.PREVIEW if result.ok else ImportRun.Status.FAILED,
        )
        _store_result(run, result, format=format)
        run.file_names = [name for name, _data in files]
        run.full_clean()
        run.save()
        if result.ok:
            ImportFile.objects.bulk_create(
                ImportFile(run=run, name=name, content=bytes(data)) for name, data in files
            )
    return run


def import_apply(*, run: ImportRun, user: AbstractBaseUser, fast: bool | None = None) -> ImportRun:
    """Imports a previewed run's files: everything or nothing, in one transaction.

    The files are read again, so the import is checked against the database as it is
    now. On success the run is APPLIED, its files are deleted, and a recompute of the
    imported accounts' scorecards is queued once the transaction commits. Should errors
    turn up now, nothing is written and the run is FAILED with them. Either way the files
    are deleted. Raises
    ImportNotConfirmable for a run that is not waiting for confirmation.
    """
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().select_related("team").get(pk=run.pk)
        if locked.status != ImportRun.Status.PREVIEW or locked.error_count:
            raise ImportNotConfirmable(_not_confirmable(locked))
        account = _rights_recheck(run=locked, user=user)
        files = [(item.name, bytes(item.content)) for item in locked.files.order_by("pk")]
        result = _import(
            team=locked.team,
            accounts=_accounts_of(team=locked.team, user=user),
            account=account,
            files=files,
            format=locked.details.get("requested_format", "auto"),
            as_of=locked.as_of or timezone.localdate(),
            write=True,
            fast=fast,
        )
        locked.status = ImportRun.Status.APPLIED if result.ok else ImportRun.Status.FAILED
        _store_result(locked, result, format=locked.details.get("requested_format", "auto"))
        if result.ok:
            locked.applied_at = timezone.now()
        # Imported or rejected, the run cannot be confirmed again: its files are done with.
        locked.files.all().delete()
        locked.full_clean()
        locked.save()
    return locked


def import_discard(*, run: ImportRun, user: AbstractBaseUser | None = None) -> ImportRun:
    """Drops a preview (or a rejected upload) and its files; imported runs stay as they are.

    With a user, the run must still be theirs to see (their own, or a lead's team's) at
    the moment of the write; ImportNotAllowed otherwise.
    """
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if user is not None:
            _membership_lock(user=user, team_id=locked.team_id)
            if not ImportRun.objects.visible_to(user).filter(pk=locked.pk).exists():
                raise ImportNotAllowed("This upload is no longer yours to discard.")
        if locked.status not in (ImportRun.Status.PREVIEW, ImportRun.Status.FAILED):
            raise ImportNotConfirmable(_not_confirmable(locked))
        locked.status = ImportRun.Status.DISCARDED
        locked.files.all().delete()
        locked.save(update_fields=["status"])
    return locked


def import_files(
    *,
    team: Team,
    user: AbstractBaseUser | None,
    files: list[tuple[str, bytes | BinaryIO]],
    account: Account | None = None,
    format: str = "auto",
    as_of: date,
    dry_run: bool = False,
    max_bytes: int | None = None,
    fast: bool | None = None,
    recompute: bool = True,
    max_errors: int | None = MAX_REPORTED_ERRORS,
) -> ImportResult:
    """Reads, checks and writes files in one go (the import_metrics command).

    Without a user every account of the team may be named. With dry_run nothing is
    written; the counts say what would change. A real import is recorded as an ImportRun
    (source "command") and queues the recompute of the imported accounts' scorecards
    unless `recompute` is False.
    """
    _check_format(format)
    with transaction.atomic():
        result = _import(
            team=team,
            accounts=_accounts_of(team=team, user=user),
            account=account,
            files=files,
            format=format,
            as_of=as_of,
            write=not dry_run,
            max_bytes=max_bytes,
            fast=fast,
            recompute=recompute,
            max_errors=max_errors,
        )
        if result.ok and not dry_run:
            result.run = _record_command_run(
                team=team,
                user=user,
                account=account,
                files=files,
                format=format,
                as_of=as_of,
                result=result,
            )
    return result


# ---------------------------------------------------------------------------
# The import


class _RollBack(Exception):
    """Leaves the import's transaction without keeping anything it wrote."""


class _Errors:
    """Counts every error and keeps the first `limit` of them (all for None), as found."""

    def __init__(self, limit: int | None = MAX_REPORTED_ERRORS) -> None:
        self.kept: list[RowError] = []
        self.count = 0
        self.limit = limit

    def add(self, error: RowError) -> None:
        self.count += 1
        if self.limit is None or len(self.kept) < self.limit:
            self.kept.append(error)

    def take(self, errors: list[RowError]) -> None:
        """Moves a parser's errors over; emptying its list keeps a bad file's cost flat."""
        for error in errors:
            self.add(error)
        errors.clear()


@dataclass
class _Scope:
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


def _import(
    *,
    team: Team,
    accounts: QuerySet[Account],
    account: Account | None,
    files: list[tuple[str, bytes | BinaryIO]],
    format: str,
    as_of: date,
    write: bool,
    max_bytes: int | None = None,
    fast: bool | None = None,
    recompute: bool = True,
    max_errors: int | None = MAX_REPORTED_ERRORS,
) -> ImportResult:
    """Reads and writes an upload in a transaction, kept only when `write` and no errors."""
    result = ImportResult(dry_run=not write)
    errors = _Errors(max_errors)
    scope = _Scope(by_handle={item.handle: item for item in accounts}, account=account, team=team)
    opened: list[tuple[str, BinaryIO]] = []
    # Files inside archives: one whose header matches no format is a tab Playbook does not
    # read, skipped by name; on its own, the same file is bad input.
    archived: set[str] = set()
    skipped: list[str] = []
    for name, data in files:
        try:
            members = open_upload(name, data, max_bytes=max_bytes, skipped=skipped)
        except UploadError as exc:
            for error in exc.errors:
                errors.add(error)
            continue
        opened.extend(members)
        archived.update(member for member, _stream in members if member != name)
    result.files.extend(_skipped(name) for name in skipped)
    if fast is None:
        fast = connection.vendor == "postgresql"
    problem = as_of_problem(as_of)
    try:
        if problem is not None:
            # The form and the command refuse such a date first; this keeps any other caller
            # from placing Studio dates in year 9999 or before year 1.
            errors.add(RowError("", 0, "", f"the reference date {problem}"))
            raise _RollBack
        with transaction.atomic():
            day_changes = _write(opened, archived, format, as_of, scope, errors, result, fast=fast)
            _check_something_read(files, result, errors)
            if errors.count or not write:
                raise _RollBack
            if not (result.created or result.updated or result.campaign_days):
                result.message = NOTHING_CHANGED
            elif recompute and (day_changes or result.campaign_days):
                _queue_recompute(scope, result)
    except _RollBack:
        pass
    except IntegrityError:
        # Only another import writing the same new days at the same moment gets here.
        logger.warning("Import into %s collided with another import", team.slug, exc_info=True)
        errors.add(RowError("", 0, "", "another import wrote the same days at the same time"))
    except DataError:
        # The rows are checked against every column's limits first; this is a safety net.
        logger.exception("Import into %s refused by the database", team.slug)
        errors.add(RowError("", 0, "", "the database refused a figure as out of range"))
    result.errors = [str(error).removeprefix(": ") for error in errors.kept]
    result.error_count = errors.count
    result.account_ids = sorted(scope.account_ids)
    handles = {item.pk: item.handle for item in scope.by_handle.values()}
    if account is not None:
        handles[account.pk] = account.handle
    result.handles = sorted(handles.get(pk, str(pk)) for pk in scope.account_ids)
    result.date_from, result.date_to = scope.date_from, scope.date_to
    if not result.ok:
        result.created = result.updated = result.unchanged = result.campaign_days = 0
        result.message = ""
        result.scorecard_run = None
    return result


@dataclass
class _Rows:
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


def _write(
    opened: list[tuple[str, BinaryIO]],
    archived: set[str],
    format: str,
    as_of: date,
    scope: _Scope,
    errors: _Errors,
    result: ImportResult,
    *,
    fast: bool,
) -> int:
    """Reads the files and writes their rows, inside the caller's transaction.

    Returns how many daily metrics were created or changed (the scorecards' inputs).
    """
    day_files: list[ParsedFile] = []
    tab_files: list[tuple[ParsedFile, dict[str, Any]]] = []
    for name, stream in opened:
        parsed = parse(name, stream, format=format, as_of=as_of)
        if name in archived and _unknown_tab(parsed):
            result.files.append(_skipped(name))
            continue
        entry = _describe(parsed, result)
        if parsed.tab in AUDIENCE_TABS:
            tab_files.append((parsed, entry))
        else:
            if parsed.format != "unknown":
                unit = TAB_UNITS.get(parsed.tab or "", "row")
                parsed.rows = _counted(parsed.rows, unit, entry)
            day_files.append(parsed)
    day_changes = 0
    if day_files:
        if len(day_files) == 1:
            rows = _file_rows(day_files[0], scope, errors, figures=True)
        else:
            rows = _merged_rows(day_files, scope, errors)
        days = rows.days
        if rows.campaigns and not errors.count:
            sums = _write_campaigns(rows.campaigns, result)
            days = _with_sums(days, rows.summed, sums)
        write = _write_postgres if fast else _write_orm
        figures = rows.figures if rows.figures is not None else _figures(days, errors)
        # After the first error the files are still read to the end, so every error is
        # found, but no more rows go to the database: the transaction is rolled back anyway.
        result.created, result.updated, result.unchanged = write(figures, errors)
        day_changes = result.created + result.updated
    tabs = studio_tabs.TabRows()
    for parsed, entry in tab_files:
        rows_read = list(parsed.rows)
        errors.take(parsed.errors)
        entry["count"], entry["held"] = len(rows_read), studio_tabs.held(parsed, rows_read)
        if scope.account is None:
            errors.add(RowError(parsed.name, 0, "", _NO_ACCOUNT))
            continue
        studio_tabs.collect(parsed, rows_read, scope.account, as_of, tabs, errors.add, scope.seen)
    if tabs and not errors.count:
        created, updated, unchanged = studio_tabs.write(tabs, fast=fast)
        result.created += created
        result.updated += updated
        result.unchanged += unchanged
    return day_changes


def _skipped(name: str) -> dict[str, Any]:
    return {"name": name, "format": "", "tab": "", "count": 0, "held": SKIPPED}


def _unknown_tab(parsed: ParsedFile) -> bool:
    """Whether a file's only problem is a header of no format Playbook reads."""
    if parsed.format != "unknown" or len(parsed.errors) != 1:
        return False
    return parsed.errors[0].message.startswith(NO_KNOWN_FORMAT)


def _check_something_read(
    files: list[tuple[str, Any]], result: ImportResult, errors: _Errors
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


def _describe(parsed: ParsedFile, result: ImportResult) -> dict[str, Any]:
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
    return entry


def _counted(rows: Iterable[MetricRow], unit: str, entry: dict[str, Any]) -> Iterator[MetricRow]:
    """A file's rows as they are read, counted into its summary entry ("365 days")."""
    count = 0
    for row in rows:
        count += 1
        yield row
    entry["count"] = count
    entry["held"] = f"{count} {unit}{'' if count == 1 else 's'}"


def _file_rows(
    parsed: ParsedFile, scope: _Scope, errors: _Errors, *, figures: bool = False
) -> _Rows:
    if parsed.format == "ads-manager":
        return _ads_rows(parsed, scope, errors)
    if figures:
        return _Rows(figures=_resolved(parsed, scope, errors, figures=True))
    return _Rows(days=_resolved(parsed, scope, errors))


_NO_ACCOUNT = "the file names no account: import it from the account's page, or add a handle column"


def _resolved(
    parsed: ParsedFile, scope: _Scope, errors: _Errors, *, figures: bool = False
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
            errors.add(RowError(parsed.name, 0, "", _NO_ACCOUNT))
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


def _handle_error(name: str, row: MetricRow, column: str, scope: _Scope) -> RowError:
    if not row.handle:
        return RowError(name, row.line, column, "the handle is missing")
    if row.handle in scope.by_handle and scope.account is not None:
        message = f"@{row.handle} is not @{scope.account.handle}, the account of this import"
    else:
        message = f"@{row.handle} is not one of your accounts in {scope.team.name}"
    return RowError(name, row.line, column, message)


def _too_large(parsed: ParsedFile, row: MetricRow, errors: _Errors) -> None:
    for name, value in row.values.items():
        if value is not None and value >= (MAX_MONEY if name in _MONEY else MAX_COUNT):
            column = parsed.columns.get(name, name)
            errors.add(RowError(parsed.name, row.line, column, f"{value} is too large"))


def _ads_rows(parsed: ParsedFile, scope: _Scope, errors: _Errors) -> _Rows:
    """An Ads Manager report's days (or campaign days) for the import's account."""
    raw = list(parsed.rows)
    errors.take(parsed.errors)
    account = scope.account
    if account is None:
        errors.add(RowError(parsed.name, 0, "", _NO_ACCOUNT))
        return _Rows()
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
        return _Rows(days=[(account.pk, row) for row in day_rows])
    return _Rows(
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
        value is not None and value >= (MAX_MONEY if name in _MONEY else MAX_COUNT)
        for name, value in values.items()
    )


def _merged_rows(parsed_files: list[ParsedFile], scope: _Scope, errors: _Errors) -> _Rows:
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
        rows = _file_rows(parsed, scope, errors)
        for account_id, row in rows.days:
            merge_row(days, (account_id, row.date), row, clashes)
        for account_id, row in rows.campaigns:
            merge_row(campaigns, (account_id, row.date, row.campaign), row, clashes)
        for key, names in rows.summed.items():
            summed[key] = summed.get(key, frozenset()) | names
        errors.take(clashes)
    return _Rows(
        days=[(key[0], row) for key, row in sorted(days.items(), key=lambda item: item[0])],
        campaigns=[(key[0], row) for key, row in campaigns.items()],
        summed=summed,
    )


def _with_sums(
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


def _figures(days: Iterable[tuple[int, MetricRow]], errors: _Errors) -> Iterator[tuple]:
    """Rows as (account_id, date, *METRIC_FIELDS), None for unknown; none after an error."""
    fields = METRIC_FIELDS
    for account_id, row in days:
        if errors.count:
            continue
        values = row.values
        yield (account_id, row.date, *[values.get(name) for name in fields])


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
                value = Decimal("0.00") if name in _MONEY else 0
        merged.append(value)
    return tuple(merged)


_NULLABLE = frozenset({"followers"})


def _write_orm(rows: Iterable[tuple], errors: _Errors) -> tuple[int, int, int]:
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


def _write_postgres(rows: Iterable[tuple], errors: _Errors) -> tuple[int, int, int]:
    """Streams day rows into a temporary table by COPY, then merges them in one statement."""
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
    upsert = f"""
        WITH written AS (
            INSERT INTO {table} AS m (account_id, date, {", ".join(METRIC_FIELDS)}, updated_at)
            SELECT t.account_id, t.date, {merged}, %s
            FROM {_TEMP_TABLE} t
            LEFT JOIN {table} d ON d.account_id = t.account_id AND d.date = t.date
            WHERE d.id IS NULL OR ({kept}) IS DISTINCT FROM ({existing})
            ON CONFLICT (account_id, date) DO UPDATE SET {assignments},
                updated_at = EXCLUDED.updated_at
            WHERE ({current}) IS DISTINCT FROM ({incoming})
            RETURNING (xmax = 0) AS created
        )
        SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM written
    """  # noqa: S608 - the names come from the model, never from input.
    # The rows are read while they are staged, and a row with an error ends the import:
    # then nothing is merged.
    staged, written = copy_upsert(
        stage=_TEMP_TABLE,
        like=table,
        columns=_COLUMNS,
        rows=rows,
        upsert=upsert,
        params=[timezone.now()],
        proceed=lambda: not errors.count,
    )
    created, updated = written[0] if written else (0, 0)
    return created, updated, staged - created - updated


def _write_campaigns(
    campaigns: list[tuple[int, MetricRow]], result: ImportResult
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
                if name in _MONEY
                else int(total[name])
            )
            for name in PAID_FIELDS
        }
        for total in totals
    }


# ---------------------------------------------------------------------------
# Runs, scope and the recompute


def _accounts_of(*, team: Team, user: AbstractBaseUser | None) -> QuerySet[Account]:
    """The accounts an import may write to: the user's in the team, or all of the team's."""
    accounts = Account.objects.filter(team=team)
    if user is not None:
        accounts = accounts & Account.objects.visible_to(user)
    return accounts.only("pk", "handle", "currency", "team_id")


def _membership_lock(*, user: AbstractBaseUser, team_id: int) -> Membership:
    """The user's membership of the team, locked until the write commits; refused when gone.

    The lock makes a lead's change of the membership (removal, a new role) wait for the
    write, or the write wait for the change and then see it.
    """
    membership = Membership.objects.of(user).select_for_update().filter(team_id=team_id).first()
    if membership is None:
        raise ImportNotAllowed("You are no longer a member of this team: nothing was imported.")
    return membership


def _rights_recheck(*, run: ImportRun, user: AbstractBaseUser) -> Account | None:
    """At confirmation: the run's account and every handle it touches must still be the user's.

    Rights are those of the moment of the write, not of the preview: a manager taken off
    an account between the two imports nothing into it. Returns the run's account.
    """
    _membership_lock(user=user, team_id=run.team_id)
    allowed = Account.objects.visible_to(user).filter(team_id=run.team_id)
    if not ImportRun.objects.visible_to(user).filter(pk=run.pk).exists():
        raise ImportNotAllowed("This upload is no longer yours to confirm: nothing was imported.")
    account = None
    if run.account_id is not None:
        account = allowed.filter(pk=run.account_id).first()
        if account is None:
            raise ImportNotAllowed(
                "You no longer manage the account of this upload: nothing was imported."
            )
    handles = set(run.account_handles)
    lost = sorted(
        handles - set(allowed.filter(handle__in=handles).values_list("handle", flat=True))
    )
    if lost:
        named = ", ".join(f"@{handle}" for handle in lost)
        raise ImportNotAllowed(
            f"You no longer manage {named}, named in these files: nothing was imported."
        )
    return account


def _check_format(format: str) -> None:
    if format != "auto" and format not in FORMATS:
        choices = ", ".join(("auto", *FORMATS))
        raise ValidationError({"format": f"Unknown format '{format}': use one of {choices}."})


def _queue_recompute(scope: _Scope, result: ImportResult) -> None:
    """Queues the imported accounts' scorecards (7 and 28 days) once the import commits."""
    end = min(scope.date_to or yesterday(), yesterday())
    if end_error(end):
        # Scorecards cover periods from 2000 on; older days are kept but not scored.
        return
    try:
        result.scorecard_run = scorecard_run_start(
            scope=ScorecardRun.Scope.ACCOUNTS,
            account_ids=sorted(scope.account_ids),
            end=end,
            days=RECOMPUTE_DAYS,
        )
    except BackgroundUnavailable as unavailable:
        # The run is recorded anyway and queued by the sweep once the broker is back.
        result.scorecard_run = unavailable.run
        result.message = RECOMPUTE_WAITING
    else:
        result.message = RECOMPUTE_QUEUED


def _store_result(run: ImportRun, result: ImportResult, *, format: str) -> None:
    run.format = result.formats[:40]
    run.date_from, run.date_to = result.date_from, result.date_to
    run.rows_created, run.rows_updated = result.created, result.updated
    run.rows_unchanged = result.unchanged
    run.account_handles = result.handles
    run.ignored_columns = result.ignored_columns
    run.notes = result.notes
    run.errors = result.errors
    run.error_count = result.error_count
    run.details = {
        "requested_format": format,
        "files": result.files,
        "campaign_days": result.campaign_days,
    }
    run.message = result.message
    run.scorecard_run = result.scorecard_run


def _record_command_run(
    *,
    team: Team,
    user: AbstractBaseUser | None,
    account: Account | None,
    files: list[tuple[str, bytes | BinaryIO]],
    format: str,
    as_of: date,
    result: ImportResult,
) -> ImportRun:
    run = ImportRun(
        team=team,
        account=account,
        user=user,
        source="command",
        status=ImportRun.Status.APPLIED,
        as_of=as_of,
        file_names=[name for name, _data in files],
        applied_at=timezone.now(),
    )
    _store_result(run, result, format=format)
    run.full_clean()
    run.save()
    return run


def _not_confirmable(run: ImportRun) -> str:
    if run.status == ImportRun.Status.APPLIED:
        return "This import was already confirmed."
    if run.status == ImportRun.Status.DISCARDED:
        return "This import was discarded: upload the files again."
    if run.error_count or run.status == ImportRun.Status.FAILED:
        return (
            "This upload has errors, so it cannot be imported: fix the files and upload them again."
        )
    return "This import cannot be confirmed."

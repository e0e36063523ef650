"""One upload, read and written inside a transaction kept only when asked and error-free.

The entry points of imports.services.imports (preview, confirm, the command's one-step
import) all come here: the files are opened (zips unpacked), parsed, their rows resolved
(imports.services.import_rows) and written through analytics.writes, the one write
API (imports.services.studio_tabs collects Studio's audience and content tabs). A preview is the
import itself, rolled back. Once an import that changed days commits, the scorecards of
its accounts are recomputed in the background.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, BinaryIO

from django.contrib.auth.models import AbstractBaseUser
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account, Team
from analytics.evidence import evidence_days_changed
from analytics.models import (
    ScorecardRun,
    Source,
)
from analytics.scorecards.queue import BackgroundUnavailable
from analytics.scorecards.runs import scorecard_run_start
from analytics.writes import campaign_days_write, days_write
from imports.parsers import (
    AUDIENCE_TABS,
    MAX_REPORTED_ERRORS,
    TAB_UNITS,
    ParsedFile,
    RowError,
    UploadError,
    open_upload,
    parse,
)
from imports.services import studio_tabs
from imports.services.import_fast import fast_import
from imports.services.import_results import Errors, ImportResult
from imports.services.import_rows import (
    NO_ACCOUNT,
    Scope,
    check_something_read,
    counted,
    day_figures,
    describe,
    file_rows,
    merged_rows,
    skipped_entry,
    unknown_tab,
    with_sums,
)
from lib.dates import end_error, yesterday

logger = logging.getLogger(__name__)

RECOMPUTE_DAYS = (7, 28, 90)

RECOMPUTE_QUEUED = "Scorecards of the imported accounts are being recomputed."
RECOMPUTE_WAITING = (
    "Background work is unavailable right now (the task queue does not answer): the imported "
    "figures are saved, and the scorecards of the imported accounts will be recomputed by "
    "themselves as soon as it answers again."
)
NOTHING_CHANGED = "Nothing changed: everything was already as the files say."

# The reference date of an import (the command's --as-of, the form's "Downloaded on") lies
# between this day and today: no TikTok download is older, and a download cannot be made
# on a day that has not come yet.
EARLIEST_AS_OF = date(2000, 1, 1)


def as_of_problem(as_of: date) -> str | None:
    """What is wrong with a reference date outside 2000-01-01 to today, else None."""
    today = timezone.localdate()
    if EARLIEST_AS_OF <= as_of <= today:
        return None
    return (
        f"{as_of.isoformat()} is not between {EARLIEST_AS_OF.isoformat()} and "
        f"{today.isoformat()} (today)"
    )


# A download holds the days up to the download day (or the day before): a last day
# further back than this suggests a wrong "Downloaded on" that put every row a year early.
DOWNLOAD_GAP_DAYS = 3


def download_gap_warning(result: ImportResult, as_of: date) -> str:
    """The warning for Studio files whose last day is well before the download date."""
    studio = any(entry.get("format") == "tiktok-studio" for entry in result.files)
    if not studio or result.date_to is None or not result.ok:
        return ""
    gap = (as_of - result.date_to).days
    if gap <= DOWNLOAD_GAP_DAYS:
        return ""
    first = result.date_from or result.date_to
    return (
        f"The last day in the files is placed on {result.date_to:%-d %b %Y}, {gap} days before "
        f"the download date given ({as_of:%-d %b %Y}). TikTok's dates have no year, so the "
        f"import will write {first:%-d %b %Y} to {result.date_to:%-d %b %Y}. If the files "
        f"were downloaded on another day, discard this preview and upload them again with "
        f'that day as "Downloaded on".'
    )


# ---------------------------------------------------------------------------
# The import


class _RollBack(Exception):
    """Leaves the import's transaction without keeping anything it wrote."""


def upload_import(
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
    user: AbstractBaseUser | None = None,
) -> ImportResult:
    """Reads and writes an upload in a transaction, kept only when `write` and no errors.

    `user` is who imports (None: a command), recorded with a FollowerActivity file.
    """
    result = ImportResult(dry_run=not write)
    errors = Errors(max_errors)
    scope = Scope(by_handle={item.handle: item for item in accounts}, account=account, team=team)
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
    result.files.extend(skipped_entry(name) for name in skipped)
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
            day_changes = _write(
                opened, archived, format, as_of, scope, errors, result, fast=fast, user=user
            )
            check_something_read(files, result, errors)
            if errors.count or not write:
                raise _RollBack
            if not (result.created or result.updated or result.campaign_days):
                result.message = NOTHING_CHANGED
            elif recompute and (day_changes or result.campaign_days):
                _queue_recompute(scope, result)
            elif (day_changes or result.campaign_days) and scope.date_from is not None:
                # No recompute asked for (`import_metrics --no-recompute`): the checklists'
                # figures that read these days follow all the same, as the recompute's
                # start would have made them.
                evidence_days_changed(
                    account_ids=sorted(scope.account_ids),
                    start=scope.date_from,
                    end=scope.date_to or yesterday(),
                )
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
    result.error_groups = errors.grouped()
    result.account_ids = sorted(scope.account_ids)
    handles = {item.pk: item.handle for item in scope.by_handle.values()}
    if account is not None:
        handles[account.pk] = account.handle
    result.handles = sorted(handles.get(pk, str(pk)) for pk in scope.account_ids)
    result.date_from, result.date_to = scope.date_from, scope.date_to
    gap = download_gap_warning(result, as_of)
    if gap:
        result.warnings.insert(0, gap)
    if not result.ok:
        result.created = result.updated = result.unchanged = result.campaign_days = 0
        result.message = ""
        result.scorecard_run = None
    return result


def _write(
    opened: list[tuple[str, BinaryIO]],
    archived: set[str],
    format: str,
    as_of: date,
    scope: Scope,
    errors: Errors,
    result: ImportResult,
    *,
    fast: bool,
    user: AbstractBaseUser | None,
) -> int:
    """Reads the files and writes their rows, inside the caller's transaction.

    Returns how many daily metrics were created or changed (the scorecards' inputs).
    """
    if fast and len(opened) == 1 and not errors.count:
        name, stream = opened[0]
        if fast_import(name, stream, format=format, as_of=as_of, scope=scope, result=result):
            return result.created + result.updated
    day_files: list[ParsedFile] = []
    tab_files: list[tuple[ParsedFile, dict[str, Any]]] = []
    for name, stream in opened:
        parsed = parse(name, stream, format=format, as_of=as_of)
        if name in archived and unknown_tab(parsed):
            result.files.append(skipped_entry(name))
            continue
        entry = describe(parsed, result)
        if parsed.tab in AUDIENCE_TABS:
            tab_files.append((parsed, entry))
        else:
            if parsed.format != "unknown":
                unit = TAB_UNITS.get(parsed.tab or "", "row")
                parsed.rows = counted(parsed.rows, unit, entry)
            day_files.append(parsed)
    day_changes = 0
    if day_files:
        if len(day_files) == 1:
            rows = file_rows(day_files[0], scope, errors, figures=True)
        else:
            rows = merged_rows(day_files, scope, errors)
        days = rows.days
        if rows.campaigns and not errors.count:
            result.campaign_days, sums = campaign_days_write(
                (account_id, row.campaign, row.date, row.values)
                for account_id, row in rows.campaigns
            )
            days = with_sums(days, rows.summed, sums)
        figures = rows.figures if rows.figures is not None else day_figures(days, errors)
        # Studio's figures win over the API's; a mixed upload counts as a plain export.
        studio = all(parsed.format == "tiktok-studio" for parsed in day_files)
        # After the first error the files are still read to the end, so every error is
        # found, but no more rows go to the database: the transaction is rolled back anyway.
        result.created, result.updated, result.unchanged = days_write(
            figures,
            source=Source.STUDIO if studio else Source.EXPORT,
            fast=fast,
            proceed=lambda: not errors.count,
        )
        day_changes = result.created + result.updated
    tabs = studio_tabs.TabRows()
    for parsed, entry in tab_files:
        rows_read = list(parsed.rows)
        errors.take(parsed.errors)
        entry["count"], entry["held"] = len(rows_read), studio_tabs.held(parsed, rows_read)
        if scope.account is None:
            errors.add(RowError(parsed.name, 0, "", NO_ACCOUNT))
            continue
        studio_tabs.collect(parsed, rows_read, scope.account, as_of, tabs, errors.add, scope.seen)
    if tabs and not errors.count:
        created, updated, unchanged = studio_tabs.write(
            tabs, fast=fast, imported_by=user, as_of=as_of
        )
        result.created += created
        result.updated += updated
        result.unchanged += unchanged
    return day_changes


def _queue_recompute(scope: Scope, result: ImportResult) -> None:
    """Queues the imported accounts' scorecards once the import commits: 7, 28 and 90 days
    ending on the last day imported, and every Sunday of the imported days (the history)."""
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
            history_from=scope.date_from,
        )
    except BackgroundUnavailable as unavailable:
        # The run is recorded anyway and queued by the sweep once the broker is back.
        result.scorecard_run = unavailable.run
        result.message = RECOMPUTE_WAITING
    else:
        result.message = RECOMPUTE_QUEUED

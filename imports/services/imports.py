"""Importing metric files into daily metrics: preview, confirmation, and the one-step import.

The parsers (imports.parsers) turn files into day rows and errors; this module resolves
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
Content tabs are no day figures: imports.services.studio_tabs writes them, in the same
transaction and by the same rules. Inside a zip, a file of no format Playbook reads is
skipped by name; an upload in which nothing can be read is refused.

Two write paths give identical rows. On PostgreSQL the rows stream through COPY into a
temporary table and one INSERT ... ON CONFLICT merges them (memory stays flat whatever
the file's size); elsewhere, or when asked (`fast=False`), batches go through the ORM.

This module holds the entry points and the runs (ImportRun) they record. The work itself
is split by topic: imports.services.import_upload reads and writes one upload in its
transaction, import_rows turns parsed files into checked rows of accounts, studio_tabs
collects Studio's audience and content tabs, and analytics.writes (the one write API,
shared with the TikTok sync) writes them all by its merge rules.
"""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account, Membership, Team
from imports.models import ImportFile, ImportRun
from imports.parsers import (
    FORMATS,
    MAX_REPORTED_ERRORS,
)
from imports.services.import_results import ImportResult
from imports.services.import_upload import EARLIEST_AS_OF as EARLIEST_AS_OF
from imports.services.import_upload import NOTHING_CHANGED as NOTHING_CHANGED
from imports.services.import_upload import RECOMPUTE_QUEUED as RECOMPUTE_QUEUED
from imports.services.import_upload import RECOMPUTE_WAITING as RECOMPUTE_WAITING
from imports.services.import_upload import as_of_problem as as_of_problem
from imports.services.import_upload import upload_import
from imports.services.previews import preview_contents, previews_trim


class ImportNotConfirmable(Exception):
    """A run that cannot be confirmed (or discarded) in its current state."""


class ImportNotAllowed(PermissionDenied):
    """The person confirming no longer has the right to every account the run touches."""


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
    result = upload_import(
        team=membership.team,
        accounts=_accounts_of(team=membership.team, user=user),
        account=account,
        files=list(files),
        format=format,
        as_of=as_of,
        write=False,
        max_bytes=max_bytes,
        user=user,
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
            # Only what confirming reads: a zip without the members the preview skipped.
            ImportFile.objects.bulk_create(
                ImportFile(run=run, name=name, content=data)
                for name, data in preview_contents(files, result.files)
            )
    # At most MAX_OPEN_PREVIEWS open previews per person, within the size bound: the
    # oldest go (the view says so). The new run is left alone.
    run.previews_discarded = previews_trim(user=user, keep=run) if result.ok else []
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
        result = upload_import(
            team=locked.team,
            accounts=_accounts_of(team=locked.team, user=user),
            account=account,
            files=files,
            format=locked.details.get("requested_format", "auto"),
            as_of=locked.as_of or timezone.localdate(),
            write=True,
            fast=fast,
            user=user,
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
        result = upload_import(
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
            user=user,
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
        "warnings": result.warnings,
        "error_groups": result.error_groups,
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

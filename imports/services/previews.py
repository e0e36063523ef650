"""Bounds on the previews waiting for confirmation: how many, how big, how old.

An unconfirmed preview keeps its files (ImportFile) until it is confirmed or discarded.
Without bounds, 200 uploads of a 1 MB zip grew the database by 210 MB in 23 s. So:

- a preview keeps only what confirming reads: a zip is stored again without the members
  the preview skipped (a PDF, a tab Playbook does not read);
- a person has at most MAX_OPEN_PREVIEWS open previews, and their stored files together
  at most settings.METRICS_PREVIEW_MAX_BYTES: the oldest go first, and the upload page
  says so;
- a preview older than PREVIEW_MAX_AGE is discarded by the periodic sweep
  (imports.tasks.purge_old_previews) and by `manage.py purge_previews`.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Length
from django.utils import timezone

from imports.models import ImportFile, ImportRun
from imports.services.import_rows import SKIPPED

MAX_OPEN_PREVIEWS = 10
PREVIEW_MAX_AGE = timedelta(hours=24)


def preview_contents(
    files: list[tuple[str, bytes]], result_files: list[dict]
) -> list[tuple[str, bytes]]:
    """The files as a preview stores them: zips without the members the preview skipped."""
    skipped = {entry["name"] for entry in result_files if entry.get("held") == SKIPPED}
    return [(name, _without(name, bytes(data), skipped)) for name, data in files]


def _without(name: str, data: bytes, skipped: set[str]) -> bytes:
    prefix = f"{name}/"
    if not any(member.startswith(prefix) for member in skipped):
        return data
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return data
    buffer = io.BytesIO()
    with source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as kept:
        for info in source.infolist():
            if info.is_dir() or f"{prefix}{info.filename}" in skipped:
                continue
            # Streamed member by member: the preview already read every one within limits.
            with source.open(info) as reader, kept.open(info.filename, "w") as writer:
                shutil.copyfileobj(reader, writer, 1 << 20)
    return buffer.getvalue()


def _open_previews(user: object):
    return ImportRun.objects.filter(user=user, status=ImportRun.Status.PREVIEW)


def previews_trim(*, user: object, keep: ImportRun) -> list[ImportRun]:
    """Discards the user's oldest open previews beyond the count and size bounds.

    `keep` (the preview just made) always stays. Returns the discarded runs, oldest first.
    """
    limit = settings.METRICS_PREVIEW_MAX_BYTES
    with transaction.atomic():
        runs = list(
            _open_previews(user)
            .exclude(pk=keep.pk)
            .select_for_update()
            .order_by("-created_at", "-pk")
        )
        sizes = dict(
            ImportFile.objects.filter(run__in=[run.pk for run in runs])
            .values("run")
            .annotate(size=Sum(Length("content")))
            .values_list("run", "size")
        )
        kept_size = _stored_bytes(keep)
        kept_count = 1
        gone: list[ImportRun] = []
        for run in runs:
            size = sizes.get(run.pk) or 0
            if kept_count < MAX_OPEN_PREVIEWS and kept_size + size <= limit:
                kept_count += 1
                kept_size += size
                continue
            gone.append(run)
        _discard(gone)
    return list(reversed(gone))


def _stored_bytes(run: ImportRun) -> int:
    total = ImportFile.objects.filter(run=run).aggregate(size=Sum(Length("content")))["size"]
    return total or 0


def _discard(runs: list[ImportRun]) -> None:
    if not runs:
        return
    pks = [run.pk for run in runs]
    ImportFile.objects.filter(run__in=pks).delete()
    ImportRun.objects.filter(pk__in=pks, status=ImportRun.Status.PREVIEW).update(
        status=ImportRun.Status.DISCARDED
    )


def previews_purge(*, older_than: timedelta = PREVIEW_MAX_AGE) -> int:
    """Discards every open preview made before now - older_than; returns how many."""
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        runs = list(
            ImportRun.objects.filter(status=ImportRun.Status.PREVIEW, created_at__lt=cutoff)
            .select_for_update(skip_locked=True)
            .only("pk")
        )
        _discard(runs)
    return len(runs)

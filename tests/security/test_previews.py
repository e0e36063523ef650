"""Previews waiting for confirmation are bounded in count, size and age.

200 uploads of a 1 MB zip used to grow the database by 210 MB: every unconfirmed preview
kept its whole upload, skipped members included, with no cap and no cleanup.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from analytics.models import DailyMetric
from config.celery import app
from imports.models import ImportFile, ImportRun
from imports.services import previews
from imports.services.imports import import_apply, import_preview
from imports.services.previews import MAX_OPEN_PREVIEWS
from imports.tasks import purge_old_previews
from tests.factories import AccountFactory
from tests.imports.studio_files import zipped

pytestmark = pytest.mark.django_db

CSV = b"date,handle,likes\n2024-10-07,acmeofficial,3\n"
AS_OF = date(2025, 1, 5)


# Incompressible filler: a skipped member a preview used to keep whole.
FILLER = bytes((n * 7919) % 251 for n in range(200_000))
UPLOAD = zipped({"metrics.csv": CSV, "report.pdf": b"%PDF-1.4\n" + FILLER})


@pytest.fixture
def official(acme):
    return AccountFactory(team=acme, handle="acmeofficial")


def preview(user, files=None):
    return import_preview(
        membership=user.memberships.get(),
        user=user,
        files=files or [("download.zip", UPLOAD)],
        account=None,
        as_of=AS_OF,
    )


def test_200_preview_uploads_leave_at_most_10_previews_and_no_skipped_member(acme, alice, official):
    for _ in range(200):
        run = preview(alice)
        assert run.status == ImportRun.Status.PREVIEW, run.errors

    assert ImportRun.objects.filter(status=ImportRun.Status.PREVIEW).count() == MAX_OPEN_PREVIEWS
    assert ImportFile.objects.count() == MAX_OPEN_PREVIEWS
    for stored in ImportFile.objects.all():
        names = zipfile.ZipFile(io.BytesIO(bytes(stored.content))).namelist()
        assert names == ["metrics.csv"]
        assert len(stored.content) < 1000  # the 200 KB PDF is not kept
    # The newest stayed; the oldest went first.
    newest = ImportRun.objects.order_by("-created_at")[:MAX_OPEN_PREVIEWS]
    assert all(run.status == ImportRun.Status.PREVIEW for run in newest)


def test_a_trimmed_preview_still_confirms(acme, alice, official):
    run = preview(alice)
    applied = import_apply(run=run, user=alice)

    assert applied.status == ImportRun.Status.APPLIED, applied.errors
    assert DailyMetric.objects.get().likes == 3


def test_the_stored_size_counts_against_the_upload_limit(acme, alice, official, settings):
    big = [("a.csv", CSV + b"\n" * 4000)]
    settings.METRICS_PREVIEW_MAX_BYTES = 10_000
    first = preview(alice, big)
    second = preview(alice, big)
    third = preview(alice, big)

    first.refresh_from_db()
    second.refresh_from_db()
    assert third.previews_discarded == [first]
    assert (first.status, second.status) == (ImportRun.Status.DISCARDED, ImportRun.Status.PREVIEW)
    assert not first.files.exists()


def test_the_upload_page_says_which_previews_went(acme, alice, official, login, monkeypatch):
    monkeypatch.setattr(previews, "MAX_OPEN_PREVIEWS", 1)
    client = login(alice)
    url = reverse("imports:import-upload", args=["acme"])
    for _ in range(2):
        response = client.post(
            url,
            {"format": "auto", "as_of": "2025-01-05", "files": SimpleUploadedFile("m.csv", CSV)},
            follow=True,
        )
    assert response.status_code == 200
    assert "oldest upload waiting for confirmation was discarded" in response.content.decode()
    assert ImportRun.objects.filter(status=ImportRun.Status.PREVIEW).count() == 1


def test_previews_older_than_a_day_are_purged_by_the_command(acme, alice, official):
    old, recent = preview(alice), preview(alice)
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    out = StringIO()

    call_command("purge_previews", stdout=out)

    assert out.getvalue().strip() == "1 preview discarded."
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == ImportRun.Status.DISCARDED and not old.files.exists()
    assert recent.status == ImportRun.Status.PREVIEW and recent.files.exists()


def test_previews_older_than_a_day_are_purged_by_the_periodic_sweep(
    acme, alice, official, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no beat to race: the claim always succeeds
    old = preview(alice)
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))

    assert purge_old_previews() == 1
    old.refresh_from_db()
    assert old.status == ImportRun.Status.DISCARDED
    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "imports.tasks.purge_old_previews" in schedule

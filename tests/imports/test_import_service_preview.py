"""The import service: preview, confirmation, discarding and the recompute."""

from __future__ import annotations

import tracemalloc
from datetime import date

import pytest
from django.test import override_settings

from analytics.models import DailyMetric, ScorecardRun
from analytics.scorecards import queue as scorecard_queue
from imports.models import ImportFile, ImportRun
from imports.services import imports
from imports.services.imports import (
    ImportNotConfirmable,
    import_apply,
    import_discard,
    import_preview,
)
from lib.dates import yesterday
from tests.factories import AccountFactory
from tests.imports.import_service_files import NEW_YEAR, read, run, snapshot

# ---------------------------------------------------------------------------
# Preview, confirmation, discarding and the recompute


def test_it_previews_an_upload_without_writing_and_keeps_its_files(acme, alice, official, deals):
    membership = alice.memberships.get()
    DailyMetric.objects.create(account=official, date=date(2024, 10, 1), video_views=1)
    before = snapshot()

    preview = import_preview(
        membership=membership,
        user=alice,
        files=[("canonical.csv", read("canonical.csv"))],
        account=None,
        as_of=NEW_YEAR,
    )

    assert snapshot() == before
    assert preview.status == ImportRun.Status.PREVIEW
    assert (preview.rows_created, preview.rows_updated, preview.rows_unchanged) == (5, 1, 0)
    assert preview.account_handles == ["acme.deals", "acmeofficial"]
    assert (preview.date_from, preview.date_to) == (date(2024, 10, 1), date(2024, 10, 3))
    assert preview.format == "canonical"
    assert list(preview.files.values_list("name", flat=True)) == ["canonical.csv"]


def test_it_applies_a_preview_and_queues_the_recompute(
    acme, alice, official, deals, broker, django_capture_on_commit_callbacks
):
    preview = import_preview(
        membership=alice.memberships.get(),
        user=alice,
        files=[("canonical.csv", read("canonical.csv"))],
        account=None,
        as_of=NEW_YEAR,
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        applied = import_apply(run=preview, user=alice)

    assert applied.status == ImportRun.Status.APPLIED
    assert applied.rows_created == 6
    assert applied.applied_at is not None
    assert DailyMetric.objects.count() == 6
    assert not ImportFile.objects.exists()
    recompute = applied.scorecard_run
    assert recompute.scope == ScorecardRun.Scope.ACCOUNTS
    assert recompute.account_ids == sorted([official.pk, deals.pk])
    assert recompute.end == date(2024, 10, 3)
    assert recompute.days == [7, 28, 90]
    # Every Sunday of the imported days is scored too (the weekly history).
    assert recompute.history_from == min(DailyMetric.objects.values_list("date", flat=True))
    assert applied.message == imports.RECOMPUTE_QUEUED
    # The job is queued only once the import is committed.
    assert len(callbacks) == 1


def test_it_ends_the_recompute_yesterday_for_an_import_reaching_today(acme, official, broker):
    today = yesterday().toordinal() + 1
    file = f"date,likes\n{date.fromordinal(today).isoformat()},4\n".encode()

    result = run(acme, [("today.csv", file)], account=official, as_of=date.fromordinal(today))

    assert result.scorecard_run.end == yesterday()


def test_it_imports_when_the_queue_is_down_and_says_so(acme, alice, official, deals, monkeypatch):
    monkeypatch.setattr(scorecard_queue, "broker_available", lambda: False)
    preview = import_preview(
        membership=alice.memberships.get(),
        user=alice,
        files=[("canonical.csv", read("canonical.csv"))],
        account=None,
        as_of=NEW_YEAR,
    )

    applied = import_apply(run=preview, user=alice)

    assert applied.status == ImportRun.Status.APPLIED
    assert DailyMetric.objects.count() == 6
    assert applied.message == imports.RECOMPUTE_WAITING
    # The recompute is recorded, waiting for the sweep to queue it once Redis is back.
    assert applied.scorecard_run.waiting_for_queue
    assert sorted(applied.scorecard_run.account_ids) == sorted([official.pk, deals.pk])


def test_it_rejects_an_upload_with_errors_and_refuses_to_confirm_it(acme, alice, official):
    preview = import_preview(
        membership=alice.memberships.get(),
        user=alice,
        files=[("bad.csv", b"date,handle,video_views\n2024-10-01,acmeofficial,-1\n")],
        account=None,
        as_of=NEW_YEAR,
    )

    assert preview.status == ImportRun.Status.FAILED
    assert preview.errors == ["bad.csv: line 2, column video_views: '-1' is negative"]
    assert preview.error_count == 1
    assert not preview.files.exists()
    with pytest.raises(ImportNotConfirmable):
        import_apply(run=preview, user=alice)
    assert not DailyMetric.objects.exists()


def test_it_checks_a_preview_again_when_it_is_confirmed(acme, alice, bob, official, deals):
    preview = import_preview(
        membership=alice.memberships.get(),
        user=alice,
        files=[("canonical.csv", read("canonical.csv"))],
        account=None,
        as_of=NEW_YEAR,
    )

    # Confirmed by someone who may not write to @acme.deals (nor see alice's upload):
    # refused at the moment of the write, and nothing changes.
    with pytest.raises(imports.ImportNotAllowed):
        import_apply(run=preview, user=bob)

    preview.refresh_from_db()
    assert preview.status == ImportRun.Status.PREVIEW
    assert preview.files.exists()
    assert not DailyMetric.objects.exists()


def test_it_confirms_a_preview_only_once(acme, alice, official, deals):
    preview = import_preview(
        membership=alice.memberships.get(),
        user=alice,
        files=[("canonical.csv", read("canonical.csv"))],
        account=None,
        as_of=NEW_YEAR,
    )
    import_apply(run=preview, user=alice)

    with pytest.raises(ImportNotConfirmable, match="already confirmed"):
        import_apply(run=preview, user=alice)
    with pytest.raises(ImportNotConfirmable):
        import_discard(run=preview)


def test_it_discards_a_preview_and_its_files(acme, alice, official, deals):
    preview = import_preview(
        membership=alice.memberships.get(),
        user=alice,
        files=[("canonical.csv", read("canonical.csv"))],
        account=None,
        as_of=NEW_YEAR,
    )

    discarded = import_discard(run=preview)

    assert discarded.status == ImportRun.Status.DISCARDED
    assert not ImportFile.objects.exists()
    with pytest.raises(ImportNotConfirmable, match="discarded"):
        import_apply(run=preview, user=alice)
    assert not DailyMetric.objects.exists()


def test_it_writes_nothing_on_a_dry_run(acme, official, deals):
    result = run(acme, [("canonical.csv", read("canonical.csv"))], dry_run=True)

    assert result.summary_line() == (
        "would import 6 rows: 6 created, 0 updated, 0 unchanged for 2 accounts; "
        "canonical.csv: 6 rows"
    )
    assert not DailyMetric.objects.exists()
    assert not ImportRun.objects.exists()


@override_settings(METRICS_MAX_UPLOAD_BYTES=1024)
def test_it_refuses_an_unknown_format(acme):
    with pytest.raises(Exception, match="Unknown format"):
        run(acme, [("a.csv", b"")], format="excel")


def test_it_streams_a_large_canonical_file_in_bounded_memory(acme, tmp_path):
    accounts = [AccountFactory(team=acme, handle=f"bulk_{index:03d}") for index in range(30)]
    path = tmp_path / "large.csv"
    with path.open("w") as out:
        out.write("date,handle,video_views,likes,followers,spend\n")
        for offset in range(1000):
            day = date.fromordinal(date(2022, 1, 1).toordinal() + offset).isoformat()
            out.writelines(
                f"{day},{account.handle},{offset},{offset % 7},,{offset % 13}.25\n"
                for account in accounts
            )
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            result = run(acme, [("large.csv", stream)], max_bytes=path.stat().st_size)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.ok, result.errors
    assert result.created == 30_000
    assert DailyMetric.objects.count() == 30_000
    # Holding the rows would take about a kilobyte each (30 MB); streaming stays flat.
    assert peak < 4 * 1024 * 1024, f"{peak / 1024 / 1024:.1f} MB"

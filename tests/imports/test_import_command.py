from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import Kind
from analytics.models import METRIC_FIELDS, DailyMetric
from imports.models import ImportRun
from tests.analytics.conftest import BASE_DIR, subprocess_database_url
from tests.factories import AccountFactory

FILES = Path(__file__).parent / "files"


@pytest.fixture
def official(acme):
    return AccountFactory(team=acme, handle="acmeofficial", kind=Kind.OFFICIAL)


@pytest.fixture
def deals(acme):
    return AccountFactory(team=acme, handle="acme.deals", kind=Kind.MARKETING)


def import_metrics(*args: str) -> tuple[int, str, str]:
    """Runs the command; returns (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_metrics", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return int(exit.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def checksum() -> tuple[int, str]:
    rows = list(
        DailyMetric.objects.order_by("account_id", "date").values_list(
            "account_id", "date", *METRIC_FIELDS, "updated_at"
        )
    )
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def test_it_imports_a_file_and_prints_one_summary_line(acme, official, deals):
    status, out, err = import_metrics(str(FILES / "canonical.csv"), "--team", "acme")

    assert status == 0
    assert out == (
        "imported 6 rows: 6 created, 0 updated, 0 unchanged for 2 accounts; canonical.csv: 6 rows\n"
    )
    assert err == ""
    assert DailyMetric.objects.count() == 6
    run = ImportRun.objects.get()
    assert (run.source, run.status, run.user) == ("command", ImportRun.Status.APPLIED, None)


def test_it_changes_nothing_the_second_time(acme, official, deals):
    import_metrics(str(FILES / "canonical.csv"))
    before = checksum()

    status, out, _err = import_metrics(str(FILES / "canonical.csv"))

    assert status == 0
    assert out.startswith("imported 6 rows: 0 created, 0 updated, 6 unchanged for 2 accounts;")
    assert checksum() == before


def test_it_needs_the_team_when_there_are_several(acme, globex, official):
    with pytest.raises(CommandError, match="several teams"):
        import_metrics(str(FILES / "canonical.csv"))
    with pytest.raises(CommandError, match="No team 'nope'"):
        import_metrics(str(FILES / "canonical.csv"), "--team", "nope")


def test_it_imports_studio_tabs_for_an_account_as_of_a_day(acme, official, tmp_path):
    export = tmp_path / "tiktok.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.write(FILES / "studio/Overview.csv", "Overview.csv")
        archive.write(FILES / "studio/FollowerHistory.csv", "FollowerHistory.csv")

    status, out, err = import_metrics(
        str(export), "--account", "@AcmeOfficial", "--as-of", "2025-01-05"
    )

    assert (status, err) == (0, "")
    assert out == (
        "imported 6 rows: 6 created, 0 updated, 0 unchanged for 1 account; "
        "Overview.csv: 5 days; FollowerHistory.csv: 6 days\n"
    )
    assert DailyMetric.objects.get(date=date(2024, 12, 28)).video_views == 1204
    assert DailyMetric.objects.get(date=date(2025, 1, 2)).followers == 10598


def test_it_says_what_it_would_import_on_a_dry_run(acme, official, deals):
    status, out, _err = import_metrics(str(FILES / "canonical.csv"), "--dry-run")

    assert status == 0
    assert out == (
        "would import 6 rows: 6 created, 0 updated, 0 unchanged for 2 accounts; "
        "canonical.csv: 6 rows\n"
    )
    assert not DailyMetric.objects.exists()
    assert not ImportRun.objects.exists()


def test_it_prints_every_error_and_writes_nothing(acme, official, deals, tmp_path):
    import_metrics(str(FILES / "canonical.csv"))
    before = checksum()
    bad = tmp_path / "bad.csv"
    lines = [f"2024-11-{day:02d},acmeofficial,-{day}" for day in range(1, 31)] * 5
    # The same days five times over: the later ones are repeats, reported as such.
    bad.write_text("date,handle,video_views\n" + "\n".join(lines) + "\n2024-11-30,acme.deals,1\n")

    status, out, err = import_metrics(str(bad))

    assert status == 1
    assert out == ""
    errors = err.splitlines()
    assert len(errors) == 150
    assert errors[0] == f"{bad}: line 2, column video_views: '-1' is negative"
    assert all(line.startswith(f"{bad}: line ") for line in errors)
    assert checksum() == before


def test_it_names_line_and_column_of_a_bad_file(acme, official):
    status, _out, err = import_metrics(str(FILES / "canonical_bad.csv"), "--team", "acme")

    assert status == 1
    lines = err.splitlines()
    assert f"{FILES / 'canonical_bad.csv'}: line 3, column video_views: '-3' is negative" in lines
    bad_date = "line 4, column date: '2024-13-01' is not a date (YYYY-MM-DD)"
    assert f"{FILES / 'canonical_bad.csv'}: {bad_date}" in lines
    assert not DailyMetric.objects.exists()


def test_it_refuses_a_file_without_handles_and_no_account(acme, official):
    status, _out, err = import_metrics(str(FILES / "canonical_semicolon_bom.csv"))

    assert status == 1
    assert "names no account" in err


def test_it_refuses_an_unknown_account(acme, official):
    with pytest.raises(CommandError, match="No account @nobody in acme"):
        import_metrics(str(FILES / "canonical.csv"), "--account", "nobody")


def test_it_forces_a_format(acme, official, deals):
    status, _out, err = import_metrics(
        str(FILES / "ads_manager.csv"), "--format", "canonical", "--account", "acme.deals"
    )

    assert status == 1
    assert "the header does not match the canonical format" in err


@override_settings(METRICS_MAX_UPLOAD_BYTES=200)
def test_it_keeps_to_the_size_limit_unless_told_otherwise(acme, official, deals):
    status, _out, err = import_metrics(str(FILES / "canonical.csv"))

    assert status == 1
    assert "over the" in err and "size limit" in err
    assert not DailyMetric.objects.exists()

    status, out, _err = import_metrics(str(FILES / "canonical.csv"), "--max-bytes", "4096")

    assert status == 0
    assert out.startswith("imported 6 rows")


def test_it_reports_a_missing_file(acme):
    status, _out, err = import_metrics("/nonexistent/metrics.csv")

    assert status == 1
    assert err == "/nonexistent/metrics.csv: no such file\n"


def test_it_rejects_a_png_and_an_empty_file(acme, official, tmp_path):
    png = tmp_path / "logo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")

    status, _out, err = import_metrics(str(png), str(empty), "--account", "acmeofficial")

    assert status == 1
    assert err.splitlines() == [f"{png}: not a CSV or XLSX file", f"{empty}: the file is empty"]


@pytest.mark.django_db(transaction=True)
def test_it_exits_with_status_1_from_the_shell(acme, official, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,likes\n2024-10-01,x\n")
    environment = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": subprocess_database_url(),
        "PATH": "/usr/bin:/bin",
    }

    done = subprocess.run(
        [sys.executable, "manage.py", "import_metrics", str(bad), "--account", "acmeofficial"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert done.stderr == f"{bad}: line 2, column likes: 'x' is not a number\n"

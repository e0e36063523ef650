"""Days that have not happened and the reference date's bounds (issue 9, docs/imports.md).

A date after the reference date (--as-of, the form's "Downloaded on", default today in the
configured time zone) is bad input with its line and column, in every format. The
reference date itself lies between 2000-01-01 and today; outside, a one-line error names
the range and nothing is written.
"""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Kind
from analytics.models import DailyMetric
from imports.models import ImportRun
from imports.parsers import MetricRow, ParsedFile, parse
from imports.services.imports import as_of_problem, import_files
from tests.analytics.conftest import BASE_DIR, subprocess_database_url
from tests.factories import AccountFactory

AS_OF = date(2025, 1, 5)


def parsed(name: str, data: bytes, as_of: date = AS_OF) -> tuple[ParsedFile, list[MetricRow]]:
    result = parse(name, io.BytesIO(data), as_of=as_of)
    rows = list(result.rows)
    return result, rows


def messages(result: ParsedFile) -> list[str]:
    return [str(error) for error in result.errors]


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def official(acme):
    return AccountFactory(team=acme, handle="acmeofficial", kind=Kind.OFFICIAL)


# ---------------------------------------------------------------------------
# Days after the reference date, in every format


def test_it_refuses_a_canonical_day_after_the_reference_date():
    data = (
        b"date,handle,likes\n"
        b"2025-01-05,acme,1\n"
        b"2025-01-06,acme,2\n"
        b"2099-12-31,acme,x\n"
        b"2025-01-06,acme,2\n"
    )

    result, rows = parsed("canonical.csv", data)

    assert [row.date for row in rows] == [date(2025, 1, 5)]
    assert messages(result) == [
        "canonical.csv: line 3, column date: 2025-01-06 has not happened yet "
        "(the reference date is 2025-01-05)",
        "canonical.csv: line 4, column date: 2099-12-31 has not happened yet "
        "(the reference date is 2025-01-05)",
        # The rest of a row with a bad date is still checked.
        "canonical.csv: line 4, column likes: 'x' is not a number",
        "canonical.csv: line 5, column date: 2025-01-06 has not happened yet "
        "(the reference date is 2025-01-05)",
    ]


def test_it_refuses_a_canonical_xlsx_day_after_the_reference_date():
    data = workbook(
        [
            ["date", "handle", "likes"],
            [datetime(2025, 1, 4), "acme", 1],  # noqa: DTZ001 - Excel cells carry no zone.
            [date(2099, 12, 31), "acme", 1],
        ]
    )

    result, rows = parsed("canonical.xlsx", data)

    assert [row.date for row in rows] == [date(2025, 1, 4)]
    assert messages(result) == [
        "canonical.xlsx: line 3, column date: 2099-12-31 has not happened yet "
        "(the reference date is 2025-01-05)"
    ]


def test_it_refuses_a_studio_date_with_a_year_after_the_reference_date():
    data = (
        b'"Date","Video Views","Profile Views","Likes","Comments","Shares"\n'
        b'"January 4","1","1","1","1","1"\n'
        b'"2099-12-31","1","1","1","1","1"\n'
    )

    result, _rows = parsed("Overview.csv", data)

    assert messages(result) == [
        "Overview.csv: line 3, column Date: 2099-12-31 has not happened yet "
        "(the reference date is 2025-01-05)"
    ]


def test_it_places_yearless_studio_dates_on_or_before_the_reference_date():
    data = (
        b'"Date","Followers","Difference in followers from previous day"\n'
        b'"January 5","10","1"\n'
        b'"January 6","11","1"\n'
    )

    result, rows = parsed("FollowerHistory.csv", data)

    # 6 January 2025 has not come: the file runs from 5 January 2024 to 6 January 2024.
    assert result.errors == []
    assert [row.date for row in rows] == [date(2024, 1, 5), date(2024, 1, 6)]


def test_it_refuses_an_ads_manager_day_after_the_reference_date():
    data = b"By Day,Cost,Impressions\n2025-01-05,1.00,10\n2025/01/06,1.00,10\nTotal,2.00,20\n"

    result, rows = parsed("ads.csv", data)

    assert [row.date for row in rows] == [date(2025, 1, 5)]
    assert messages(result) == [
        "ads.csv: line 3, column By Day: 2025-01-06 has not happened yet "
        "(the reference date is 2025-01-05)"
    ]


def test_it_writes_nothing_from_a_file_with_a_day_to_come(acme, official):
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = f"date,handle,likes\n2025-01-01,acmeofficial,1\n{tomorrow},acmeofficial,2\n".encode()

    result = import_files(
        team=acme, user=None, files=[("canonical.csv", data)], as_of=timezone.localdate()
    )

    assert not result.ok
    assert result.errors == [
        f"canonical.csv: line 3, column date: {tomorrow} has not happened yet "
        f"(the reference date is {timezone.localdate()})"
    ]
    assert not DailyMetric.objects.exists()


# ---------------------------------------------------------------------------
# The reference date's bounds


@pytest.mark.parametrize(
    "as_of", [date(1, 1, 1), date(1999, 12, 31), date(9999, 12, 31), "tomorrow"]
)
def test_it_refuses_a_reference_date_outside_its_range_and_writes_nothing(acme, official, as_of):
    today = timezone.localdate()
    if as_of == "tomorrow":
        as_of = today + timedelta(days=1)
    data = b'"Date","Followers","Difference in followers from previous day"\n"January 1","5","0"\n'

    result = import_files(
        team=acme, user=None, files=[("FollowerHistory.csv", data)], account=official, as_of=as_of
    )

    assert result.errors == [
        f"the reference date {as_of.isoformat()} is not between 2000-01-01 and {today} (today)"
    ]
    assert not DailyMetric.objects.exists()
    assert not ImportRun.objects.exists()


def test_it_accepts_the_first_and_the_last_day_of_the_range(acme, official):
    data = b'"Date","Followers","Difference in followers from previous day"\n"January 1","5","0"\n'

    for as_of in (date(2000, 1, 1), timezone.localdate()):
        result = import_files(
            team=acme,
            user=None,
            files=[("FollowerHistory.csv", data)],
            account=official,
            as_of=as_of,
            recompute=False,
        )
        assert result.ok, result.errors

    assert sorted(DailyMetric.objects.values_list("date", flat=True))[0] == date(2000, 1, 1)


@override_settings(TIME_ZONE="Pacific/Auckland")
def test_it_takes_today_in_the_configured_time_zone():
    # 11:30 UTC on 31 December is already 1 January in Auckland.
    with time_machine.travel(datetime(2024, 12, 31, 11, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        assert as_of_problem(date(2025, 1, 1)) is None
        assert as_of_problem(date(2025, 1, 2)) == (
            "2025-01-02 is not between 2000-01-01 and 2025-01-01 (today)"
        )


def import_metrics(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_metrics", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return int(exit.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_the_command_refuses_an_as_of_outside_its_range(acme, official, tmp_path, value):
    export = tmp_path / "FollowerHistory.csv"
    export.write_text(
        '"Date","Followers","Difference in followers from previous day"\n"May 1","5","0"\n'
    )

    with pytest.raises(CommandError) as refused:
        import_metrics(str(export), "--account", "acmeofficial", "--as-of", value)

    assert str(refused.value) == (
        f"--as-of {value} is not between 2000-01-01 and {timezone.localdate()} (today)."
    )
    assert "\n" not in str(refused.value)
    assert not DailyMetric.objects.exists()


def test_the_command_reports_a_day_to_come_in_a_file(acme, official, tmp_path):
    export = tmp_path / "canonical.csv"
    export.write_text("date,handle,likes\n2024-12-31,acmeofficial,1\n2025-01-06,acmeofficial,1\n")

    status, out, err = import_metrics(str(export), "--as-of", "2025-01-05")

    assert (status, out) == (1, "")
    assert err.splitlines() == [
        f"{export}: line 3, column date: 2025-01-06 has not happened yet "
        "(the reference date is 2025-01-05)"
    ]
    assert not DailyMetric.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_with_status_1_and_one_line_for_a_bad_as_of(acme, official, tmp_path):
    export = tmp_path / "FollowerHistory.csv"
    export.write_text(
        '"Date","Followers","Difference in followers from previous day"\n"May 1","5","0"\n'
    )
    environment = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": subprocess_database_url(),
        "PATH": "/usr/bin:/bin",
    }

    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "import_metrics",
            str(export),
            "--account",
            "acmeofficial",
            "--as-of",
            "9999-12-31",
        ],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert "--as-of 9999-12-31 is not between 2000-01-01 and " in lines[0]
    assert not DailyMetric.objects.exists()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1999-12-31", "tomorrow"])
def test_the_upload_form_refuses_a_download_day_outside_its_range(login, alice, official, value):
    today = timezone.localdate()
    if value == "tomorrow":
        value = (today + timedelta(days=1)).isoformat()
    data = b'"Date","Followers","Difference in followers from previous day"\n"May 1","5","0"\n'

    response = login(alice).post(
        reverse("imports:import-upload", args=["acme"]),
        {"format": "auto", "as_of": value, "files": [upload("FollowerHistory.csv", data)]},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert f"The download day {value} is not between 2000-01-01 and {today} (today)." in page
    assert not ImportRun.objects.exists()
    assert not DailyMetric.objects.exists()


def test_the_upload_form_offers_only_the_days_it_accepts(login, alice, official):
    page = login(alice).get(reverse("imports:import-upload", args=["acme"])).content.decode()

    assert 'min="2000-01-01"' in page
    assert f'max="{timezone.localdate().isoformat()}"' in page

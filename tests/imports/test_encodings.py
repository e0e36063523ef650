"""Text files in the encodings TikTok, Excel and Windows write, read or named."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from analytics.models import DailyMetric
from imports.models import ImportRun
from imports.parsers import open_upload, parse, parse_many
from imports.services.imports import import_preview

FILES = Path(__file__).parent / "files"
AS_OF = date(2025, 1, 3)
OVERVIEW = (FILES / "studio/Overview.csv").read_text(encoding="utf-8-sig")
CANONICAL = "date,handle,likes\n2024-10-01,café_paris,3\n2024-10-02,café_paris,4\n"


def read(name: str, data: bytes) -> tuple[list, list[str], list[str]]:
    parsed = parse(name, io.BytesIO(data), as_of=AS_OF)
    rows = list(parsed.rows)
    return rows, [str(error) for error in parsed.errors], parsed.notes


def figures(rows: list) -> list[tuple]:
    return [(row.date, row.handle, row.values.get("likes")) for row in rows]


def excel_unicode_text(csv_text: str) -> str:
    """What Excel's "Unicode text" export makes of a CSV: tabs, no quotes."""
    return csv_text.replace('","', "\t").replace('"', "")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("tabs", [False, True], ids=["commas", "tabs"])
def test_it_reads_utf16_studio_files_with_or_without_a_bom(codec, tabs):
    expected, errors, _notes = read("Overview.csv", OVERVIEW.encode())
    assert errors == []
    text = excel_unicode_text(OVERVIEW) if tabs else OVERVIEW

    rows, errors, notes = read("Overview.txt", text.encode(codec))

    assert errors == []
    assert notes == []
    assert figures(rows) == figures(expected)
    assert len(rows) == 5


def test_it_reads_an_excel_unicode_text_export_uploaded_in_an_archive():
    data = excel_unicode_text(OVERVIEW).encode("utf-16")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Overview.txt", data)

    rows, errors, summary = parse_many(open_upload("Overview.zip", buffer.getvalue()), as_of=AS_OF)

    assert errors == []
    assert summary["formats"] == {"Overview.zip/Overview.txt": "tiktok-studio"}
    assert sum(row.values["likes"] for row in rows) == 143 + 120 + 301 + 1412 + 233


def test_it_reads_windows_1252_text_and_says_so():
    data = CANONICAL.replace("3\n", "3\n").encode("cp1252")
    assert b"caf\xe9" in data

    rows, errors, notes = read("windows.csv", data)

    assert errors == []
    assert figures(rows) == [
        (date(2024, 10, 1), "café_paris", 3),
        (date(2024, 10, 2), "café_paris", 4),
    ]
    assert notes == ["read as Windows-1252 text, not UTF-8: save it as CSV UTF-8 to be sure"]


def test_it_reads_windows_1252_characters_latin1_lacks():
    data = "date,handle,likes\n2024-10-01,€uro’s,3\n".encode("cp1252")

    rows, errors, _notes = read("windows.csv", data)

    assert errors == []
    assert [row.handle for row in rows] == ["€uro’s"]


def test_it_reads_latin1_when_a_byte_is_undefined_in_windows_1252():
    data = b"date,handle,likes\n2024-10-01,caf\xe9\x81,3\n"

    rows, errors, notes = read("latin.csv", data)

    assert errors == []
    assert [row.handle for row in rows] == ["café\x81"]
    assert notes == ["read as Latin-1 text, not UTF-8: save it as CSV UTF-8 to be sure"]


def test_it_names_the_file_in_the_encoding_note_of_an_upload():
    files = open_upload("windows.csv", CANONICAL.encode("cp1252"))

    _rows, errors, summary = parse_many(files, as_of=AS_OF)

    assert errors == []
    assert summary["notes"] == [
        "windows.csv: read as Windows-1252 text, not UTF-8: save it as CSV UTF-8 to be sure"
    ]


def test_it_reports_other_bytes_in_a_utf8_file_where_they_are():
    data = CANONICAL.encode() + "2024-10-03,café_paris,5\n".encode("cp1252")

    rows, errors, notes = read("mixed.csv", data)

    assert [row.line for row in rows] == [2, 3]
    assert errors == [
        "mixed.csv: line 4, column handle: bytes that are not UTF-8, in a file read as "
        "UTF-8: save it as CSV UTF-8"
    ]
    assert notes == []


def test_it_reports_a_damaged_utf16_file_naming_utf16():
    header = "date,handle,likes\n".encode("utf-16-le")
    # A lone low surrogate: no UTF-16 writer makes one.
    row = "2024-10-01,".encode("utf-16-le") + b"\x00\xdc" + ",3\n".encode("utf-16-le")

    good = "2024-10-02,acme,4\n".encode("utf-16-le")

    rows, errors, _notes = read("wide.csv", b"\xff\xfe" + header + row + good)

    assert figures(rows) == [(date(2024, 10, 2), "acme", 4)]
    assert errors == [
        "wide.csv: line 2, column handle: bytes that are not UTF-16, in a file read as "
        "UTF-16: save it as CSV UTF-8"
    ]

    _rows, errors, _notes = read("wide.csv", b"\xff\xfe" + b"\x00\xdc" + header)
    assert errors == ["wide.csv: line 1: not UTF-16 text: save it as CSV UTF-8"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("date,likes\n".encode("utf-32"), "UTF-32 text: save it as CSV UTF-8"),
        (b"date\x00\x01\x02\x03\xff" * 50, "not a CSV or XLSX file (binary data, not text)"),
        (b"\x00\x00\x00\x18ftypmp42" * 10, "not a CSV or XLSX file"),
    ],
)
def test_it_names_what_it_cannot_read(data, message):
    rows, errors, _notes = read("odd.csv", data)

    assert rows == []
    assert errors == [f"odd.csv: {message}"]


def test_it_reads_plain_tab_separated_text():
    rows, errors, _notes = read("Overview.tsv", excel_unicode_text(OVERVIEW).encode())

    assert errors == []
    assert len(rows) == 5


def test_it_never_echoes_a_nul_byte_in_an_error():
    # PostgreSQL cannot store a NUL, and errors are stored with the import: the fuzz harness
    # found a preview that failed with a server error on this file.
    bom_then_nul = b'\xef\xbb\xbf\x00date";"likes"\r\n"2024-11-04";"190"\r\n'
    rows, errors, _notes = read("nul.csv", bom_then_nul)
    assert rows == []
    assert errors == ["nul.csv: not a CSV or XLSX file (binary data, not text)"]

    # Further into a file than its encoding is judged by, a NUL is reported where it is.
    far = b"date,handle,likes\n" + b"2024-10-01,acme,3\n" * 5000 + b"2024-10-09,ac\x00me,3\n"
    rows, errors, _notes = read("far.csv", far)
    assert errors == [
        "far.csv: line 5002, column handle: bytes that are not UTF-8, in a file read as "
        "UTF-8: save it as CSV UTF-8"
    ]
    assert all("\x00" not in error for error in errors)


@pytest.mark.django_db
def test_it_stores_the_refusal_of_a_file_holding_nul_bytes(acme, alice, acmecoffee):
    data = b"date,likes\n" + b"2024-10-01,1\n" * 7000 + b"\x00\x00,\x00\n"

    run = import_preview(
        membership=alice.memberships.get(team=acme),
        user=alice,
        files=[("nul.csv", data)],
        account=acmecoffee,
        as_of=AS_OF,
    )

    assert run.status == ImportRun.Status.FAILED
    message = "bytes that are not UTF-8, in a file read as UTF-8: save it as CSV UTF-8"
    assert run.errors == [
        f"nul.csv: line 7002, column date: {message}",
        f"nul.csv: line 7002, column likes: {message}",
    ]
    assert not DailyMetric.objects.exists()

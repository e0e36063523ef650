"""The parsers: files they cannot read, and errors for people."""

from __future__ import annotations

import io
import os

import pytest

from imports import parsers
from imports.parsers import RowError, UploadError, open_upload, parse_many
from tests.imports.parser_files import NEW_YEAR, archive, parse_bytes, read, where, workbook

# --- bad files -------------------------------------------------------------------------


def test_it_rejects_a_file_that_is_not_csv_or_xlsx():
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(64)

    with pytest.raises(UploadError) as raised:
        open_upload("photo.png", png)
    assert where(raised.value.errors) == [(0, "")]
    assert str(raised.value.errors[0]) == "photo.png: not a CSV or XLSX file"

    with pytest.raises(UploadError):
        open_upload("notes.json", b'{"date": "2024-10-01"}')

    parsed, rows = parse_bytes(png, "photo.csv")
    assert rows == []
    assert str(parsed.errors[0]) == "photo.csv: not a CSV or XLSX file"


def test_it_rejects_an_archive_member_that_is_not_csv_or_xlsx():
    data = archive({"Overview.csv": read("studio/Overview.csv"), "photo.png": b"\x89PNG\r\n"})

    with pytest.raises(UploadError) as raised:
        open_upload("export.zip", data)

    assert [str(error) for error in raised.value.errors] == [
        "export.zip/photo.png: not a CSV or XLSX file"
    ]


class Unseekable(io.RawIOBase):
    """An upload stream that cannot seek, like a request body."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        return self._data.readinto(buffer)


def test_it_rejects_a_file_over_the_size_limit(monkeypatch):
    big = b"date,likes\n" + b"2024-10-01,1\n" * 200_000

    with pytest.raises(UploadError) as raised:
        open_upload("big.csv", big, max_bytes=1024 * 1024)
    assert [str(error) for error in raised.value.errors] == [
        "big.csv: 2.5 MB, over the 1 MB size limit"
    ]

    monkeypatch.setattr(parsers, "MAX_BYTES", 1024 * 1024)
    with pytest.raises(UploadError) as raised:
        open_upload("big.csv", io.BufferedReader(Unseekable(big)))
    assert raised.value.errors[0].message == "over the 1 MB size limit"
    assert open_upload("small.csv", Unseekable(b"date,likes\n"))[0][1].read() == b"date,likes\n"

    members = archive({"a.csv": b"date,likes\n" + b"2024-10-01,1\n" * 100_000})
    with pytest.raises(UploadError) as raised:
        open_upload("export.zip", members)
    assert raised.value.errors[0].message.startswith("unpacks to 1.2 MB, over the 1 MB")


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n"])
def test_it_reports_an_empty_file(data):
    parsed, rows = parse_bytes(data, "empty.csv")

    assert rows == []
    assert parsed.format == "unknown"
    assert [str(error) for error in parsed.errors] == ["empty.csv: the file is empty"]


def test_it_reports_a_file_with_only_a_header():
    parsed, rows = parse_bytes(b"date,handle,likes\r\n", "header.csv")

    assert rows == []
    assert [str(error) for error in parsed.errors] == [
        "header.csv: the file has a header but no rows"
    ]


def test_it_reports_a_header_matching_no_known_format():
    parsed, rows = parse_bytes(b"name,colour\nalice,blue\n", "people.csv")

    assert rows == []
    assert where(parsed.errors) == [(0, "")]
    assert parsed.errors[0].message == "the header matches no known format (found: name, colour)"


def test_it_reports_an_ads_report_without_a_day_column():
    parsed, _rows = parse_bytes(b"Campaign name,Cost,Impressions\nWinter,1,2\n")

    assert parsed.errors[0].message.startswith("an Ads Manager report without a day column")


def test_it_reports_a_header_that_does_not_match_a_forced_format():
    parsed, _rows = parse_bytes(read("studio/Overview.csv"), "Overview.csv", format="ads-manager")

    assert parsed.errors[0].message.startswith("the header does not match the ads-manager format")


def test_it_reports_ragged_rows_without_crashing():
    data = b"date,likes,comments\n2024-10-01,1\n2024-10-02,1,2,3\n2024-10-03,1,2,\n2024-10-04,1,2\n"

    parsed, rows = parse_bytes(data)

    assert [row.line for row in rows] == [4, 5]
    assert where(parsed.errors) == [(2, ""), (3, "")]


def test_it_reads_text_that_is_not_utf8():
    # Encodings have a file of their own (test_encodings.py); these two were refused once.
    parsed, _rows = parse_bytes("Fecha;Año\n1;2\n".encode("latin-1"), "latin.csv")
    assert [str(error) for error in parsed.errors] == [
        "latin.csv: the header matches no known format (found: Fecha, Año)"
    ]

    parsed, _rows = parse_bytes("date,likes\n".encode("utf-16"), "wide.csv")
    assert parsed.errors[0].message == "the file has a header but no rows"


def test_it_survives_garbage():
    samples = [
        os.urandom(4096),
        b"\x00" * 100,
        b'"' + b"x" * 300_000,
        b"date,likes\n" + b'"' * 1000,
        b"PK\x03\x04" + os.urandom(500),
        b"date,likes\n2024-10-01," + b"9" * 400 + b"\n",
    ]
    for index, data in enumerate(samples):
        for name in (f"garbage{index}.csv", f"garbage{index}.xlsx", f"garbage{index}.zip"):
            try:
                files = open_upload(name, data)
            except UploadError as error:
                assert error.errors
                continue
            _rows, errors, _summary = parse_many(files, as_of=NEW_YEAR)
            assert errors, name


def test_it_reports_a_damaged_workbook():
    data = workbook([["date", "likes"], ["2024-10-01", 1]])
    damaged = data[:200] + b"\x00" * 50 + data[250:]

    parsed, rows = parse_bytes(damaged, "damaged.xlsx")

    assert rows == []
    assert str(parsed.errors[0]) == "damaged.xlsx: not a readable XLSX workbook"


def test_it_formats_row_errors_for_people():
    assert str(RowError("a.csv", 7, "Likes", "'-3' is negative")) == (
        "a.csv: line 7, column Likes: '-3' is negative"
    )
    assert str(RowError("a.csv", 7, "", "the row has 2 cells, the header 3")) == (
        "a.csv: line 7: the row has 2 cells, the header 3"
    )
    assert str(RowError("a.csv", 0, "", "the file is empty")) == "a.csv: the file is empty"

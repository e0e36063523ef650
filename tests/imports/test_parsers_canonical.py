"""The parsers: canonical CSV and XLSX files."""

from __future__ import annotations

import io
import random
import types
from datetime import date, timedelta
from decimal import Decimal

from imports.parsers import parse
from tests.imports.parser_files import (
    NEW_YEAR,
    excel_datetime,
    parse_bytes,
    read,
    where,
    workbook,
)

# --- canonical -------------------------------------------------------------------------


def test_it_reads_a_canonical_file_with_handles_and_unknown_cells():
    parsed, rows = parse_bytes(read("canonical.csv"), "canonical.csv")

    assert parsed.format == "canonical"
    assert parsed.errors == []
    assert parsed.ignored_columns == []
    assert len(rows) == 6
    first = rows[0]
    assert (first.file, first.line, first.handle, first.date) == (
        "canonical.csv",
        2,
        "acmeofficial",
        date(2024, 10, 1),
    )
    assert first.values["video_views"] == 12040
    assert first.values["spend"] == Decimal("0.00")
    assert rows[1].handle == "acme.deals"
    assert rows[1].values["spend"] == Decimal("120.50")
    assert rows[1].values["revenue"] == Decimal("630.00")
    # A present but empty cell means "unknown", never 0.
    assert rows[4].values["followers"] is None
    assert rows[5].values["likes"] is None


def test_it_reads_semicolons_a_bom_quotes_and_decimal_commas():
    parsed, rows = parse_bytes(read("canonical_semicolon_bom.csv"))

    assert parsed.format == "canonical"
    assert parsed.errors == []
    assert parsed.ignored_columns == ["notes"]
    assert [row.date for row in rows] == [date(2024, 11, 4), date(2024, 11, 5)]
    assert rows[0].handle is None
    assert rows[0].values == {
        "video_views": 2304,
        "likes": 190,
        "comments": 12,
        "shares": 9,
        "spend": Decimal("45.50"),
    }


def test_it_matches_headers_ignoring_case_and_surrounding_spaces():
    data = b" Date , HANDLE ,Likes \n2024-10-01, @Acme ,5\n"

    parsed, rows = parse_bytes(data)

    assert parsed.format == "canonical"
    assert rows[0].handle == "acme"
    assert rows[0].values == {"likes": 5}


def test_it_reports_every_bad_canonical_row_with_line_and_column():
    parsed, rows = parse_bytes(read("canonical_bad.csv"), "canonical_bad.csv")

    assert [row.line for row in rows] == [2]
    assert where(parsed.errors) == [
        (3, "video_views"),
        (4, "date"),
        (5, "video_views"),
        (6, "spend"),
        (7, ""),
        (9, "spend"),
        (10, ""),
        (11, "date"),
        (12, "likes"),
    ]
    messages = [error.message for error in parsed.errors]
    assert messages[0] == "'-3' is negative"
    assert "is not a date" in messages[1]
    assert messages[2] == "'12k' is not a number"
    assert messages[3] == "'12.345' has more than 2 decimal places"
    assert messages[4] == "2024-10-01 for @acme is already on line 2 with different figures"
    assert messages[5] == "'-1.00' is negative"
    assert messages[6] == "the row has 4 cells, the header 6"
    assert messages[8] == "'8.5' is not a whole number"
    assert (
        str(parsed.errors[0]) == "canonical_bad.csv: line 3, column video_views: '-3' is negative"
    )


def test_it_keeps_one_row_for_identical_duplicates():
    data = b"date,handle,likes\n2024-10-01,@acme,5\n2024-10-01,ACME,5\n"

    parsed, rows = parse_bytes(data)

    assert parsed.errors == []
    assert [(row.line, row.handle) for row in rows] == [(2, "acme")]


def test_it_reports_all_bad_cells_of_a_row_with_a_bad_date():
    data = b"date,video_views,spend\nyesterday,-1,abc\n"

    parsed, _rows = parse_bytes(data)

    assert where(parsed.errors) == [(2, "date"), (2, "video_views"), (2, "spend")]


def test_it_streams_canonical_rows_and_fills_errors_as_it_goes():
    lines = [b"date,handle,video_views"]
    lines += [f"2024-01-01,@acct{n},{n}".encode() for n in range(50_000)]
    lines.append(b"2024-01-02,@late,-1")
    data = b"\n".join(lines) + b"\n"

    class CountingStream(io.BytesIO):
        consumed = 0

        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            self.consumed += len(chunk)
            return chunk

        def read1(self, size: int = -1) -> bytes:
            chunk = super().read1(size)
            self.consumed += len(chunk)
            return chunk

    stream = CountingStream(data)
    parsed = parse("big.csv", stream, as_of=NEW_YEAR)

    assert isinstance(parsed.rows, types.GeneratorType)
    first = next(parsed.rows)
    assert first.handle == "acct0"
    assert stream.consumed < len(data) / 10
    assert parsed.errors == []
    assert sum(1 for _row in parsed.rows) == 49_999
    assert where(parsed.errors) == [(50_002, "video_views")]


def test_it_finds_repeated_days_among_scattered_dates():
    randomly = random.Random(7)
    lines = ["date,handle,likes"]
    first_seen: dict[tuple[str, date], tuple[int, int]] = {}
    expected: list[tuple[int, str]] = []
    for line in range(2, 3002):
        handle = randomly.choice(["acme", "deals"])
        day = date(2000, 1, 1) + timedelta(
            days=randomly.choice([0, 400, 9000]) + randomly.randint(0, 600)
        )
        likes = randomly.choice([1, 2])
        lines.append(f"{day.isoformat()},{handle},{likes}")
        known = first_seen.setdefault((handle, day), (line, likes))
        if known[1] != likes:
            expected.append((line, ""))

    # The latest days fall in 2026: the reference date stands after them.
    parsed, rows = parse_bytes("\n".join(lines).encode(), as_of=date(2026, 12, 31))

    assert where(parsed.errors) == expected
    assert len(rows) == len(first_seen)


def test_it_reports_undecodable_bytes_at_their_line_and_column():
    # UTF-8 (line 4) beside a byte that is not (line 3): read as UTF-8, the byte reported.
    data = (
        b"date,handle,likes\n2024-01-01,acme,5\n2024-01-02,\xe9acme,6\n2024-01-03,acm\xc3\xa9,7\n"
    )

    parsed, rows = parse_bytes(data)

    assert [row.line for row in rows] == [2, 4]
    assert where(parsed.errors) == [(3, "handle")]
    assert "not UTF-8" in parsed.errors[0].message


def test_it_counts_physical_lines_across_quoted_line_breaks():
    data = b'date,video_views,notes\n2024-01-01,5,"two\nlines"\n2024-01-02,-1,x\n'

    parsed, rows = parse_bytes(data)

    assert [row.line for row in rows] == [2]
    assert where(parsed.errors) == [(4, "video_views")]


def test_it_reads_a_canonical_xlsx_with_real_dates_and_numbers(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(
        workbook(
            [
                ["date", "handle", "video_views", "spend", "followers"],
                [excel_datetime(2024, 10, 1), "@Acme", 1200, 12.5, None],
                [date(2024, 10, 2), "@Acme", 1300.0, 0.1 + 0.2, 5001],
                ["2024-10-03", "@Acme", -4, 1.234, 5002],
            ]
        )
    )

    with path.open("rb") as stream:
        parsed = parse("export.xlsx", stream, as_of=NEW_YEAR)
        rows = list(parsed.rows)

    assert parsed.format == "canonical"
    assert [(row.line, row.date) for row in rows] == [
        (2, date(2024, 10, 1)),
        (3, date(2024, 10, 2)),
    ]
    assert rows[0].values == {"video_views": 1200, "followers": None, "spend": Decimal("12.50")}
    assert rows[1].values["spend"] == Decimal("0.30")
    assert where(parsed.errors) == [(4, "video_views"), (4, "spend")]

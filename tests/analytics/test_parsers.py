from __future__ import annotations

import io
import os
import random
import types
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from analytics import parsers
from analytics.parsers import MetricRow, RowError, UploadError, open_upload, parse, parse_many

FILES = Path(__file__).parent / "files"
NEW_YEAR = date(2025, 1, 3)


def read(relative: str) -> bytes:
    return (FILES / relative).read_bytes()


def parse_bytes(
    data: bytes, name: str = "upload.csv", *, as_of: date = NEW_YEAR, format: str = "auto"
) -> tuple[parsers.ParsedFile, list[MetricRow]]:
    parsed = parse(name, io.BytesIO(data), format=format, as_of=as_of)
    # Rows are consumed before errors are read: canonical files report while streaming.
    rows = list(parsed.rows)
    return parsed, rows


def where(errors: list[RowError]) -> list[tuple[int, str]]:
    return [(error.line, error.column) for error in errors]


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def excel_datetime(year: int, month: int, day: int) -> datetime:
    # Excel cells hold date-times without a time zone, and openpyxl refuses aware ones.
    return datetime(year, month, day)  # noqa: DTZ001


def archive(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return buffer.getvalue()


def studio_zip() -> bytes:
    return archive(
        {
            "Overview.csv": read("studio/Overview.csv"),
            "FollowerHistory.csv": read("studio/FollowerHistory.csv"),
            "Content.csv": read("studio/Content.csv"),
            "__MACOSX/._Overview.csv": b"\x00\x05\x16\x07",
        }
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


# --- TikTok Studio ---------------------------------------------------------------------


def test_it_places_yearless_studio_dates_across_a_new_year():
    parsed, rows = parse_bytes(read("studio/Overview.csv"), "Overview.csv")

    assert (parsed.format, parsed.tab) == ("tiktok-studio", "overview")
    assert parsed.errors == []
    # December 31 and January 3 are all "undefined": no row at all.
    assert [(row.line, row.date) for row in rows] == [
        (2, date(2024, 12, 28)),
        (3, date(2024, 12, 29)),
        (4, date(2024, 12, 30)),
        (6, date(2025, 1, 1)),
        (7, date(2025, 1, 2)),
    ]
    # Quoted numbers with thousands separators.
    assert rows[0].values["video_views"] == 1204
    assert rows[3].values == {
        "video_views": 13042,
        "profile_views": 201,
        "likes": 1412,
        "comments": 30,
        "shares": 22,
    }
    # "undefined" leaves that one field unknown.
    assert rows[4].values["profile_views"] is None
    assert all(row.handle is None for row in rows)


def test_it_gives_the_last_row_the_latest_year_on_or_before_the_reference_date():
    data = b'"Date","Video Views"\n"December 30","5"\n"December 31","6"\n'

    _parsed, rows = parse_bytes(data, as_of=date(2025, 1, 3))
    assert [row.date for row in rows] == [date(2024, 12, 30), date(2024, 12, 31)]

    _parsed, rows = parse_bytes(data, as_of=date(2025, 12, 31))
    assert [row.date for row in rows] == [date(2025, 12, 30), date(2025, 12, 31)]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2024, 3, 5), [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]),
        (date(2025, 2, 10), [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]),
    ],
)
def test_it_handles_february_29(as_of, expected):
    data = b'"Date","Video Views"\n"February 28","1"\n"February 29","2"\n"March 1","3"\n'
    if as_of == date(2025, 2, 10):
        # Downloaded in 2025 the file ends later; March 1 then belongs to 2024.
        data += b'"January 1","4"\n'
        expected = [*expected, date(2025, 1, 1)]

    parsed, rows = parse_bytes(data, as_of=as_of)

    assert parsed.errors == []
    assert [row.date for row in rows] == expected


def test_it_puts_a_lone_february_29_in_the_latest_leap_year_that_fits():
    data = b'"Date","Followers","Difference in followers from previous day"\n"Feb 29","7","1"\n'

    _parsed, rows = parse_bytes(data, as_of=date(2025, 3, 10))
    assert [row.date for row in rows] == [date(2024, 2, 29)]

    _parsed, rows = parse_bytes(data, as_of=date(2024, 2, 28))
    assert [row.date for row in rows] == [date(2020, 2, 29)]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("October 1", date(2024, 10, 1)),
        ("Oct 1", date(2024, 10, 1)),
        ("1 October", date(2024, 10, 1)),
        ("Oct. 1st", date(2024, 10, 1)),
        ("8 de marzo", date(2024, 3, 8)),
        ("8 de março", date(2024, 3, 8)),
        ("1er octobre", date(2024, 10, 1)),
        ("3 févr.", date(2024, 2, 3)),
        ("1. Oktober", date(2024, 10, 1)),
        ("5. März", date(2024, 3, 5)),
        ("8 marzo", date(2024, 3, 8)),
        ("12 dicembre", date(2024, 12, 12)),
        ("2023-06-30", date(2023, 6, 30)),
    ],
)
def test_it_reads_localised_studio_dates(written, expected):
    data = f'"Date","Video Views"\n"{written}","10"\n'.encode()

    parsed, rows = parse_bytes(data, as_of=date(2024, 12, 31))

    assert parsed.errors == []
    assert [row.date for row in rows] == [expected]


def test_it_reads_a_spanish_studio_file_with_dot_thousands():
    parsed, rows = parse_bytes(read("studio_es/Overview.csv"), as_of=date(2024, 3, 5))

    assert parsed.errors == []
    assert [row.date for row in rows] == [date(2024, 2, 27), date(2024, 2, 28), date(2024, 3, 1)]
    assert rows[0].values["video_views"] == 1204
    assert rows[2].values["video_views"] == 2315


def test_it_reads_follower_history_without_listing_the_difference_column():
    parsed, rows = parse_bytes(read("studio/FollowerHistory.csv"), "FollowerHistory.csv")

    assert (parsed.format, parsed.tab) == ("tiktok-studio", "followers")
    assert parsed.errors == []
    assert parsed.ignored_columns == []
    assert [row.values for row in rows][:2] == [{"followers": 10512}, {"followers": 10505}]
    assert rows[-1].date == date(2025, 1, 2)


def test_it_reads_the_content_tab_as_video_snapshots():
    parsed, rows = parse_bytes(read("studio/Content.csv"), "Content.csv")

    assert (parsed.format, parsed.tab) == ("tiktok-studio", "content")
    assert [(row.video_id, row.date, row.values["views"]) for row in rows] == [
        ("7453920011122334455", date(2024, 12, 30), 15230),
        ("7454500011122334455", date(2025, 1, 1), 31004),
    ]
    assert parsed.errors == []
    assert parsed.notes == []

    bad = read("studio/Content.csv").replace(b'"1,203"', b'"-12"')
    parsed, rows = parse_bytes(bad, "Content.csv")
    assert where(parsed.errors) == [(2, "Total likes")]


def test_it_reports_the_same_studio_day_twice_with_different_figures():
    data = (
        b'"Date","Video Views","Likes"\n'
        b'"October 1","10","1"\n'
        b'"October 1","10","1"\n'
        b'"October 2","20","2"\n'
        b'"October 2","21","2"\n'
    )

    parsed, rows = parse_bytes(data, as_of=date(2024, 10, 3))

    assert [row.line for row in rows] == [2, 4]
    assert where(parsed.errors) == [(5, "")]
    assert parsed.errors[0].message == "2024-10-02 is already on line 4 with different figures"


def test_it_reports_bad_studio_cells_with_line_and_column():
    data = (
        b'"Date","Video Views","Profile Views","Likes","Comments","Shares"\n'
        b'"Octember 1","1","1","1","1","1"\n'
        b'"October 2","many","1","1","1","1"\n'
        b'"October 3","1","-4","1","1","1"\n'
        b'"October 4","1","1","1","1","1"\n'
    )

    parsed, rows = parse_bytes(data, "Overview.csv", as_of=date(2024, 10, 5))

    assert [row.date for row in rows] == [date(2024, 10, 4)]
    assert where(parsed.errors) == [(2, "Date"), (3, "Video Views"), (4, "Profile Views")]
    assert str(parsed.errors[2]) == "Overview.csv: line 4, column Profile Views: '-4' is negative"


def test_it_tells_a_studio_tab_without_its_signature_columns_from_canonical():
    data = b'"Date","Followers"\n"October 1","5"\n'

    parsed, rows = parse_bytes(data, as_of=date(2024, 10, 5))

    assert (parsed.format, parsed.tab) == ("tiktok-studio", "followers")
    assert rows[0].date == date(2024, 10, 1)


def test_it_merges_a_zip_of_studio_tabs_per_date():
    files = open_upload("export.zip", studio_zip())

    assert [name for name, _stream in files] == [
        "export.zip/Overview.csv",
        "export.zip/FollowerHistory.csv",
        "export.zip/Content.csv",
    ]
    rows, errors, summary = parse_many(files, as_of=NEW_YEAR)

    assert errors == []
    assert [row.date for row in rows] == [
        date(2024, 12, 28),
        date(2024, 12, 29),
        date(2024, 12, 30),
        date(2024, 12, 31),
        date(2025, 1, 1),
        date(2025, 1, 2),
    ]
    assert rows[0].values == {
        "video_views": 1204,
        "profile_views": 87,
        "likes": 143,
        "comments": 12,
        "shares": 9,
        "followers": 10512,
    }
    # Overview has nothing for December 31; followers alone make the day.
    assert rows[3].values == {"followers": 10551}
    assert summary["formats"] == {
        "export.zip/Overview.csv": "tiktok-studio",
        "export.zip/FollowerHistory.csv": "tiktok-studio",
        "export.zip/Content.csv": "tiktok-studio",
    }
    assert summary["notes"] == []
    assert len(summary["tabs"]["export.zip/Content.csv"]) == 2
    assert summary["ignored_columns"] == {}


def test_it_reads_a_workbook_inside_an_archive():
    overview = workbook(
        [["Date", "Video Views", "Likes"], ["December 31", 10, 1], ["January 1", "1,200", 2]]
    )

    files = open_upload("export.zip", archive({"tabs/Overview.xlsx": overview}))
    rows, errors, summary = parse_many(files, as_of=NEW_YEAR)

    assert errors == []
    assert summary["formats"] == {"export.zip/tabs/Overview.xlsx": "tiktok-studio"}
    assert [(row.date, row.values) for row in rows] == [
        (date(2024, 12, 31), {"video_views": 10, "likes": 1}),
        (date(2025, 1, 1), {"video_views": 1200, "likes": 2}),
    ]


def test_it_reports_conflicting_figures_for_a_day_across_files():
    first = b'"Date","Video Views"\n"October 1","10"\n'
    second = b'"Date","Video Views","Likes"\n"October 1","11","3"\n'

    rows, errors, _summary = parse_many(
        [("a.csv", io.BytesIO(first)), ("b.csv", io.BytesIO(second))], as_of=date(2024, 10, 2)
    )

    assert [(error.file, error.line, error.column) for error in errors] == [("b.csv", 2, "")]
    assert "a.csv line 2" in errors[0].message
    assert rows[0].values == {"video_views": 10}


# --- Ads Manager -----------------------------------------------------------------------


def test_it_reads_ads_manager_rows_with_symbols_percentages_and_dashes():
    parsed, rows = parse_bytes(read("ads_manager.csv"), "ads.csv")

    assert parsed.format == "ads-manager"
    assert parsed.errors == []
    assert parsed.ignored_columns == [
        "Ad group name",
        "CTR (destination)",
        "CPC (destination)",
        "CVR",
    ]
    # The "Total of 5 results" row is a summary, not a day.
    assert [row.line for row in rows] == [2, 3, 4, 5, 6]
    assert rows[0].values == {
        "spend": Decimal("1204.50"),
        "impressions": 120400,
        "clicks": 1806,
        "conversions": 54,
        "revenue": Decimal("2430.00"),
    }
    assert (rows[0].campaign, rows[0].currency) == ("Winter Sale", "USD")
    assert rows[2].values["clicks"] == 0
    assert rows[2].values["revenue"] == Decimal("0.00")


def test_it_sums_ads_manager_rows_per_day_and_keeps_them_per_campaign():
    rows, errors, summary = parse_many(
        [("ads.csv", io.BytesIO(read("ads_manager.csv")))], as_of=NEW_YEAR
    )

    assert errors == []
    days = [row for row in rows if row.campaign is None]
    assert [(row.date, row.values) for row in days] == [
        (
            date(2024, 12, 30),
            {
                "spend": Decimal("1609.75"),
                "impressions": 248500,
                "clicks": 2318,
                "conversions": 66,
                "revenue": Decimal("2970.00"),
            },
        ),
        (
            date(2024, 12, 31),
            {
                "spend": Decimal("1190.10"),
                "impressions": 190550,
                "clicks": 1650,
                "conversions": 49,
                "revenue": Decimal("2205.50"),
            },
        ),
    ]
    campaigns = {(row.date, row.campaign): row.values for row in rows if row.campaign}
    assert campaigns[date(2024, 12, 30), "Winter Sale"]["spend"] == Decimal("1514.75")
    assert campaigns[date(2024, 12, 30), "Brand Awareness"]["spend"] == Decimal("95.00")
    assert len(campaigns) == 4
    assert all(row.currency == "USD" for row in rows)
    assert summary["currencies"] == ["USD"]
    assert summary["campaigns"] == ["Brand Awareness", "Winter Sale"]


def test_it_maps_the_first_present_ads_alias_case_insensitively():
    data = (
        b"Date,Clicks (Destination),Clicks,Spend,Result,Conversions\n"
        b'2024-12-30,10,99,"\xe2\x82\xac1.234,56",5,7\n'
    )

    parsed, rows = parse_bytes(data)

    assert parsed.format == "ads-manager"
    assert parsed.ignored_columns == ["Clicks", "Result"]
    assert rows[0].values == {"spend": Decimal("1234.56"), "clicks": 10, "conversions": 7}


def test_it_reads_an_ads_manager_xlsx_with_report_rows_above_the_header(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(
        workbook(
            [
                ["Report name: Daily campaign performance"],
                ["Date range: 2024-12-30 ~ 2024-12-31", None, "Time zone: UTC"],
                [],
                ["By Day", "Campaign name", "Cost", "Impressions", "CTR", "Currency"],
                [excel_datetime(2024, 12, 30), "Winter Sale", 1204.5, 120400, 0.015, "EUR"],
                ["2024-12-31", "Winter Sale", "€12.345", 9, 0.01, "EUR"],
                ["2024-12-31", "Brand", 3, 5, 0.01, "USD"],
                ["Total", None, 1219.5, 120414, 0.015, "EUR"],
            ]
        )
    )

    with path.open("rb") as stream:
        parsed, rows = parse_bytes(stream.read(), "report.xlsx")

    assert parsed.format == "ads-manager"
    assert parsed.ignored_columns == ["CTR"]
    assert [(row.line, row.date, row.currency) for row in rows] == [(5, date(2024, 12, 30), "EUR")]
    assert rows[0].values == {"spend": Decimal("1204.50"), "impressions": 120400}
    assert where(parsed.errors) == [(6, "Cost"), (7, "Currency")]
    assert parsed.errors[1].message == "'USD' differs from EUR on line 5"


def test_it_reports_bad_ads_manager_cells_with_line_and_column():
    data = (
        b"By Day,Cost,Impressions,Clicks\n"
        b"2024-12-30,$1.00,-5,3\n"
        b"30/12/2024,$1.00,5,3\n"
        b"2024-12-31,lots,5,2.5\n"
    )

    parsed, rows = parse_bytes(data, "ads.csv")

    assert rows == []
    assert where(parsed.errors) == [
        (2, "Impressions"),
        (3, "By Day"),
        (4, "Cost"),
        (4, "Clicks"),
    ]


def test_it_tells_ads_manager_headers_from_canonical_ones():
    parsed, _rows = parse_bytes(b"Date,Cost,Impressions,Clicks\n2024-10-01,1,2,3\n")
    assert parsed.format == "ads-manager"

    parsed, _rows = parse_bytes(b"date,handle,impressions,clicks\n2024-10-01,a,2,3\n")
    assert parsed.format == "canonical"


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

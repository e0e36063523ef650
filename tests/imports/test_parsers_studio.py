"""The parsers: TikTok Studio tabs and archives of them."""

from __future__ import annotations

import io
from datetime import date

import pytest

from imports.parsers import open_upload, parse_many
from tests.imports.parser_files import (
    NEW_YEAR,
    archive,
    parse_bytes,
    read,
    studio_zip,
    where,
    workbook,
)

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


def test_it_expects_the_columns_newer_downloads_add_without_reading_them():
    overview = (
        b'"Date","Video Views","Profile Views","Likes","Comments","Shares","New followers"\n'
        b'"December 28","1,204","87","143","12","9","-3"\n'
    )
    parsed, rows = parse_bytes(overview, "Overview.csv")
    assert (parsed.tab, parsed.errors, parsed.ignored_columns) == ("overview", [], [])
    assert "followers" not in rows[0].values

    content = read("studio/Content.csv").replace(
        b'"Total views"\n', b'"Total views","Views in the last 7 days"\n', 1
    )
    header, *lines = content.splitlines()
    content = b"\n".join([header, *(line + b',"4,100"' for line in lines)]) + b"\n"
    parsed, rows = parse_bytes(content, "Content.csv")
    assert (parsed.tab, parsed.errors, parsed.ignored_columns) == ("content", [], [])
    assert len(rows) == len(lines)

"""The import service: bad input is named by line and column, nothing is written."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.models import DailyMetric
from imports.models import ImportRun
from tests.imports.import_service_files import PNG, day, read, run, snapshot, zipped

# ---------------------------------------------------------------------------
# Bad input: every error named by line and column, nothing written


@pytest.fixture
def acme_with_rows(acme, official, deals):
    run(acme, [("canonical.csv", read("canonical.csv"))])
    return acme


BAD_FILES = [
    (
        "date,handle,likes\n2024-10-07,acmeofficial,3\n2024-13-01,acmeofficial,4\n",
        "bad.csv: line 3, column date: '2024-13-01' is not a date (YYYY-MM-DD)",
    ),
    (
        "date,handle,video_views\n2024-10-07,acmeofficial,-3\n",
        "bad.csv: line 2, column video_views: '-3' is negative",
    ),
    (
        "date,handle,likes\n2024-10-07,acmeofficial,12k\n",
        "bad.csv: line 2, column likes: '12k' is not a number",
    ),
    (
        "date,handle,likes\n2024-10-07,acmeofficial,3\n2024-10-08,globex,4\n",
        "bad.csv: line 3, column handle: @globex is not one of your accounts in Acme",
    ),
    (
        "date,handle,likes\n2024-10-07,acmeofficial,3\n2024-10-07,acmeofficial,4\n",
        "bad.csv: line 3: 2024-10-07 for @acmeofficial is already on line 2 with different figures",
    ),
    (
        "date,likes\n2024-10-07,3\n",
        "bad.csv: the file names no account: import it from the "
        "account's page, or add a handle column",
    ),
    (
        "when,what\n2024-10-07,3\n",
        "bad.csv: the header matches no known format (found: when, what)",
    ),
    ("", "bad.csv: the file is empty"),
]


@pytest.mark.parametrize(("content", "error"), BAD_FILES)
def test_it_names_the_line_and_column_of_bad_input_and_writes_nothing(
    acme_with_rows, globex_main, content, error
):
    good_rows = "date,handle,likes\n2024-10-09,acme.deals,7\n"
    before = snapshot()
    runs = ImportRun.objects.count()

    result = run(
        acme_with_rows,
        [("good.csv", good_rows.encode()), ("bad.csv", content.encode())],
        as_of=date(2024, 10, 20),
    )

    assert not result.ok
    assert error in result.errors, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert snapshot() == before
    assert result.run is None
    assert ImportRun.objects.count() == runs


def test_it_rejects_a_studio_day_twice_with_different_figures(acme, official):
    overview = (
        b'"Date","Video Views","Likes"\n"December 30","10","1"\n"December 31","11","2"\n'
        b'"December 31","12","2"\n'
    )
    before = snapshot()

    result = run(acme, [("Overview.csv", overview)], account=official)

    assert result.errors == [
        "Overview.csv: line 4: 2024-12-31 is already on line 3 with different figures"
    ]
    assert snapshot() == before


def test_it_rejects_the_same_day_in_two_files_with_different_figures(acme, official):
    first = b"date,handle,likes\n2024-10-01,acmeofficial,3\n"
    second = b"date,handle,likes,shares\n2024-10-01,acmeofficial,4,1\n"

    result = run(acme, [("a.csv", first), ("b.csv", second)])

    assert result.errors == [
        "b.csv: line 2: 2024-10-01 for @acmeofficial is also in a.csv line 2: likes 4 here, 3 there"
    ]
    assert not DailyMetric.objects.exists()


def test_it_merges_the_same_day_from_two_files_when_the_figures_agree(acme, official):
    first = b"date,handle,likes\n2024-10-01,acmeofficial,3\n"
    second = b"date,handle,likes,shares\n2024-10-01,acmeofficial,3,1\n"

    result = run(acme, [("a.csv", first), ("b.csv", second)])

    assert result.ok and result.created == 1
    assert (day("acmeofficial", "2024-10-01").likes, day("acmeofficial", "2024-10-01").shares) == (
        3,
        1,
    )


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("logo.png", PNG, "logo.png: not a CSV or XLSX file"),
        ("empty.csv", b"", "empty.csv: the file is empty"),
        ("export.zip", b"PK\x03\x04" + bytes(200), "export.zip: not a readable ZIP archive"),
        (
            "export.zip",
            zipped({"junk.bin": PNG}),
            "export.zip: nothing to import: no file in the upload holds rows Playbook reads "
            "(skipped: export.zip/junk.bin)",
        ),
        ("sheet.xlsx", b"PK\x03\x04garbage", "sheet.xlsx: not a readable XLSX workbook"),
    ],
)
def test_it_rejects_files_it_cannot_read(acme_with_rows, name, content, error):
    before = snapshot()

    result = run(acme_with_rows, [(name, content)])

    assert result.errors == [error]
    assert snapshot() == before


def test_it_rejects_a_file_over_the_size_limit(acme_with_rows):
    before = snapshot()
    big = b"date,handle,likes\n" + b"2024-10-09,acmeofficial,7\n" * 50_000

    result = run(acme_with_rows, [("big.csv", big)], max_bytes=1024 * 1024)

    assert result.errors == ["big.csv: 1.2 MB, over the 1 MB size limit"]
    assert snapshot() == before


def test_it_reports_every_error_but_keeps_only_the_first_hundred(acme, official):
    lines = [
        f"2024-{month:02d}-{day:02d},acmeofficial,-1"
        for month in (1, 2, 3, 4, 5)
        for day in range(1, 29)
    ]
    file = ("date,handle,video_views\n" + "\n".join(lines) + "\n").encode()

    result = run(acme, [("bad.csv", file)])

    assert result.error_count == 140
    assert len(result.errors) == 100
    assert result.errors[0] == "bad.csv: line 2, column video_views: '-1' is negative"


def test_it_rejects_a_figure_too_large_for_its_column(acme, official):
    result = run(
        acme, [("big.csv", b"date,spend\n2024-10-01,1000000000000.00\n")], account=official
    )

    assert result.errors == ["big.csv: line 2, column spend: 1000000000000.00 is too large"]
    assert not DailyMetric.objects.exists()

"""Studio dates in every language TikTok's interface offers (docs/imports.md, "Languages").

TikTok writes a download's dates in the person's interface language and without a year;
the headers stay English. All dates of one file are in one language, and a date that
reads in none of them is bad input with its line and column.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from babel.dates import format_skeleton

from accounts.models import Kind
from analytics.models import DailyMetric
from imports.parsers import MetricRow, ParsedFile, parse
from imports.parsers.days import place_in_years, studio_day
from imports.parsers.months import TIKTOK_LANGUAGES, month_table
from imports.services.imports import import_files
from tests.factories import AccountFactory

HEADER = '"Date","Video Views","Profile Views","Likes","Comments","Shares"\n'


def overview(dates: list[str]) -> bytes:
    rows = [f'"{cell}","{10 + index}","1","2","3","4"\n' for index, cell in enumerate(dates)]
    return (HEADER + "".join(rows)).encode()


def parsed(dates: list[str], as_of: date) -> tuple[ParsedFile, list[MetricRow]]:
    result = parse("Overview.csv", io.BytesIO(overview(dates)), as_of=as_of)
    rows = list(result.rows)
    return result, rows


def days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(count)]


# Files as TikTok writes them: the forms docs/imports.md quotes from real downloads first, then
# one file in each of the languages the issue names, and a few more scripts and digits.
FILES = {
    "spec, English": (["February 27", "February 28"], date(2025, 3, 1), date(2025, 2, 27)),
    "spec, Spanish": (["7 de marzo", "8 de marzo"], date(2025, 3, 9), date(2025, 3, 7)),
    "spec, Portuguese": (["4 de setembro", "5 de setembro"], date(2024, 9, 6), date(2024, 9, 4)),
    "spec, Russian": (["10 января", "11 января"], date(2025, 1, 18), date(2025, 1, 10)),
    "spec, Russian 18": (["17 января", "18 января"], date(2025, 1, 18), date(2025, 1, 17)),
    "spec, Japanese": (["9月12日", "9月13日"], date(2024, 9, 14), date(2024, 9, 12)),
    "spec, Vietnamese": (["17 tháng Tám", "18 tháng Tám"], date(2024, 8, 19), date(2024, 8, 17)),
    "Vietnamese, CLDR": (["18 tháng 8", "19 thg 8"], date(2024, 8, 20), date(2024, 8, 18)),
    "Vietnamese, ten to twelve": (
        ["30 tháng Mười Một", "1 tháng Mười Hai"],
        date(2024, 12, 2),
        date(2024, 11, 30),
    ),
    "Chinese": (["12月31日", "1月1日"], date(2025, 1, 2), date(2024, 12, 31)),
    "Korean": (["9월 13일", "9월 14일"], date(2024, 9, 15), date(2024, 9, 13)),
    "Thai": (["12 กันยายน", "13 ก.ย."], date(2024, 9, 14), date(2024, 9, 12)),
    "Arabic, Arabic-Indic digits": (
        ["١٢ سبتمبر", "١٣ سبتمبر"],
        date(2024, 9, 14),
        date(2024, 9, 12),
    ),
    "Arabic, Levantine names": (
        ["30 أيلول", "1 تشرين الأول"],
        date(2024, 10, 2),
        date(2024, 9, 30),
    ),
    "Turkish": (["31 Ağustos", "1 Eylül"], date(2024, 9, 2), date(2024, 8, 31)),
    "Indonesian": (["31 Agustus", "1 September"], date(2024, 9, 2), date(2024, 8, 31)),
    "Polish": (["31 października", "1 listopada"], date(2024, 11, 2), date(2024, 10, 31)),
    "Hindi, Devanagari digits": (["१३ सितंबर", "१४ सितंबर"], date(2024, 9, 15), date(2024, 9, 13)),
    "Hebrew": (["13 בספטמבר", "14 בספט׳"], date(2024, 9, 15), date(2024, 9, 13)),
    "Ukrainian": (["13 вересня", "14 вер."], date(2024, 9, 15), date(2024, 9, 13)),
    "German": (["28. Februar", "1. März"], date(2025, 3, 2), date(2025, 2, 28)),
    "French": (["28 févr.", "1er mars"], date(2025, 3, 2), date(2025, 2, 28)),
    "Czech": (["13. listopadu", "14. listopadu"], date(2024, 11, 15), date(2024, 11, 13)),
    "Catalan": (["30 de setembre", "1 d’octubre"], date(2024, 10, 2), date(2024, 9, 30)),
    "Lithuanian": (["rugsėjo 13 d.", "rugsėjo 14 d."], date(2024, 9, 15), date(2024, 9, 13)),
    "Hungarian": (["szept. 13.", "szeptember 14."], date(2024, 9, 15), date(2024, 9, 13)),
    "Greek": (["13 Σεπτεμβρίου", "14 ΣΕΠ"], date(2024, 9, 15), date(2024, 9, 13)),
    "Irish": (["13 Meán Fómhair", "14 Meán Fómhair"], date(2024, 9, 15), date(2024, 9, 13)),
    "Bangla, Bengali digits": (
        ["১৩ সেপ্টেম্বর", "১৪ সেপ্টেম্বর"],
        date(2024, 9, 15),
        date(2024, 9, 13),
    ),
    "Burmese, Myanmar digits": (["၁၃ စက်တင်ဘာ", "၁၄ စက်တင်ဘာ"], date(2024, 9, 15), date(2024, 9, 13)),
    "Uzbek": (["13-sentabr", "14-sentabr"], date(2024, 9, 15), date(2024, 9, 13)),
    # Digits only, day first, each with its dot (seen in public Czech and Finnish files).
    "Czech, digits": (["13. 9.", "14. 9."], date(2024, 9, 15), date(2024, 9, 13)),
    "Finnish, digits": (["31.12.", "1.1."], date(2025, 1, 2), date(2024, 12, 31)),
    "digits with a year": (["13. 9. 2024", "14.9.2024"], date(2024, 9, 20), date(2024, 9, 13)),
    # Thai years count from the Buddhist era: 2567 is 2024.
    "Thai, Buddhist year": (
        ["13 ก.ย. 2567", "14 กันยายน 2567"],
        date(2024, 9, 20),
        date(2024, 9, 13),
    ),
}


@pytest.mark.parametrize(("cells", "as_of", "first"), FILES.values(), ids=FILES.keys())
def test_it_reads_a_file_in_each_language(cells, as_of, first):
    result, rows = parsed(cells, as_of)

    assert result.errors == []
    assert [row.date for row in rows] == days(first, len(cells))
    assert [row.values["video_views"] for row in rows] == [10 + n for n in range(len(cells))]


@pytest.mark.parametrize(
    "cell",
    ["13 СЕНТ.", "13 сент", "  13 Сентября  ", "13 SEPT.", "13 sept", "Sept 13", "13 Sep."],
)
def test_it_ignores_case_trailing_dots_and_spaces(cell):
    assert tuple(studio_day(cell)) == (9, 13)


def test_it_reads_format_and_stand_alone_forms_of_the_same_month():
    # Russian writes the month's genitive after a day ("18 января"), its nominative alone.
    genitive, nominative = studio_day("18 января"), studio_day("18 январь")

    assert tuple(genitive) == tuple(nominative) == (1, 18)
    assert "ru" in genitive.readings and "ru" in nominative.readings


def test_it_reads_every_tiktok_language_as_cldr_writes_it():
    table = month_table()
    assert set(TIKTOK_LANGUAGES) <= set(table.display)
    misread = []
    for language in TIKTOK_LANGUAGES:
        for month in range(1, 13):
            day = date(2024, month, 13 if month != 2 else 29)
            for skeleton in ("MMMMd", "MMMd"):
                cell = format_skeleton(skeleton, day, locale=language)
                reading = studio_day(cell)
                # A skeleton some languages write with a numeric month ("13. 9.") is no name.
                if not any(char.isalpha() for char in cell):
                    continue
                if reading is None or reading.readings.get(language)[:2] != (month, day.day):
                    misread.append((language, skeleton, cell))
    assert misread == []


def test_it_places_a_year_of_russian_dates_across_new_year():
    genitive = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ]
    first = date(2024, 1, 19)
    year = days(first, 366)
    cells = [f"{day.day} {genitive[day.month - 1]}" for day in year]

    result, rows = parsed(cells, date(2025, 1, 18))

    assert result.errors == []
    assert [row.date for row in rows] == year
    placed = {row.date: row.line for row in rows}
    assert placed[date(2024, 2, 29)] == 2 + cells.index("29 февраля")
    assert placed[date(2024, 12, 31)] + 1 == placed[date(2025, 1, 1)]


def test_it_places_a_year_of_korean_dates_ending_before_the_download_day():
    first = date(2023, 11, 1)
    year = days(first, 365)
    cells = [f"{day.month}월 {day.day}일" for day in year]

    result, rows = parsed(cells, date(2024, 11, 2))

    assert result.errors == []
    assert [row.date for row in rows] == year


def test_it_reports_a_date_that_reads_in_no_language_with_line_and_column():
    result, rows = parsed(["9月12日", "13月1日", "9月14日", "9月31日"], date(2024, 9, 20))

    assert [str(error) for error in result.errors] == [
        "Overview.csv: line 3, column Date: '13月1日' is not a date",
        "Overview.csv: line 5, column Date: '9月31日' is not a date",
    ]
    assert [row.date for row in rows] == [date(2024, 9, 12), date(2024, 9, 14)]


def test_it_reports_a_date_in_another_language_than_the_rest_of_the_file():
    cells = ["30 października", "31 października", "1 listopada", "2 nov"]

    result, _rows = parsed(cells, date(2024, 11, 3))

    assert [str(error) for error in result.errors] == [
        "Overview.csv: line 5, column Date: '2 nov' is not a date in Polish, "
        "the language of the file's other dates"
    ]


def test_it_tells_polish_from_croatian_by_the_other_months_of_the_file():
    polish, _ = parsed(["31 października", "1 listopada"], date(2024, 11, 2))
    croatian, _ = parsed(["31 listopada", "1 studenoga"], date(2024, 11, 2))

    assert [row.date for row in polish.rows] == [date(2024, 10, 31), date(2024, 11, 1)]
    assert [row.date for row in croatian.rows] == [date(2024, 10, 31), date(2024, 11, 1)]


def test_it_tells_polish_from_croatian_by_the_download_day_when_the_months_agree():
    # "listopada" is November in Polish and October in Croatian: a file of two days of it
    # reads as the month that ends nearest the day it was downloaded.
    cells = ["12 listopada", "13 listopada"]

    _, in_november = parsed(cells, date(2024, 11, 14))
    _, in_october = parsed(cells, date(2024, 10, 14))

    assert [row.date for row in in_november] == [date(2024, 11, 12), date(2024, 11, 13)]
    assert [row.date for row in in_october] == [date(2024, 10, 12), date(2024, 10, 13)]


def test_it_names_the_language_it_placed_the_dates_in():
    placed = place_in_years(
        [studio_day("12 listopada"), studio_day("1 studenoga")], date(2024, 11, 2)
    )

    assert placed == [date(2024, 10, 12), date(2024, 11, 1)]
    assert placed.language == "Croatian"


@pytest.mark.parametrize("cell", ["1.2", "13. 9", "31. 2.", "13.13.", "1.2.3.", "13. 9.x", "2567"])
def test_it_reads_no_date_from_numbers_in_other_shapes(cell):
    assert studio_day(cell) is None


def test_it_reads_a_year_written_in_words():
    result, rows = parsed(["13 сентября 2024 г.", "2024年9月14日"], date(2024, 9, 20))

    assert result.errors == []
    assert [row.date for row in rows] == [date(2024, 9, 13), date(2024, 9, 14)]


def test_it_builds_the_month_table_once_and_reads_a_repeated_date_once():
    assert month_table() is month_table()
    assert studio_day("18 января") is studio_day("18 января")


def test_it_gives_every_name_one_month_per_language():
    for name, readings in month_table().names.items():
        languages = [language for language, _month in readings]
        assert len(languages) == len(set(languages)), name


@pytest.fixture
def official(acme):
    return AccountFactory(team=acme, handle="acmeofficial", kind=Kind.OFFICIAL)


def test_it_imports_a_vietnamese_download(acme, official):
    data = overview(["30 tháng Mười Hai", "31 tháng Mười Hai", "1 tháng Một"])

    result = import_files(
        team=acme,
        user=None,
        files=[("Overview.csv", data)],
        account=official,
        as_of=date(2025, 1, 2),
        recompute=False,
    )

    assert result.ok, result.errors
    stored = DailyMetric.objects.filter(account=official).order_by("date")
    assert [(metric.date, metric.video_views) for metric in stored] == [
        (date(2024, 12, 30), 10),
        (date(2024, 12, 31), 11),
        (date(2025, 1, 1), 12),
    ]

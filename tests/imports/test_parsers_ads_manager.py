"""The parsers: TikTok Ads Manager reports."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from imports.parsers import parse_many
from tests.imports.parser_files import (
    NEW_YEAR,
    excel_datetime,
    parse_bytes,
    read,
    where,
    workbook,
)

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


def test_it_reads_the_currency_named_in_a_money_columns_header():
    # Ads Manager in some regions writes the account's currency into the header itself.
    data = (
        b"By Day,Cost (ZAR),Impressions,Total complete payment value (ZAR)\n"
        b"2024-12-30,1204.50,120400,2430\n"
    )

    parsed, rows = parse_bytes(data, "ads.csv")

    assert parsed.format == "ads-manager"
    assert parsed.errors == []
    assert parsed.ignored_columns == []
    assert parsed.columns["currency"] == "Cost (ZAR)"
    assert [(row.currency, row.values["spend"], row.values["revenue"]) for row in rows] == [
        ("ZAR", Decimal("1204.50"), Decimal("2430.00"))
    ]


def test_it_refuses_headers_or_rows_that_name_two_currencies():
    data = (
        b"By Day,Cost (ZAR),Purchase value (USD),Currency\n2024-12-30,1,2,ZAR\n2024-12-31,1,2,EUR\n"
    )

    parsed, _rows = parse_bytes(data, "ads.csv")

    assert where(parsed.errors) == [(1, "Purchase value (USD)"), (3, "Currency")]
    assert parsed.errors[0].message == "names USD, but Cost (ZAR) names ZAR"
    assert parsed.errors[1].message == "'EUR' differs from ZAR on line 1"


def test_a_parenthesis_that_names_no_currency_is_not_one():
    parsed, rows = parse_bytes(b"By Day,Clicks (destination),Cost\n2024-12-30,3,1\n", "ads.csv")

    assert parsed.errors == []
    assert (rows[0].currency, rows[0].values["clicks"]) == (None, 3)

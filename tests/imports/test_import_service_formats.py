"""The import service: each format end to end."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from analytics.models import Campaign, CampaignDay, DailyMetric
from imports.models import ImportRun
from tests.imports.import_service_files import (
    NEW_YEAR,
    day,
    figures,
    read,
    run,
    snapshot,
    workbook,
    zipped,
)

# ---------------------------------------------------------------------------
# Each format end to end


def test_it_imports_a_canonical_file_with_handles(acme, alice, official, deals):
    result = run(acme, [("canonical.csv", read("canonical.csv"))], user=alice)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (6, 0, 0)
    assert result.summary_line() == (
        "imported 6 rows: 6 created, 0 updated, 0 unchanged for 2 accounts; canonical.csv: 6 rows"
    )
    assert result.handles == ["acme.deals", "acmeofficial"]
    assert (result.date_from, result.date_to) == (date(2024, 10, 1), date(2024, 10, 3))
    assert figures(deals, date(2024, 10, 2)) == {
        "video_views": 7900,
        "profile_views": 140,
        "likes": 388,
        "comments": 20,
        "shares": 21,
        "followers": 4228,
        "spend": Decimal("98.25"),
        "impressions": 35500,
        "clicks": 470,
        "conversions": 11,
        "revenue": Decimal("495.75"),
    }
    # Empty cells on new days: 0, and no follower figure.
    assert day("acme.deals", "2024-10-03").likes == 0
    assert day("acmeofficial", "2024-10-03").followers is None
    assert result.run.status == ImportRun.Status.APPLIED
    assert result.run.source == "command"


def test_it_reads_semicolons_a_bom_and_decimal_commas_for_one_account(acme, official):
    result = run(acme, [("week.csv", read("canonical_semicolon_bom.csv"))], account=official)

    assert result.ok, result.errors
    assert result.created == 2
    assert result.ignored_columns == ["week.csv: notes"]
    metric = day("acmeofficial", "2024-11-04")
    assert (metric.video_views, metric.likes, metric.spend) == (2304, 190, Decimal("45.50"))
    # A column the file lacks is unknown: 0 on a new day, and followers stay empty.
    assert (metric.profile_views, metric.followers, metric.revenue) == (0, None, Decimal("0"))


BOTH_PATHS = pytest.mark.parametrize("fast", [True, False], ids=["copy", "orm"])


@BOTH_PATHS
def test_it_imports_studio_tabs_from_a_zip_across_the_new_year(acme, official, fast):
    export = zipped(
        {
            "Overview.csv": read("studio/Overview.csv"),
            "FollowerHistory.csv": read("studio/FollowerHistory.csv"),
            "Content.csv": read("studio/Content.csv"),
        }
    )

    result = run(acme, [("tiktok.zip", export)], account=official, as_of=NEW_YEAR, fast=fast)

    assert result.ok, result.errors
    assert (result.date_from, result.date_to) == (date(2024, 12, 28), date(2025, 1, 2))
    # Six days, and a snapshot of each of Content's two videos.
    assert result.created == 8
    assert result.notes == []
    assert result.formats == "tiktok-studio"
    # Quoted figures with thousands separators, both tabs merged into one day.
    first = day("acmeofficial", "2024-12-28")
    assert (first.video_views, first.likes, first.followers) == (1204, 143, 10512)
    # An all-"undefined" Overview row is no row: the day has only its follower figure.
    eve = day("acmeofficial", "2024-12-31")
    assert (eve.video_views, eve.likes, eve.followers) == (0, 0, 10551)
    # "undefined" in one cell is unknown, never 0 read from the file.
    second = day("acmeofficial", "2025-01-02")
    assert (second.video_views, second.profile_views, second.followers) == (1876, 0, 10598)
    assert not DailyMetric.objects.filter(date=date(2025, 1, 3)).exists()


def test_it_keeps_earlier_figures_where_studio_says_undefined(acme, official):
    DailyMetric.objects.create(
        account=official, date=date(2025, 1, 2), video_views=1800, profile_views=95, likes=230
    )

    result = run(acme, [("Overview.csv", read("studio/Overview.csv"))], account=official)

    assert result.ok, result.errors
    assert (result.created, result.updated) == (4, 1)
    second = day("acmeofficial", "2025-01-02")
    assert (second.video_views, second.profile_views, second.likes) == (1876, 95, 233)


def test_it_reads_localized_studio_dates(acme, official):
    result = run(
        acme,
        [("Overview.csv", read("studio_es/Overview.csv"))],
        account=official,
        as_of=date(2025, 3, 10),
    )

    assert result.ok, result.errors
    assert day("acmeofficial", "2025-03-01").video_views == 2315
    assert day("acmeofficial", "2025-02-27").video_views == 1204


def test_it_reads_an_xlsx_with_report_rows_above_the_header(acme, official):
    book = workbook(
        [
            ["Account report"],
            ["Exported", "2024-10-05"],
            [],
            ["Date", "Handle", "Video_views", "Likes", "Spend"],
            ["2024-10-01", "acmeofficial", 1200, 80, 12.5],
            ["2024-10-02", "@acmeofficial", "1300", 90, 0],
        ]
    )

    result = run(acme, [("report.xlsx", book)])

    assert result.ok, result.errors
    assert result.created == 2
    metric = day("acmeofficial", "2024-10-01")
    assert (metric.video_views, metric.likes, metric.spend) == (1200, 80, Decimal("12.50"))


@BOTH_PATHS
def test_it_sums_ads_manager_rows_per_day_and_keeps_each_campaign(acme, deals, fast):
    result = run(acme, [("ads.csv", read("ads_manager.csv"))], account=deals, fast=fast)

    assert result.ok, result.errors
    assert result.created == 2
    first = day("acme.deals", "2024-12-30")
    assert (first.spend, first.impressions, first.clicks, first.conversions, first.revenue) == (
        Decimal("1609.75"),
        248500,
        2318,
        66,
        Decimal("2970.00"),
    )
    # Organic fields are not in the report: unknown, so 0 on a new day.
    assert (first.video_views, first.followers) == (0, None)
    assert day("acme.deals", "2024-12-31").spend == Decimal("1190.10")
    assert set(Campaign.objects.filter(account=deals).values_list("name", flat=True)) == {
        "Winter Sale",
        "Brand Awareness",
    }
    winter = CampaignDay.objects.get(campaign__name="Winter Sale", date=date(2024, 12, 30))
    assert (winter.spend, winter.impressions, winter.clicks) == (Decimal("1514.75"), 160500, 2318)
    brand = CampaignDay.objects.get(campaign__name="Brand Awareness", date=date(2024, 12, 30))
    assert (brand.spend, brand.clicks, brand.revenue) == (Decimal("95.00"), 0, Decimal("0"))
    # Rates are Playbook's to compute; the summary names the columns left out.
    assert result.ignored_columns == [
        "ads.csv: Ad group name",
        "ads.csv: CTR (destination)",
        "ads.csv: CPC (destination)",
        "ads.csv: CVR",
    ]


def test_it_reads_an_ads_manager_xlsx_with_report_rows_above_the_header(acme, deals):
    book = workbook(
        [
            ["Custom report: Winter"],
            ["Date range", "2024-12-30 ~ 2024-12-31"],
            [],
            ["Campaign name", "By Day", "Cost", "Impressions", "Clicks (Destination)", "CTR"],
            ["Winter Sale", "2024-12-30", 1204.5, 120400, 1806, "1.50%"],
            ["Winter Sale", "2024-12-31", "1,100.00", "110,250", 1650, "1.50%"],
            ["Total of 2 results", "-", 2304.5, 230650, 3456, "1.50%"],
        ]
    )

    result = run(acme, [("report.xlsx", book)], account=deals)

    assert result.ok, result.errors
    assert result.formats == "ads-manager"
    assert result.ignored_columns == ["report.xlsx: CTR"]
    metric = day("acme.deals", "2024-12-31")
    assert (metric.spend, metric.impressions, metric.clicks) == (Decimal("1100.00"), 110250, 1650)
    # The report has no conversion or revenue column: unknown, so 0 on new days.
    assert (metric.conversions, metric.revenue) == (0, Decimal("0"))
    assert CampaignDay.objects.filter(campaign__name="Winter Sale").count() == 2


def test_it_adds_a_later_campaign_report_to_the_day_instead_of_replacing_it(acme, deals):
    run(acme, [("ads.csv", read("ads_manager.csv"))], account=deals)
    spring = (
        b"Campaign name,By Day,Cost,Impressions,Clicks,Conversions\n"
        b"Spring,2024-12-30,10.25,1000,20,2\n"
    )

    result = run(acme, [("spring.csv", spring)], account=deals)

    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 1)
    first = day("acme.deals", "2024-12-30")
    assert (first.spend, first.impressions, first.clicks, first.conversions) == (
        Decimal("1620.00"),
        249500,
        2338,
        68,
    )
    # The report has no revenue column: the day keeps the revenue it had.
    assert first.revenue == Decimal("2970.00")
    assert CampaignDay.objects.filter(date=date(2024, 12, 30)).count() == 3


def test_it_replaces_a_campaigns_day_when_its_report_comes_again(acme, deals):
    run(acme, [("ads.csv", read("ads_manager.csv"))], account=deals)
    again = (
        b"Campaign name,By Day,Cost,Impressions,Clicks (destination),Conversions,"
        b"Total complete payment value\nBrand Awareness,2024-12-30,100.00,90000,5,0,0\n"
    )

    result = run(acme, [("again.csv", again)], account=deals)

    assert result.ok, result.errors
    first = day("acme.deals", "2024-12-30")
    assert (first.spend, first.clicks) == (Decimal("1614.75"), 2323)
    assert CampaignDay.objects.get(
        campaign__name="Brand Awareness", date=date(2024, 12, 30)
    ).spend == Decimal("100.00")


def test_it_sets_the_paid_fields_from_a_report_without_campaigns(acme, deals):
    report = (
        b"By Day,Cost,Impressions,Clicks,Conversions\n"
        b"2024-12-30,12.00,100,3,1\n2024-12-30,3.00,50,1,0\n"
    )

    result = run(acme, [("ads.csv", report)], account=deals)

    assert result.ok, result.errors
    metric = day("acme.deals", "2024-12-30")
    assert (metric.spend, metric.impressions, metric.clicks, metric.conversions) == (
        Decimal("15.00"),
        150,
        4,
        1,
    )
    assert not CampaignDay.objects.exists()


def test_it_rejects_a_currency_other_than_the_accounts(acme, deals):
    deals.currency = "EUR"
    deals.save()
    before = snapshot()

    result = run(acme, [("ads.csv", read("ads_manager.csv"))], account=deals)

    assert not result.ok
    assert result.errors[0] == (
        "ads.csv: line 2, column Currency: 'USD' differs from @acme.deals's currency EUR"
    )
    assert result.error_count == 5
    assert snapshot() == before
    assert not Campaign.objects.exists()


def test_a_currency_named_in_the_header_must_be_the_accounts(acme, deals):
    before = snapshot()
    data = b"By Day,Cost (ZAR),Clicks\n2024-12-30,15,4\n"

    result = run(acme, [("ads.csv", data)], account=deals)

    assert result.errors == [
        "ads.csv: line 2, column Cost (ZAR): 'ZAR' differs from @acme.deals's currency USD"
    ]
    assert snapshot() == before

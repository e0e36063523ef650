from __future__ import annotations

import hashlib
import io
import tracemalloc
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.db import connection
from django.test import override_settings

from accounts.models import Kind
from analytics.models import (
    METRIC_FIELDS,
    Campaign,
    CampaignDay,
    DailyMetric,
    ImportFile,
    ImportRun,
    ScorecardRun,
)
from analytics.services import import_rows, imports, scorecard_queue
from analytics.services.imports import (
    ImportNotConfirmable,
    import_apply,
    import_discard,
    import_files,
    import_preview,
)
from lib.dates import yesterday
from tests.factories import AccountFactory

FILES = Path(__file__).parent / "files"
NEW_YEAR = date(2025, 1, 5)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def read(relative: str) -> bytes:
    return (FILES / relative).read_bytes()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def snapshot() -> tuple[int, str]:
    """How many day rows there are and a checksum of every figure and timestamp."""
    rows = DailyMetric.objects.order_by("account_id", "date").values_list(
        "account_id", "date", *METRIC_FIELDS, "updated_at"
    )
    digest = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return len(rows), digest


def figures(account, day: date) -> dict:
    return DailyMetric.objects.filter(account=account, date=day).values(*METRIC_FIELDS).get()


def day(handle: str, when: str) -> DailyMetric:
    return DailyMetric.objects.get(account__handle=handle, date=date.fromisoformat(when))


@pytest.fixture
def official(acme, bob):
    return AccountFactory(
        team=acme, handle="acmeofficial", kind=Kind.OFFICIAL, currency="USD", managers=[bob]
    )


@pytest.fixture
def deals(acme):
    return AccountFactory(team=acme, handle="acme.deals", kind=Kind.MARKETING, currency="USD")


def run(team, files, *, user=None, account=None, as_of=NEW_YEAR, **options):
    return import_files(team=team, user=user, files=files, account=account, as_of=as_of, **options)


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


# ---------------------------------------------------------------------------
# Merging with what is there


def test_it_changes_nothing_when_the_same_file_comes_twice(acme, alice, official, deals):
    run(acme, [("canonical.csv", read("canonical.csv"))], user=alice)
    before = snapshot()

    result = run(acme, [("canonical.csv", read("canonical.csv"))], user=alice)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 6)
    assert result.message == imports.NOTHING_CHANGED
    assert result.scorecard_run is None
    # updated_at is part of the checksum: no row was even rewritten.
    assert snapshot() == before


def test_it_keeps_a_known_field_where_the_new_cell_is_empty(acme, official):
    DailyMetric.objects.create(
        account=official, date=date(2024, 10, 1), video_views=500, likes=40, followers=900
    )
    file = b"date,video_views,likes,followers,spend\n2024-10-01,600,,,\n2024-10-02,700,,,\n"

    result = run(acme, [("days.csv", file)], account=official)

    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    kept = day("acmeofficial", "2024-10-01")
    assert (kept.video_views, kept.likes, kept.followers, kept.spend) == (600, 40, 900, 0)
    new = day("acmeofficial", "2024-10-02")
    assert (new.video_views, new.likes, new.followers) == (700, 0, None)


def test_it_replaces_a_day_rather_than_adding_to_it(acme, official):
    DailyMetric.objects.create(account=official, date=date(2024, 10, 1), likes=40, shares=3)

    run(acme, [("days.csv", b"date,likes\n2024-10-01,45\n")], account=official)

    assert (day("acmeofficial", "2024-10-01").likes, day("acmeofficial", "2024-10-01").shares) == (
        45,
        3,
    )


def test_it_counts_rows_whose_figures_are_already_there_as_unchanged(acme, official):
    DailyMetric.objects.create(account=official, date=date(2024, 10, 1), likes=40)

    result = run(acme, [("days.csv", b"date,likes,shares\n2024-10-01,40,\n")], account=official)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_it_writes_the_same_rows_through_copy_and_through_the_orm(acme, official, deals):
    # The suite runs on PostgreSQL, so both paths are really taken.
    assert connection.vendor == "postgresql"
    steps = [
        [("canonical.csv", read("canonical.csv"))],
        [
            (
                "more.csv",
                b"date,handle,likes,followers,spend\n2024-10-01,acmeofficial,900,,\n"
                b"2024-10-04,acme.deals,5,,1.50\n2024-10-02,acmeofficial,701,15240,\n",
            )
        ],
        [("canonical.csv", read("canonical.csv"))],
    ]

    def replay(fast: bool) -> tuple[list, list]:
        DailyMetric.objects.all().delete()
        counts = []
        for files in steps:
            result = run(acme, files, fast=fast)
            assert result.ok, result.errors
            counts.append((result.created, result.updated, result.unchanged))
        rows = list(
            DailyMetric.objects.order_by("account_id", "date").values_list(
                "account_id", "date", *METRIC_FIELDS
            )
        )
        return counts, rows

    assert replay(fast=True) == replay(fast=False)
    counts, rows = replay(fast=False)
    assert counts == [(6, 0, 0), (1, 1, 1), (0, 1, 5)]
    assert len(rows) == 7


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


# ---------------------------------------------------------------------------
# Who may import for which account


def test_it_refuses_a_managers_file_naming_an_account_they_do_not_manage(
    acme, bob, official, deals
):
    file = b"date,handle,likes\n2024-10-01,acmeofficial,3\n2024-10-01,acme.deals,4\n"

    result = run(acme, [("team.csv", file)], user=bob)

    assert result.errors == [
        "team.csv: line 3, column handle: @acme.deals is not one of your accounts in Acme"
    ]
    assert not DailyMetric.objects.exists()


def test_it_refuses_a_file_naming_another_account_on_an_accounts_import(
    acme, alice, official, deals
):
    file = b"date,handle,likes\n2024-10-01,acmeofficial,3\n2024-10-01,acme.deals,4\n"

    result = run(acme, [("team.csv", file)], user=alice, account=official)

    assert result.errors == [
        "team.csv: line 3, column handle: "
        "@acme.deals is not @acmeofficial, the account of this import"
    ]


def test_it_needs_an_account_for_an_ads_report(acme):
    result = run(acme, [("ads.csv", read("ads_manager.csv"))])

    assert result.errors == [f"ads.csv: {import_rows.NO_ACCOUNT}"]


# ---------------------------------------------------------------------------
# Preview, confirmation, discarding and the recompute


def test_it_previews_an_upload_without_writing_and_keeps_its_files(acme, alice, official, deals):
    membership = alice.memberships.get()
    DailyMetric.objects.create(account=official, date=date(2024, 10, 1), video_views=1)
    before = snapshot()

    preview = import_preview(
        membership=membership,
        user=alice,
        files=[("canonical.csv", read("canonical.csv"))],
        account=None,
        as_of=NEW_YEAR,
    )

    assert snapshot() == before
    assert preview.status == ImportRun.Status.PREVIEW
    assert (preview.rows_created, preview.rows_updated, preview.rows_unchanged) == (5, 1, 0)
    assert preview.account_handles == ["acme.deals", "acmeofficial"]
    assert (preview.date_from, preview.date_to) == (date(2024, 10, 1), date(2024, 10, 3))
    assert preview.format == "canonical"
    assert list(preview.files.values_list("name", flat=True)) == ["canonical.csv"]


def test_it_applies_a_preview_and_queues_the_recompute(
    acme, alice, official, deals, broker, django_capture_on_commit_callbacks
):
    preview = import_preview(
        membership=alice.memberships.get(),
        user=alice,
        files=[("canonical.csv", read("canonical.csv"))],
        account=None,
        as_of=NEW_YEAR,
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        applied = import_apply(run=preview, user=alice)

    assert applied.status == ImportRun.Status.APPLIED
    assert applied.rows_created == 6
    assert applied.applied_at is not None
    assert DailyMetric.objects.count() == 6
    assert not ImportFile.objects.exists()
    recompute = applied.scorecard_run
    assert recompute.scope == ScorecardRun.Scope.ACCOUNTS
    assert recompute.account_ids == sorted([official.pk, deals.pk])
    assert recompute.end == date(2024, 10, 3)
    assert recompute.days == [7, 28]
    assert applied.message == imports.RECOMPUTE_QUEUED
    # The job is queued only once the import is committed.
    assert len(callbacks) == 1


def test_it_ends_the_recompute_yesterday_for_an_import_reaching_today(acme, official, broker):
    today = yesterday().toordinal() + 1
    file = f"date,likes\n{date.fromordinal(today).isoformat()},4\n".encode()

    result = run(acme, [("today.csv", file)], account=official, as_of=date.fromordinal(today))

    assert result.scorecard_run.end == yesterday()


def test_it_imports_when_the_queue_is_down_and_says_so(acme, alice, official, deals, monkeypatch):
    monkeypatch.setattr(scorecard_queue, "broker_available", lambda: False)
    preview = import_preview(
        membership=alice.memberships.get(),
        user=alice,
        files=[("canonical.csv", read("canonical.csv"))],
        account=None,
        as_of=NEW_YEAR,
    )

    applied = import_apply(run=preview, user=alice)

    assert applied.status == ImportRun.Status.APPLIED
    assert DailyMetric.objects.count() == 6
    assert applied.message == imports.RECOMPUTE_WAITING
    # The recompute is recorded, waiting for the sweep to queue it once Redis is back.
    assert applied.scorecard_run.waiting_for_queue
    assert sorted(applied.scorecard_run.account_ids) == sorted([official.pk, deals.pk])


def test_it_rejects_an_upload_with_errors_and_refuses_to_confirm_it(acme, alice, official):
    preview = import_preview(
        membership=alice.memberships.get(),
        user=alice,
        files=[("bad.csv", b"date,handle,video_views\n2024-10-01,acmeofficial,-1\n")],
        account=None,
        as_of=NEW_YEAR,
    )

    assert preview.status == ImportRun.Status.FAILED
    assert preview.errors == ["bad.csv: line 2, column video_views: '-1' is negative"]
    assert preview.error_count == 1
    assert not preview.files.exists()
    with pytest.raises(ImportNotConfirmable):
        import_apply(run=preview, user=alice)
    assert not DailyMetric.objects.exists()


def test_it_checks_a_preview_again_when_it_is_confirmed(acme, alice, bob, official, deals):
    preview = import_preview(
        membership=alice.memberships.get(),
        user=alice,
        files=[("canonical.csv", read("canonical.csv"))],
        account=None,
        as_of=NEW_YEAR,
    )

    # Confirmed by someone who may not write to @acme.deals (nor see alice's upload):
    # refused at the moment of the write, and nothing changes.
    with pytest.raises(imports.ImportNotAllowed):
        import_apply(run=preview, user=bob)

    preview.refresh_from_db()
    assert preview.status == ImportRun.Status.PREVIEW
    assert preview.files.exists()
    assert not DailyMetric.objects.exists()


def test_it_confirms_a_preview_only_once(acme, alice, official, deals):
    preview = import_preview(
        membership=alice.memberships.get(),
        user=alice,
        files=[("canonical.csv", read("canonical.csv"))],
        account=None,
        as_of=NEW_YEAR,
    )
    import_apply(run=preview, user=alice)

    with pytest.raises(ImportNotConfirmable, match="already confirmed"):
        import_apply(run=preview, user=alice)
    with pytest.raises(ImportNotConfirmable):
        import_discard(run=preview)


def test_it_discards_a_preview_and_its_files(acme, alice, official, deals):
    preview = import_preview(
        membership=alice.memberships.get(),
        user=alice,
        files=[("canonical.csv", read("canonical.csv"))],
        account=None,
        as_of=NEW_YEAR,
    )

    discarded = import_discard(run=preview)

    assert discarded.status == ImportRun.Status.DISCARDED
    assert not ImportFile.objects.exists()
    with pytest.raises(ImportNotConfirmable, match="discarded"):
        import_apply(run=preview, user=alice)
    assert not DailyMetric.objects.exists()


def test_it_writes_nothing_on_a_dry_run(acme, official, deals):
    result = run(acme, [("canonical.csv", read("canonical.csv"))], dry_run=True)

    assert result.summary_line() == (
        "would import 6 rows: 6 created, 0 updated, 0 unchanged for 2 accounts; "
        "canonical.csv: 6 rows"
    )
    assert not DailyMetric.objects.exists()
    assert not ImportRun.objects.exists()


@override_settings(METRICS_MAX_UPLOAD_BYTES=1024)
def test_it_refuses_an_unknown_format(acme):
    with pytest.raises(Exception, match="Unknown format"):
        run(acme, [("a.csv", b"")], format="excel")


def test_it_streams_a_large_canonical_file_in_bounded_memory(acme, tmp_path):
    accounts = [AccountFactory(team=acme, handle=f"bulk_{index:03d}") for index in range(30)]
    path = tmp_path / "large.csv"
    with path.open("w") as out:
        out.write("date,handle,video_views,likes,followers,spend\n")
        for offset in range(1000):
            day = date.fromordinal(date(2022, 1, 1).toordinal() + offset).isoformat()
            out.writelines(
                f"{day},{account.handle},{offset},{offset % 7},,{offset % 13}.25\n"
                for account in accounts
            )
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            result = run(acme, [("large.csv", stream)], max_bytes=path.stat().st_size)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.ok, result.errors
    assert result.created == 30_000
    assert DailyMetric.objects.count() == 30_000
    # Holding the rows would take about a kilobyte each (30 MB); streaming stays flat.
    assert peak < 4 * 1024 * 1024, f"{peak / 1024 / 1024:.1f} MB"

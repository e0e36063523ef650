"""Net daily counts (docs/imports.md): likes, comments and shares may be negative, nothing else.

TikTok Studio's Overview reports the day's net change, so a day on which comments were
deleted holds a negative figure ("-6" in real downloads). They import as they are, in
every format; a negative figure where none can be stays bad input with line and column.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from accounts.models import Kind
from analytics.models import DailyMetric, Scorecard
from analytics.scorecards import rules
from analytics.scorecards.compute import scorecards_compute
from imports.parsers import MetricRow, ParsedFile, parse
from imports.services.imports import import_files
from tests.factories import AccountFactory

AS_OF = date(2025, 3, 31)
OVERVIEW = (
    '"Date","Video Views","Profile Views","Likes","Comments","Shares"\n'
    '"March 27","1,204","87","143","-6","9"\n'
    '"March 28","980","65","-3","8","-1"\n'
    '"March 29","2,315","140","-1,204","25","\u22122"\n'
)
NON_NEGATIVE = (
    "video_views",
    "profile_views",
    "followers",
    "spend",
    "impressions",
    "clicks",
    "conversions",
    "revenue",
)


def parsed(name: str, data: bytes) -> tuple[ParsedFile, list[MetricRow]]:
    result = parse(name, io.BytesIO(data), as_of=AS_OF)
    rows = list(result.rows)
    return result, rows


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def official(acme):
    return AccountFactory(team=acme, handle="acmeofficial", kind=Kind.OFFICIAL)


def test_it_reads_negative_likes_comments_and_shares_in_a_studio_overview():
    result, rows = parsed("Overview.csv", OVERVIEW.encode())

    assert result.errors == []
    assert [(row.date, row.values) for row in rows] == [
        (
            date(2025, 3, 27),
            {"video_views": 1204, "profile_views": 87, "likes": 143, "comments": -6, "shares": 9},
        ),
        (
            date(2025, 3, 28),
            {"video_views": 980, "profile_views": 65, "likes": -3, "comments": 8, "shares": -1},
        ),
        (
            date(2025, 3, 29),
            {
                "video_views": 2315,
                "profile_views": 140,
                "likes": -1204,
                "comments": 25,
                "shares": -2,
            },
        ),
    ]


@pytest.mark.parametrize(
    ("cell", "column"), [("-1", "Video Views"), ("-1,204", "Video Views"), ("-7", "Profile Views")]
)
def test_it_rejects_negative_views_in_a_studio_overview(cell, column):
    row = ['"March 30"', '"5"', '"5"', '"1"', '"1"', '"1"']
    row[1 if column == "Video Views" else 2] = f'"{cell}"'
    data = OVERVIEW + ",".join(row) + "\n"

    result, rows = parsed("Overview.csv", data.encode())

    assert [str(error) for error in result.errors] == [
        f"Overview.csv: line 5, column {column}: '{cell}' is negative"
    ]
    assert len(rows) == 3


def test_it_rejects_a_sign_without_a_number_in_a_studio_overview():
    data = OVERVIEW + '"March 30","5","5","--3","-","1"\n'

    result, _rows = parsed("Overview.csv", data.encode())

    assert [str(error) for error in result.errors] == [
        "Overview.csv: line 5, column Likes: '--3' is not a number",
        "Overview.csv: line 5, column Comments: '-' is not a number",
    ]


def test_it_rejects_negative_followers_in_a_studio_follower_history():
    data = (
        '"Date","Followers","Difference in followers from previous day"\n'
        '"March 29","100","-3"\n'
        '"March 30","-97","-3"\n'
    )

    result, rows = parsed("FollowerHistory.csv", data.encode())

    assert [str(error) for error in result.errors] == [
        "FollowerHistory.csv: line 3, column Followers: '-97' is negative"
    ]
    # A negative difference is normal and not even read.
    assert [(row.date, row.values) for row in rows] == [(date(2025, 3, 29), {"followers": 100})]


def test_it_reads_negative_likes_comments_and_shares_in_a_canonical_csv():
    data = (
        "date,handle,video_views,likes,comments,shares\n"
        "2025-03-28,acme,100,-3,-1,-2\n"
        "2025-03-29,acme,100,4,-9223372036854775807,0\n"
    )

    result, rows = parsed("canonical.csv", data.encode())

    assert result.errors == []
    assert [row.values for row in rows] == [
        {"video_views": 100, "likes": -3, "comments": -1, "shares": -2},
        {"video_views": 100, "likes": 4, "comments": -(2**63 - 1), "shares": 0},
    ]


def test_it_rejects_a_negative_figure_beyond_the_column():
    data = "date,handle,likes\n2025-03-28,acme,-9223372036854775808\n"

    result, rows = parsed("canonical.csv", data.encode())

    assert [str(error) for error in result.errors] == [
        "canonical.csv: line 2, column likes: '-9223372036854775808' is too large"
    ]
    assert rows == []


@pytest.mark.parametrize("field", NON_NEGATIVE)
def test_it_rejects_every_other_negative_figure_in_a_canonical_csv(field):
    value = "-1.00" if field in ("spend", "revenue") else "-1"
    data = f"date,handle,likes,{field}\n2025-03-28,acme,-5,{value}\n"

    result, rows = parsed("canonical.csv", data.encode())

    assert [str(error) for error in result.errors] == [
        f"canonical.csv: line 2, column {field}: '{value}' is negative"
    ]
    assert rows == []


def test_it_reads_negative_net_counts_in_a_canonical_xlsx_and_rejects_negative_views():
    data = workbook(
        [
            ["date", "handle", "video_views", "likes", "comments", "shares"],
            [date(2025, 3, 28), "@acme", 100, -3, -1.0, 0],
            [date(2025, 3, 29), "@acme", -4, 1, 1, 1],
        ]
    )

    result, rows = parsed("canonical.xlsx", data)

    assert [row.values for row in rows] == [
        {"video_views": 100, "likes": -3, "comments": -1, "shares": 0}
    ]
    assert [str(error) for error in result.errors] == [
        "canonical.xlsx: line 3, column video_views: '-4' is negative"
    ]


def test_it_rejects_negative_paid_figures_in_an_ads_manager_report():
    data = "By Day,Cost,Impressions,Clicks (destination),Conversions\n2025-03-28,1.00,-5,1,1\n"

    result, rows = parsed("ads.csv", data.encode())

    assert [str(error) for error in result.errors] == [
        "ads.csv: line 2, column Impressions: '-5' is negative"
    ]
    assert rows == []


@pytest.mark.parametrize("fast", [True, False], ids=["copy-on-conflict", "orm"])
def test_it_writes_negative_net_counts_through_both_write_paths(acme, official, fast):
    # A day already stored with positive figures, which the file turns negative.
    DailyMetric.objects.create(account=official, date=date(2025, 3, 28), likes=7, comments=2)

    result = import_files(
        team=acme,
        user=None,
        files=[("Overview.csv", OVERVIEW.encode())],
        account=official,
        as_of=AS_OF,
        fast=fast,
        recompute=False,
    )

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    stored = {
        metric.date: (metric.likes, metric.comments, metric.shares)
        for metric in DailyMetric.objects.filter(account=official)
    }
    assert stored == {
        date(2025, 3, 27): (143, -6, 9),
        date(2025, 3, 28): (-3, 8, -1),
        date(2025, 3, 29): (-1204, 25, -2),
    }

    again = import_files(
        team=acme,
        user=None,
        files=[("Overview.csv", OVERVIEW.encode())],
        account=official,
        as_of=AS_OF,
        fast=fast,
        recompute=False,
    )

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


@pytest.mark.parametrize("fast", [True, False], ids=["copy-on-conflict", "orm"])
def test_it_writes_negative_net_counts_of_a_canonical_file(acme, official, fast):
    data = b"date,handle,video_views,likes,comments,shares\n2025-03-28,acmeofficial,10,-1,-2,-3\n"

    result = import_files(
        team=acme,
        user=None,
        files=[("canonical.csv", data)],
        as_of=AS_OF,
        fast=fast,
        recompute=False,
    )

    assert result.ok, result.errors
    metric = DailyMetric.objects.get(account=official)
    assert (metric.video_views, metric.likes, metric.comments, metric.shares) == (10, -1, -2, -3)


def test_it_scores_a_window_whose_interactions_are_negative(acme, official):
    # 7 days of 100 views: 20 interactions in all, one day with deleted comments.
    for n in range(22, 29):
        likes, comments, shares = (4, -30, -1) if n == 25 else (4, 1, 2)
        DailyMetric.objects.create(
            account=official,
            date=date(2025, 3, n),
            video_views=100,
            likes=likes,
            comments=comments,
            shares=shares,
        )

    scorecards_compute(accounts=[official], end=date(2025, 3, 28), days=7)

    start, end = rules.period(date(2025, 3, 28), 7)
    card = Scorecard.objects.get(account=official, period_start=start, period_end=end)
    # 6 days of 7 and one of -27: 42 - 27 = 15 interactions on 700 views.
    assert card.interactions == 15
    # 15 / 700, stored with 12 decimals.
    assert card.engagement_rate == Decimal("0.021428571429")


def test_it_scores_a_window_whose_net_interactions_are_below_zero(acme, official):
    DailyMetric.objects.create(
        account=official, date=date(2025, 3, 28), video_views=100, likes=1, comments=-8, shares=0
    )

    scorecards_compute(accounts=[official], end=date(2025, 3, 28), days=7)

    start, end = rules.period(date(2025, 3, 28), 7)
    card = Scorecard.objects.get(account=official, period_start=start, period_end=end)
    assert card.interactions == -7
    assert card.engagement_rate == Decimal("-0.07")
    # A negative rate scores 0, not below (sub-scores are clamped to 0..100).
    assert card.engagement_score is not None
    assert card.engagement_score >= 0

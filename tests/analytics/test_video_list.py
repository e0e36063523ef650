"""The Content page of an account: every video, sortable and paged, top and bottom of the window."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.analytics.videos_data import make_video
from tests.factories import ScorecardFactory

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)
SNAP = date(2025, 3, 30)
# A month after the window: every video of it is old enough for the least viewed.
LATER = date(2025, 4, 28)


def url(handle: str = "acmecoffee", team: str = "acme") -> str:
    return reverse("analytics:video-list", args=[team, handle])


def row_ids(html: str) -> list[str]:
    return re.findall(r'<tr id="video-(\d+)"', html)


def list_ids(html: str, list_id: str) -> list[str]:
    block = re.search(rf'<ol[^>]*id="{list_id}">(.*?)</ol>', html, re.S)
    assert block, f"no list {list_id}"
    return re.findall(r"/videos/(\d+)/", block.group(1))


def cell(html: str, video_id: str, column: str) -> str:
    row = re.search(rf'<tr id="video-{video_id}">(.*?)</tr>', html, re.S)
    assert row, f"no row for {video_id}"
    match = re.search(rf'data-column="{column}">(.*?)</td>', row.group(1), re.S)
    assert match, f"no {column} cell in row {video_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_it_requires_login(client, acmecoffee) -> None:
    response = client.get(url())

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_hides_other_teams_accounts(login, charlie, acmecoffee) -> None:
    assert login(charlie).get(url()).status_code == 404


def test_it_hides_accounts_a_manager_does_not_manage(login, bob, acmecoffee, acme_deals) -> None:
    client = login(bob)

    assert client.get(url("acme.deals")).status_code == 404
    assert client.get(url()).status_code == 200


def test_it_says_which_download_to_upload_when_there_are_no_videos(login, alice, acmecoffee):
    response = login(alice).get(url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>@acmecoffee content · Playbook</title>" in html
    assert "No videos of @acmecoffee yet" in html
    assert "<strong>Content</strong> tab" in html
    assert f"{reverse('imports:import-upload', args=['acme'])}?account=acmecoffee" in html
    assert "Download CSV" not in html


def test_it_lists_each_video_with_its_latest_totals(login, alice, acmecoffee) -> None:
    make_video(
        acmecoffee,
        "7486000011122334455",
        title="Latte art in slow motion",
        posted_on=END - timedelta(days=3),
        snapshots=[(SNAP - timedelta(days=7), 500, 10, 1, 1), (SNAP, 12000, 480, 90, 30)],
    )
    make_video(
        acmecoffee,
        "7486000011122334466",
        title="Nobody watched",
        posted_on=END,
        snapshots=[(SNAP, 0, 0, 0, 0)],
    )

    html = login(alice).get(url()).content.decode()

    assert cell(html, "7486000011122334455", "views") == "12,000"
    assert cell(html, "7486000011122334455", "likes") == "480"
    assert cell(html, "7486000011122334455", "comments") == "90"
    assert cell(html, "7486000011122334455", "shares") == "30"
    # (480 + 90 + 30) / 12000 = 5%.
    assert cell(html, "7486000011122334455", "engagement_rate") == "5.0%"
    assert cell(html, "7486000011122334466", "engagement_rate").startswith("—")
    assert 'href="https://www.tiktok.com/@acmecoffee/video/7486000011122334455"' in html
    assert "Latte art in slow motion" in html


def test_it_sorts_by_a_column_with_missing_figures_last(login, alice, acmecoffee) -> None:
    for n, views in enumerate((300, 100, 200)):
        make_video(
            acmecoffee, f"74860000111223344{n}0", posted_on=END, snapshots=[(SNAP, views, 0, 0, 0)]
        )
    make_video(acmecoffee, "7486000011122334499", posted_on=END)
    client = login(alice)

    ascending = client.get(url(), {"sort": "views"}).content.decode()
    descending = client.get(url(), {"sort": "-views"}).content.decode()

    assert row_ids(ascending) == [
        "7486000011122334410",
        "7486000011122334420",
        "7486000011122334400",
        "7486000011122334499",
    ]
    assert row_ids(descending) == [
        "7486000011122334400",
        "7486000011122334420",
        "7486000011122334410",
        "7486000011122334499",
    ]
    assert 'aria-sort="ascending"' in ascending
    assert 'aria-sort="descending"' in descending


def test_it_falls_back_to_the_newest_first_on_an_unknown_sort(login, alice, acmecoffee) -> None:
    make_video(acmecoffee, "7486000011122334401", posted_on=END - timedelta(days=1))
    make_video(acmecoffee, "7486000011122334402", posted_on=END)

    response = login(alice).get(url(), {"sort": "drop table", "page": "x"})

    assert response.status_code == 200
    assert row_ids(response.content.decode()) == ["7486000011122334402", "7486000011122334401"]


def test_it_pages_the_table_with_links_that_work_without_javascript(login, alice, acmecoffee):
    for n in range(30):
        make_video(acmecoffee, f"74860000111223{n:05d}", posted_on=END - timedelta(days=n))
    client = login(alice)

    first = client.get(url()).content.decode()
    second = client.get(url(), {"page": "2"}).content.decode()

    assert len(row_ids(first)) == 25
    assert len(row_ids(second)) == 5
    assert "Page 1 of 2 (30 videos)" in first
    next_link = re.search(r'<a class="page-link" href="([^"]+)" hx-get="([^"]+)"', first)
    assert next_link and next_link.group(1) == next_link.group(2)
    assert next_link.group(1).endswith("page=2")


def test_it_answers_htmx_with_the_table_alone(login, alice, acmecoffee) -> None:
    make_video(acmecoffee, "7486000011122334455", posted_on=END, snapshots=[(SNAP, 10, 1, 0, 0)])

    response = login(alice).get(
        url(), {"sort": "likes"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="videos-table"
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="videos-table"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_it_ranks_the_videos_posted_in_the_scorecard_window(login, alice, acmecoffee) -> None:
    # The scorecard page of this account shows the 28 days ending END by default.
    ScorecardFactory(account=acmecoffee, days=28, period_end=END)
    views = [900, 100, 500, 700, 300, 800, 200, 400]
    for n, count in enumerate(views):
        make_video(
            acmecoffee,
            f"748600001112233440{n}",
            posted_on=END - timedelta(days=n),
            snapshots=[(LATER, count, 0, 0, 0)],
        )
    # Posted before the window: the most viewed of all, but not of this period.
    make_video(
        acmecoffee,
        "7486000011122330000",
        posted_on=END - timedelta(days=28),
        snapshots=[(SNAP, 99999, 0, 0, 0)],
    )

    html = login(alice).get(url()).content.decode()

    assert "1 Mar to 28 Mar 2025" in html
    assert list_ids(html, "top-videos") == [
        "7486000011122334400",
        "7486000011122334405",
        "7486000011122334403",
    ]
    assert list_ids(html, "bottom-videos") == [
        "7486000011122334401",
        "7486000011122334406",
        "7486000011122334404",
    ]
    assert "ranked by their latest views" in html


def test_it_keeps_a_video_in_one_list_when_the_window_has_few(login, alice, acmecoffee) -> None:
    for n, count in enumerate((50, 40, 30, 20)):
        make_video(
            acmecoffee,
            f"748600001112233441{n}",
            posted_on=END - timedelta(days=n),
            snapshots=[(LATER, count, 0, 0, 0)],
        )

    html = login(alice).get(url(), {"days": "7", "end": END.isoformat()}).content.decode()

    assert list_ids(html, "top-videos") == [
        "7486000011122334410",
        "7486000011122334411",
        "7486000011122334412",
    ]
    assert list_ids(html, "bottom-videos") == ["7486000011122334413"]


def test_it_leaves_videos_younger_than_a_week_out_of_the_least_viewed(
    login, alice, acmecoffee
) -> None:
    # Figures of 30 Mar: videos posted 24 Mar or later are under 7 days old.
    for n, count in enumerate((900, 800, 700, 5, 10, 20)):
        make_video(
            acmecoffee,
            f"748600001112233442{n}",
            posted_on=END - timedelta(days=2 * n),
            snapshots=[(SNAP, count, 0, 0, 0)],
        )
    # n=3 (22 Mar, 8 days) and n=4, n=5 are old enough; n=0..2 are the top anyway.
    make_video(acmecoffee, "7486000011122334430", posted_on=END, snapshots=[(SNAP, 1, 0, 0, 0)])

    html = login(alice).get(url(), {"days": "28", "end": END.isoformat()}).content.decode()

    assert list_ids(html, "bottom-videos") == [
        "7486000011122334423",
        "7486000011122334424",
        "7486000011122334425",
    ]
    assert "at least 7 days old on the day of their figures: 1 newer video is left out" in html


def test_it_says_so_when_no_video_was_posted_in_the_window(login, alice, acmecoffee) -> None:
    make_video(acmecoffee, "7486000011122334455", posted_on=date(2024, 1, 5))

    html = login(alice).get(url(), {"days": "7", "end": END.isoformat()}).content.decode()

    assert "No video was posted between 22 Mar 2025 and 28 Mar 2025" in html


def test_it_is_linked_from_the_account_and_scorecard_pages(login, alice, acmecoffee) -> None:
    client = login(alice)
    account_page = client.get(reverse("accounts:account-detail", args=["acme", "acmecoffee"]))
    scorecard_page = client.get(
        reverse("analytics:account-scorecard", args=["acme", "acmecoffee"]),
        {"days": "7", "end": END.isoformat()},
    )

    assert url() in account_page.content.decode()
    assert f"{url()}?days=7&amp;end=2025-03-28" in scorecard_page.content.decode()


def test_it_links_the_markers_page_for_leads_only(login, alice, bob, acmecoffee) -> None:
    make_video(acmecoffee, "7486000011122334455", posted_on=END)
    markers = reverse("analytics:promotional-markers", args=["acme"])

    assert markers in login(alice).get(url()).content.decode()
    assert markers not in login(bob).get(url()).content.decode()


def test_it_reads_a_page_in_constant_queries(login, alice, bob, acmecoffee) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url()).status_code == 200
        return len(queries)

    client = login(alice)
    for n in range(3):
        make_video(
            acmecoffee,
            f"748600001112233450{n}",
            title="#ad",
            posted_on=END,
            snapshots=[(SNAP, 10, 1, 0, 0)],
            mark=True,
        )
    few = count()
    for n in range(3, 20):
        video = make_video(
            acmecoffee,
            f"74860000111223345{n:02d}",
            posted_on=END,
            snapshots=[(SNAP, 10, 1, 0, 0), (END, 5, 0, 0, 0)],
        )
        video.marked_by = bob if n % 2 else alice
        video.promotional_mark = True
        video.save()

    assert count() == few


def test_it_names_who_marked_each_video_in_its_row_and_ranked_item(
    login, alice, bob, acmecoffee
) -> None:
    # The page reads only the marker's names: a full name when there is one, else the
    # username, in the table and in the ranked lists alike.
    bob.first_name, bob.last_name = "Bob", "<Builder>"
    bob.save()
    for n, marker in enumerate((alice, bob)):
        video = make_video(
            acmecoffee,
            f"748600001112233460{n}",
            posted_on=END,
            snapshots=[(SNAP, 10 + n, 1, 0, 0)],
            mark=True,
        )
        video.marked_by = marker
        video.save()

    html = login(alice).get(url(), {"end": END.isoformat()}).content.decode()

    assert html.count("Promotional (marked by alice)") == 1
    assert html.count("Promotional (marked by Bob &lt;Builder&gt;)") == 1
    assert html.count("marked by alice</span>") == 1
    assert html.count("marked by Bob &lt;Builder&gt;</span>") == 1


def test_it_sorts_titles_whatever_their_case(login, alice, acmecoffee) -> None:
    for video_id, title in (("7486000011122334401", "banana"), ("7486000011122334402", "Cherry")):
        make_video(acmecoffee, video_id, title=title, posted_on=END)
    make_video(acmecoffee, "7486000011122334403", title="Apple", posted_on=END)

    html = login(alice).get(url(), {"sort": "title"}).content.decode()

    assert row_ids(html) == ["7486000011122334403", "7486000011122334401", "7486000011122334402"]


def test_it_ranks_the_same_from_the_first_page_as_from_its_own_read(acmecoffee) -> None:
    from analytics.content import videos as selectors
    from analytics.scorecards.windows import window_of

    # 40 videos over 80 days, some undated or without figures: windows of every length
    # end inside, before and after the first page of the newest 25.
    for n in range(40):
        make_video(
            acmecoffee,
            f"74860000111223{n:05d}",
            posted_on=None if n % 13 == 5 else END - timedelta(days=2 * n),
            snapshots=[]
            if n % 7 == 3
            else [(LATER - timedelta(days=n % 3), 1000 - 7 * n % 50, 0, 0, 0)],
        )
    first = Paginator(selectors.video_list(account=acmecoffee), 25).page(1)
    first.object_list = selectors.attach_promotional(first.object_list)
    held = 0
    for days in (7, 28, 90):
        for back in (0, 10, 30, 47, 60, 120):
            window = window_of(end=END - timedelta(days=back), days=days)
            if not selectors.holds_window(page=first, sort=selectors.DEFAULT_SORT, window=window):
                continue
            held += 1
            read = selectors.video_top_and_bottom(account=acmecoffee, window=window)
            again = selectors.video_top_and_bottom(
                account=acmecoffee, window=window, read=first.object_list
            )
            assert [v.video_id for v in again.top] == [v.video_id for v in read.top]
            assert [v.video_id for v in again.bottom] == [v.video_id for v in read.bottom]
            assert (again.posted, again.too_young) == (read.posted, read.too_young)
    # Both cases occur: windows the first page holds, and windows it does not.
    assert 0 < held < 18


def test_it_reads_the_window_again_when_the_first_page_does_not_hold_it(
    login, alice, acmecoffee
) -> None:
    # 30 videos posted in the window: the first page of 25 leaves 5 out.
    for n in range(30):
        make_video(
            acmecoffee,
            f"74860000111223{n:05d}",
            posted_on=END - timedelta(days=n % 20),
            snapshots=[(LATER, 10 + n, 0, 0, 0)],
        )

    html = login(alice).get(url(), {"days": "28", "end": END.isoformat()}).content.decode()

    assert list_ids(html, "top-videos") == [
        "7486000011122300029",
        "7486000011122300028",
        "7486000011122300027",
    ]
    assert list_ids(html, "bottom-videos") == [
        "7486000011122300000",
        "7486000011122300001",
        "7486000011122300002",
    ]


def test_the_rate_it_sorts_by_in_sql_is_the_rate_it_shows(acmecoffee) -> None:
    """The engagement rate is a division in SQL for the order and in Python (videos.
    engagement_rate) for the table: both give the same figure, so the order is the shown one."""
    from decimal import Decimal

    from analytics.content import videos as selectors

    figures = [
        (3, 1, 0, 0),
        (7, 2, 1, 0),
        (1_000_003, 12_345, 678, 9),
        (9, 0, 0, 0),
        (0, 5, 0, 0),
        (333, 111, 0, 0),
        (3, 1, 0, 0),
    ]
    for n, (views, likes, comments, shares) in enumerate(figures):
        make_video(
            acmecoffee,
            f"74860000111224{n:05d}",
            posted_on=END - timedelta(days=n),
            snapshots=[(LATER, views, likes, comments, shares)],
        )
    make_video(acmecoffee, "7486000011122499999", posted_on=END)  # no figures
    ordered = list(selectors.video_list(account=acmecoffee, sort="-engagement_rate"))
    in_sql = [video.engagement_rate for video in ordered]
    shown = [video.engagement_rate for video in selectors.attach_engagement_rates(ordered)]
    twelve = Decimal("1e-12")
    assert [r if r is None else r.quantize(twelve) for r in in_sql] == [
        r if r is None else r.quantize(twelve) for r in shown
    ]
    rated = [rate for rate in shown if rate is not None]
    assert rated == sorted(rated, reverse=True) and len(rated) == len(figures) - 1


def test_each_videos_links_are_what_reverse_writes(acmecoffee) -> None:
    from types import SimpleNamespace

    from analytics.content.views import _attach_urls

    membership = SimpleNamespace(team=acmecoffee.team)
    ids = ["7486000011122334455", "0", "id x&y", "ü1~", "1?2#3"]
    videos = [SimpleNamespace(video_id=video_id) for video_id in ids]

    _attach_urls([*videos, videos[0]], membership, acmecoffee)

    for video in videos:
        args = [acmecoffee.team.slug, acmecoffee.handle, video.video_id]
        assert video.detail_url == reverse("analytics:video-detail", args=args)
        assert video.mark_url == reverse("analytics:video-mark", args=args)


@pytest.mark.parametrize(("videos", "counted"), [(0, False), (3, False), (25, True), (26, True)])
def test_a_first_page_of_fewer_than_25_videos_is_their_count(
    login, alice, acmecoffee, videos, counted
) -> None:
    for n in range(videos):
        make_video(acmecoffee, f"74860000111223{n:05d}", posted_on=END - timedelta(days=n))
    client = login(alice)

    with CaptureQueriesContext(connection) as queries:
        html = client.get(url(), {"sort": "title"}).content.decode()

    asked = any(query["sql"].startswith("SELECT COUNT(*)") for query in queries)
    assert asked is counted
    if videos:
        assert f'All videos <span class="text-body-secondary fw-normal fs-6">({videos})' in html
        assert len(row_ids(html)) == min(videos, 25)
        assert ("Page 1 of 2 (26 videos)" in html) is (videos == 26)
    else:
        assert 'id="videos-empty"' in html


def test_the_table_alone_reads_neither_the_period_nor_its_ranked_videos(
    login, alice, acmecoffee
) -> None:
    make_video(acmecoffee, "7486000011122334455", posted_on=END, snapshots=[(SNAP, 10, 1, 0, 0)])
    client = login(alice)

    with CaptureQueriesContext(connection) as queries:
        table = client.get(url(), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="videos-table")
    page = client.get(url()).content.decode()

    assert not any("analytics_scorecard" in query["sql"] for query in queries)
    # The same table as the whole page's (each response masks its CSRF token anew).
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", table.content.decode()) in token.sub("", page)

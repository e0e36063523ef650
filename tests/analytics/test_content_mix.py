"""The content mix on the account page: promotional against authentic in the scorecard window."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.content.video_marks import videos_classify
from analytics.content.videos import content_mix
from analytics.models import PromotionalMarkers, Video
from analytics.scorecards.windows import window_of
from tests.analytics.videos_data import make_video
from tests.factories import ScorecardFactory

pytestmark = pytest.mark.django_db

END = date(2025, 3, 28)


def account_page(client, handle: str = "acmecoffee") -> str:
    return client.get(reverse("accounts:account-detail", args=["acme", handle])).content.decode()


def mix_section(html: str) -> str:
    match = re.search(r'<section[^>]*aria-labelledby="content-mix-h">(.*?)</section>', html, re.S)
    assert match, "no content mix section"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


@pytest.fixture
def posted(acmecoffee) -> None:
    ScorecardFactory(account=acmecoffee, days=28, period_end=END)
    titles = ["Summer sale", "#ad for our friends", "Roasting day", "Meet the team", "Latte art"]
    for n, title in enumerate(titles):
        make_video(acmecoffee, f"748600001112233440{n}", title=title, posted_on=END - timedelta(n))
    # A person's mark beats the title both ways.
    make_video(acmecoffee, "7486000011122334410", title="Big discount", posted_on=END, mark=False)
    make_video(acmecoffee, "7486000011122334411", title="Farm visit", posted_on=END, mark=True)
    # Outside the window (28 days ending END starts 1 March).
    make_video(acmecoffee, "7486000011122334420", title="Sale!", posted_on=date(2025, 2, 28))


def test_it_counts_the_videos_posted_in_the_scorecard_window(login, alice, posted) -> None:
    text = mix_section(account_page(login(alice)))

    assert "Content mix, 28 days" in text
    assert "Videos posted from 1 Mar to 28 Mar 2025" in text
    # Promotional: "Summer sale", "#ad ...", "Farm visit" (marked); authentic: the other four.
    assert "Promotional 3 videos (42.9%)" in text
    assert "Authentic 4 videos (57.1%)" in text
    assert "2 marked by hand, the rest by their titles" in text
    # The base the shares rest on is named.
    assert "From 7 videos in the Content download posted in this period." in text


def test_it_links_the_content_page_of_the_same_window(login, alice, posted) -> None:
    html = account_page(login(alice))

    assert (
        reverse("analytics:video-list", args=["acme", "acmecoffee"]) + "?days=28&amp;end=2025-03-28"
        in html
    )


def test_it_follows_the_teams_own_markers(login, alice, acme, posted) -> None:
    PromotionalMarkers.objects.create(team=acme, markers=["latte"])
    videos_classify(videos=Video.objects.all())  # as promotional_markers_save does

    text = mix_section(account_page(login(alice)))

    # "Latte art" by title, "Farm visit" by its mark.
    assert "Promotional 2 videos (28.6%)" in text


def test_it_says_what_to_do_without_videos(login, alice, acmecoffee) -> None:
    html = account_page(login(alice))

    assert "No video posted in this period." in mix_section(html)
    assert f"{reverse('imports:import-upload', args=['acme'])}?account=acmecoffee" in html


def test_it_counts_in_one_query_matching_no_title(acmecoffee, posted) -> None:
    window = window_of(end=END, days=28)
    acmecoffee.refresh_from_db()

    with CaptureQueriesContext(connection) as queries:
        mix = content_mix(account=acmecoffee, window=window)

    assert (mix.promotional, mix.authentic, mix.marked) == (3, 4, 2)
    assert len(queries) == 1  # the stored title_promotional: no markers read, no title matched

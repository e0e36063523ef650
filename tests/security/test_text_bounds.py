"""Free text is bounded, and markers are matched when titles or markers change, never per view.

200 markers of 60 characters by five titles of 100,000 characters made the Content page
take 25.7 s: every marker was tried at every character of every title on every view.
The timing lives in bench/bounds.py; here the answers, and that no page matches a title.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from analytics.content.video_marks import promotional_markers_save, videos_classify
from analytics.fields import MAX_TITLE_CHARS
from analytics.models import PromotionalMarkers, Video
from analytics.promotion import MAX_MARKER_LENGTH, MAX_MARKERS, Matcher
from tests.factories import AccountFactory
from tests.imports.import_service_files import run

pytestmark = pytest.mark.django_db

LONG = ("word " * 30_000)[:100_000]


def content_csv(title: str, video_id: str = "7453920011122334455") -> bytes:
    return (
        '"Time","Video title","Video link","Post time","Total likes","Total comments",'
        '"Total shares","Total views"\n'
        f'"2024-12-30","{title}","https://www.tiktok.com/@acmeofficial/video/{video_id}",'
        '"December 30","1","2","3","4"\n'
    ).encode()


def test_a_title_from_a_file_is_cut_to_tiktoks_limit_with_a_note(acme):
    official = AccountFactory(team=acme, handle="acmeofficial")
    result = run(acme, [("Content.csv", content_csv(LONG + " #ad"))], account=official)

    assert result.ok, result.errors
    video = Video.objects.get()
    assert len(video.title) <= MAX_TITLE_CHARS
    assert video.title == LONG[:MAX_TITLE_CHARS].rstrip()
    assert result.notes == [
        "Content.csv: 1 title longer than 4,000 characters (TikTok's caption limit) cut to it "
        "(line 2)"
    ]
    # "#ad" was past the limit: what is stored is what is matched.
    assert video.title_promotional is False


def test_a_title_from_the_api_is_cut_too_and_classified(acme):
    from connections.api import UserStats, VideoTotals
    from connections.services.snapshots import snapshot_store

    account = AccountFactory(team=acme, handle="acmecoffee")
    item = VideoTotals(
        video_id="7453920011122334455",
        title="#ad " + LONG,
        link="https://www.tiktok.com/@acmecoffee/video/7453920011122334455",
        posted_at=None,
        views=1,
        likes=0,
        comments=0,
        shares=0,
    )
    user = UserStats(open_id="x", follower_count=1, is_verified=False)
    snapshot_store(account=account, day=date(2025, 3, 1), user=user, videos=[item])

    video = Video.objects.get()
    assert len(video.title) == MAX_TITLE_CHARS
    assert video.title_promotional is True


def test_markers_are_bounded_for_every_caller(acme, alice):
    with pytest.raises(ValidationError, match=f"At most {MAX_MARKERS}"):
        promotional_markers_save(
            team=acme, user=alice, markers=[f"m{n}" for n in range(MAX_MARKERS + 1)]
        )
    with pytest.raises(ValidationError, match=f"at most {MAX_MARKER_LENGTH}"):
        promotional_markers_save(team=acme, user=alice, markers=["x" * (MAX_MARKER_LENGTH + 1)])
    assert not PromotionalMarkers.objects.exists()


def test_changing_the_markers_recomputes_the_stored_answer(acme, alice):
    account = AccountFactory(team=acme, handle="acmecoffee")
    video = Video.objects.create(account=account, video_id="1", title="Our new latte")
    videos_classify(videos=Video.objects.all())
    video.refresh_from_db()
    assert video.title_promotional is False

    promotional_markers_save(team=acme, user=alice, markers=["latte"])
    video.refresh_from_db()
    assert video.title_promotional is True

    promotional_markers_save(team=acme, user=alice, markers=["#ad"])
    video.refresh_from_db()
    assert video.title_promotional is False


def test_no_page_matches_markers_against_titles(acme, alice, acmecoffee, login, monkeypatch):
    PromotionalMarkers.objects.create(
        team=acme, markers=[f"marker{n:03d}" + "x" * 50 for n in range(200)]
    )
    for n in range(5):
        Video.objects.create(
            account=acmecoffee,
            video_id=str(7453920011122334400 + n),
            title=LONG,
            posted_on=date(2025, 3, 1 + n),
        )
    videos_classify(videos=Video.objects.all())

    def refuse(*_args, **_kwargs):
        raise AssertionError("a page matched markers against a title")

    monkeypatch.setattr(Matcher, "matches", refuse)
    client = login(alice)
    for url in [
        reverse("analytics:video-list", args=["acme", "acmecoffee"]),
        reverse("accounts:account-detail", args=["acme", "acmecoffee"]),
    ]:
        assert client.get(url).status_code == 200, url

"""Video links are stored only as TikTok's canonical link, rebuilt from handle and id.

A Content link `javascript:alert(document.domain)//www.tiktok.com/@acmecoffee/video/<id>`
was imported and rendered as the "TikTok" link; `https://evil.example/@acmecoffee/video/<id>`
became a working phishing link; the API sync stored `share_url` unchecked.
"""

from __future__ import annotations

from datetime import date

import pytest

from analytics.content.links import canonical_link, parse_video_link
from analytics.models import Video
from tests.factories import AccountFactory
from tests.imports.import_service_files import run

ID = "7453920011122334455"
GOOD = f"https://www.tiktok.com/@acmeofficial/video/{ID}"

BAD_LINKS = [
    f"javascript:alert(document.domain)//www.tiktok.com/@acmeofficial/video/{ID}",
    f"https://evil.example/@acmeofficial/video/{ID}",
    f"https://www.tiktok.com.evil.example/@acmeofficial/video/{ID}",
    f"https://evil.example/?https://www.tiktok.com/@acmeofficial/video/{ID}",
    f"//www.tiktok.com/@acmeofficial/video/{ID}",
    f"data:text/html,https://www.tiktok.com/@acmeofficial/video/{ID}",
    f"https://www.tiktok.com/@acmeofficial/video/{ID}x",
    "https://www.tiktok.com/@acmeofficial/video/٧٤٥٣",  # Arabic-Indic digits
    f'https://www.tiktok.com/@acme"onmouseover=alert(1)/video/{ID}',
    f"https://www.tiktok.com/@acmeofficial/video/{ID} javascript:x",
    "https://www.tiktok.com/@acmeofficial/video/",
    f"https://www.tiktok.com/video/{ID}",
]


@pytest.mark.parametrize("link", BAD_LINKS)
def test_anything_but_a_tiktok_video_link_is_no_link(link):
    assert parse_video_link(link) is None


@pytest.mark.parametrize(
    "given",
    [
        GOOD,
        f"https://www.tiktok.com/@AcmeOfficial/video/{ID}?is_from_webapp=1&sender=x",
        f"http://m.tiktok.com/@acmeofficial/video/{ID}/",
        f"HTTPS://TIKTOK.COM/@acmeofficial/video/{ID}#comments",
    ],
)
def test_a_video_link_is_rebuilt_from_handle_and_id(given):
    assert parse_video_link(given).canonical == GOOD


def test_a_canonical_link_needs_digits():
    with pytest.raises(ValueError):
        canonical_link("acme", "video", "12a")
    assert canonical_link("acme", "photo", "12") == "https://www.tiktok.com/@acme/photo/12"


def content_csv(link: str) -> bytes:
    return (
        '"Time","Video title","Video link","Post time","Total likes","Total comments",'
        '"Total shares","Total views"\n'
        f'"2024-12-30","A video","{link}","December 30","1","2","3","4"\n'
    ).encode()


@pytest.mark.django_db
@pytest.mark.parametrize("link", BAD_LINKS[:3])
def test_a_file_with_a_bad_link_is_refused_by_line(acme, link):
    official = AccountFactory(team=acme, handle="acmeofficial")
    result = run(acme, [("Content.csv", content_csv(link))], account=official)

    assert len(result.errors) == 1
    assert result.errors[0].startswith("Content.csv: line 2, column Video link: '")
    assert "is not a TikTok video link" in result.errors[0]
    assert not Video.objects.exists()


@pytest.mark.django_db
def test_a_file_link_is_stored_canonical(acme):
    official = AccountFactory(team=acme, handle="acmeofficial")
    link = f"https://www.tiktok.com/@AcmeOfficial/video/{ID}?is_from_webapp=1"
    result = run(acme, [("Content.csv", content_csv(link))], account=official)

    assert result.ok, result.errors
    assert Video.objects.get().link == GOOD


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("share_url", "stored"),
    [
        (f"https://evil.example/@x/video/{ID}", f"https://www.tiktok.com/@acmecoffee/video/{ID}"),
        ("javascript:alert(1)", f"https://www.tiktok.com/@acmecoffee/video/{ID}"),
        (
            f"https://www.tiktok.com/@acmecoffee/photo/{ID}?u=1",
            f"https://www.tiktok.com/@acmecoffee/photo/{ID}",
        ),
    ],
)
def test_the_api_share_url_is_never_stored_as_given(acme, share_url, stored):
    from connections.api import UserStats, VideoTotals
    from connections.services.snapshots import snapshot_store

    account = AccountFactory(team=acme, handle="acmecoffee")
    item = VideoTotals(ID, "t", share_url, None, 1, 0, 0, 0)
    user = UserStats(open_id="x", follower_count=1, is_verified=False)
    snapshot_store(account=account, day=date(2025, 3, 1), user=user, videos=[item])

    assert Video.objects.get().link == stored


@pytest.mark.parametrize("video_id", ["12a", "../1", "1\x00", "٧٤٥"])
def test_the_api_refuses_a_video_id_that_is_not_digits(video_id):
    from connections.api import _video
    from connections.client import ApiError

    with pytest.raises(ApiError, match="not a number"):
        _video({"id": video_id, "share_url": GOOD})

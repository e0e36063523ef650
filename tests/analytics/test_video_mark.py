"""Marking a video promotional, authentic or back to its title: anyone who sees the account."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from analytics.content.video_marks import video_mark
from analytics.models import Video
from tests.analytics.videos_data import make_video

pytestmark = pytest.mark.django_db

VIDEO_ID = "7486000011122334455"


def url(handle: str = "acmecoffee", video_id: str = VIDEO_ID, team: str = "acme") -> str:
    return reverse("analytics:video-mark", args=[team, handle, video_id])


@pytest.fixture
def video(acmecoffee) -> Video:
    return make_video(
        acmecoffee,
        VIDEO_ID,
        title="Morning at the roastery",
        posted_on=date(2025, 3, 20),
        snapshots=[(date(2025, 3, 30), 1000, 40, 5, 5)],
    )


def test_it_marks_a_video_promotional_and_goes_back(login, alice, video) -> None:
    back = reverse("analytics:video-list", args=["acme", "acmecoffee"]) + "?sort=views&page=1"

    response = login(alice).post(url(), {"promotional": "promotional", "next": back})

    assert response.status_code == 302
    assert response.url == back
    video.refresh_from_db()
    assert video.promotional_mark is True
    assert video.marked_by == alice
    assert video.marked_at is not None


def test_it_rerenders_the_row_for_htmx(login, alice, video) -> None:
    response = login(alice).post(url(), {"promotional": "promotional"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="video-{VIDEO_ID}">')
    # One control per row: the choice, saved on change, showing who marked it.
    assert html.count("<select") == 1 and "<button" not in html.replace("<noscript><button", "")
    assert '<option value="promotional" selected>Promotional (marked by alice)</option>' in html
    assert '<option value="title">Decide by title</option>' in html
    assert 'data-column="views">1,000</td>' in html


def test_it_hands_the_video_back_to_its_title(login, alice, video) -> None:
    client = login(alice)
    client.post(url(), {"promotional": "authentic"})
    video.refresh_from_db()
    assert video.promotional_mark is False

    response = client.post(url(), {"promotional": "title"}, HTTP_HX_REQUEST="true")

    video.refresh_from_db()
    assert video.promotional_mark is None
    assert video.marked_by is None
    assert video.marked_at is None
    assert "by title" in response.content.decode()


def test_it_lets_a_manager_mark_the_videos_of_an_account_they_manage(
    login, bob, video, acme_deals
) -> None:
    other = make_video(acme_deals, "7486000011122339999", title="Deal of the day")
    client = login(bob)

    assert client.post(url(), {"promotional": "authentic"}).status_code == 302
    assert (
        client.post(url("acme.deals", other.video_id), {"promotional": "authentic"}).status_code
        == 404
    )
    video.refresh_from_db()
    other.refresh_from_db()
    assert video.promotional_mark is False
    assert other.promotional_mark is None


def test_it_hides_other_teams_videos(login, charlie, video) -> None:
    response = login(charlie).post(url(), {"promotional": "promotional"})

    assert response.status_code == 404
    video.refresh_from_db()
    assert video.promotional_mark is None


def test_it_is_a_404_for_a_video_of_another_account(login, alice, video, acme_deals) -> None:
    response = login(alice).post(url("acme.deals"), {"promotional": "promotional"})

    assert response.status_code == 404


@pytest.mark.parametrize("value", ["", "yes", "1"])
def test_it_refuses_a_bad_mark_and_writes_nothing(login, alice, video, value: str) -> None:
    client = login(alice)

    htmx = client.post(url(), {"promotional": value}, HTTP_HX_REQUEST="true")
    plain = client.post(url(), {"promotional": value})

    assert htmx.status_code == 200
    assert 'role="alert"' in htmx.content.decode()
    assert "promotional, authentic or" in htmx.content.decode()
    assert plain.status_code == 302
    assert [str(m) for m in get_messages(plain.wsgi_request)][-1].startswith(
        f"Video {VIDEO_ID} was not changed:"
    )
    video.refresh_from_db()
    assert video.promotional_mark is None


def test_it_never_goes_back_to_another_site(login, alice, video) -> None:
    response = login(alice).post(
        url(), {"promotional": "authentic", "next": "https://evil.example/"}
    )

    assert response.url == reverse("analytics:video-list", args=["acme", "acmecoffee"])


def test_it_refuses_get(login, alice, video) -> None:
    assert login(alice).get(url()).status_code == 405


def test_it_writes_only_the_mark(alice, video) -> None:
    # An import that renamed the video meanwhile keeps its title: the mark saves its own fields.
    Video.objects.filter(pk=video.pk).update(title="Renamed by the import")

    video_mark(video=video, user=alice, promotional=True)

    video.refresh_from_db()
    assert video.title == "Renamed by the import"
    assert video.promotional_mark is True


def test_it_checks_the_right_again_in_the_service(charlie, video) -> None:
    with pytest.raises(PermissionDenied):
        video_mark(video=video, user=charlie, promotional=True)
    video.refresh_from_db()
    assert video.promotional_mark is None

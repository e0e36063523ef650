"""One video's page: its mark, its snapshots and the views-over-time line."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.urls import reverse

from tests.analytics.videos_data import make_video

pytestmark = pytest.mark.django_db

VIDEO_ID = "7486000011122334455"


def url(handle: str = "acmecoffee", video_id: str = VIDEO_ID, team: str = "acme") -> str:
    return reverse("analytics:video-detail", args=[team, handle, video_id])


def test_it_requires_login(client, acmecoffee) -> None:
    make_video(acmecoffee, VIDEO_ID)

    assert client.get(url()).status_code == 302


def test_it_draws_the_views_of_a_video_with_several_snapshots(login, alice, acmecoffee) -> None:
    make_video(
        acmecoffee,
        VIDEO_ID,
        title="Cold brew, three ways",
        posted_on=date(2025, 3, 1),
        snapshots=[
            (date(2025, 3, 2), 800, 30, 2, 1),
            (date(2025, 3, 9), 5400, 200, 12, 9),
            (date(2025, 3, 30), 7100, 260, 15, 11),
        ],
    )

    response = login(alice).get(url())

    html = response.content.decode()
    assert response.status_code == 200
    assert f"<title>@acmecoffee video {VIDEO_ID} · Playbook</title>" in html
    data = re.search(r'<script id="video-views-data" type="application/json">(.*?)</script>', html)
    assert data
    assert json.loads(data.group(1)) == {
        "labels": ["2025-03-02", "2025-03-09", "2025-03-30"],
        "views": [800, 5400, 7100],
    }
    assert 'data-chart="video-views"' in html
    # (260 + 15 + 11) / 7100 = 4.03%.
    assert '<td class="text-end">4.0%</td>' in html
    assert "js/video_charts.js" in html
    # The CSP allows no inline script: the only inline script element holds JSON data.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [
        '<script id="video-views-data" type="application/json">'
    ]


def test_it_explains_the_missing_line_with_one_snapshot(login, alice, acmecoffee) -> None:
    make_video(acmecoffee, VIDEO_ID, snapshots=[(date(2025, 3, 30), 100, 1, 1, 1)])

    html = login(alice).get(url()).content.decode()

    assert "One snapshot so far (30 Mar 2025)" in html
    assert "video-views-data" not in html
    assert "video_charts.js" not in html


def test_it_hides_other_teams_and_other_accounts_videos(
    login, alice, bob, charlie, acmecoffee, acme_deals
) -> None:
    make_video(acmecoffee, VIDEO_ID)
    make_video(acme_deals, "7486000011122339999")

    assert login(charlie).get(url()).status_code == 404
    assert login(alice).get(url(video_id="7486000011122339999")).status_code == 404
    assert login(alice).get(url(video_id="nope")).status_code == 404
    assert login(bob).get(url("acme.deals", "7486000011122339999")).status_code == 404
    assert login(bob).get(url()).status_code == 200

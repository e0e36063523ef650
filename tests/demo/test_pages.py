"""The demo through its pages: after seed_demo, every panel of issue 8 shows data, none is empty."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse

from analytics.models import Video
from demo.team import DEMO_ACCOUNTS

HANDLES = [demo.handle for demo in DEMO_ACCOUNTS]


@pytest.fixture
def lena(seeded: str):
    """The demo's lead, logged in through the test client once the demo is seeded."""
    return get_user_model().objects.get(username="lena")


def page(client, name: str, *args: str) -> str:
    response = client.get(reverse(name, args=["acme", *args]))
    assert response.status_code == 200, (name, args)
    return response.content.decode()


def section(html: str, start: str, end: str = "</section>") -> str:
    html = html[html.index(start) :]
    return html[: html.index(end)]


def test_it_fills_the_content_mix_and_the_audience_panel_of_every_account(login, lena) -> None:
    client = login(lena)
    promotional_anywhere = 0
    for handle in HANDLES:
        html = page(client, "accounts:account-detail", handle)

        mix = section(html, 'id="content-mix-h"')
        counts = {kind: int(value) for kind, value in re.findall(r'data-mix="(\w+)">(\d+)<', mix)}
        assert counts["promotional"] + counts["authentic"] > 0, handle
        promotional_anywhere += counts["promotional"]

        audience = section(html, 'id="audience"')
        assert "data-empty" not in audience, handle
        assert len(re.findall(r'<tr data-share="(\w+)">', audience)) >= 5, handle
        assert "United States" in audience, handle
        best = re.findall(r'<span class="badge pb-best-hour">(\d\d:00)</span>', audience)
        assert len(best) == 3 and len(set(best)) == 3, handle
        cells = re.findall(r'class="text-end pb-heat pb-heat-(\w+)"', audience)
        assert len(cells) == 7 * 24, handle
        # Every weekday and hour has data, and the shades run from light to dark.
        assert "none" not in cells, handle
        assert {"1", "5"} <= set(cells), handle
    assert promotional_anywhere > 0


def test_it_lists_videos_on_every_content_page(login, lena) -> None:
    client = login(lena)
    for handle in HANDLES:
        html = page(client, "analytics:video-list", handle)

        assert 'id="videos-empty"' not in html, handle
        # @acme.baristas posts little, so its few videos may all be among the most viewed.
        assert 'id="top-videos"' in html, handle
        assert len(re.findall(r'<tr id="video-\d+">', html)) > 3, handle
        assert 'data-column="views">' in html, handle

    # A video with several snapshots draws its views over time.
    video = (
        Video.objects.filter(account__handle=HANDLES[0])
        .annotate(snapshot_count=Count("snapshots"))
        .filter(snapshot_count__gte=2)
        .first()
    )
    html = page(client, "analytics:video-detail", HANDLES[0], video.video_id)
    assert 'data-chart="video-views"' in html


def test_it_charts_new_and_returning_viewers_on_every_scorecard(login, lena) -> None:
    client = login(lena)
    for handle in HANDLES:
        html = page(client, "analytics:account-scorecard", handle)

        viewers = section(html, 'id="viewers"')
        assert 'data-empty="viewers"' not in viewers, handle
        assert 'data-chart="viewers"' in viewers, handle
        data = json.loads(section(viewers, 'id="viewer-data"', "</script>").split(">", 1)[1])
        assert len(data["labels"]) == 28, handle
        # Days without metrics have no viewers either (@acme.baristas' story has a gap).
        known = [
            (new, back)
            for new, back in zip(data["new"], data["returning"], strict=True)
            if new is not None
        ]
        assert len(known) >= 14, handle
        assert all(new > 0 and back > 0 for new, back in known), handle
        days = re.findall(r'<tr data-viewers="([\d-]+)">', viewers)
        assert len(days) == 28, handle

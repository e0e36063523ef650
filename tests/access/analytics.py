"""Access of the analytics app's URLs, for tests/test_access_matrix.py."""

from __future__ import annotations

from datetime import date

from analytics.models import Video, VideoSnapshot
from analytics.services.imports import import_preview
from tests.access.roles import Cast
from tests.factories import ScorecardFactory, ScorecardRunFactory

# Anyone outside the team gets 404 (the superuser too: superusers are in no team).
OUTSIDERS = {"anonymous": 302, "other_lead": 404, "superuser": 404}

EXPECTED: dict[str, tuple[str, dict[str, int]]] = {
    # -- imports --
    # Managers import too (for the accounts they manage), so no import URL is lead-only.
    "import_list": ("GET", OUTSIDERS | {"manager": 200, "lead": 200}),
    "import_upload": ("GET", OUTSIDERS | {"manager": 200, "lead": 200}),
    "import_detail": ("GET", OUTSIDERS | {"manager": 200, "lead": 200}),
    # The run has errors: confirming shows them again instead of importing.
    "import_confirm": ("POST", OUTSIDERS | {"manager": 200, "lead": 200}),
    # The manager discards it; the lead then lands on the discarded run.
    "import_discard": ("POST", OUTSIDERS | {"manager": 302, "lead": 302}),
    # -- scorecards and review --
    "scorecard_review": ("GET", OUTSIDERS | {"manager": 200, "lead": 200}),
    "scorecard_export": ("GET", OUTSIDERS | {"manager": 200, "lead": 200}),
    # An empty POST has no period: the lead sees the page again with the error.
    "scorecard_recompute": ("POST", OUTSIDERS | {"manager": 403, "lead": 200}),
    "scorecard_run": ("GET", OUTSIDERS | {"manager": 403, "lead": 200}),
    "account_scorecard": ("GET", OUTSIDERS | {"manager": 200, "lead": 200}),
    "scorecard_mark_reviewed": ("POST", OUTSIDERS | {"manager": 403, "lead": 302}),
    # -- videos (the Content page) and promotional markers --
    "video_list": ("GET", OUTSIDERS | {"manager": 200, "lead": 200}),
    "video_export": ("GET", OUTSIDERS | {"manager": 200, "lead": 200}),
    "video_detail": ("GET", OUTSIDERS | {"manager": 200, "lead": 200}),
    # Anyone who sees the account marks its videos; an empty POST goes back with the error.
    "video_mark": ("POST", OUTSIDERS | {"manager": 302, "lead": 302}),
    "promotional_markers": ("GET", OUTSIDERS | {"manager": 403, "lead": 200}),
    "promotional_markers_reset": ("POST", OUTSIDERS | {"manager": 403, "lead": 302}),
}

SCORECARD_END = date(2025, 3, 28)
VIDEO_ID = "7486000011122334455"


def url_kwargs(cast: Cast) -> dict[str, str]:
    # -- imports --
    rejected = import_preview(
        membership=cast.bob.memberships.get(team=cast.acme),
        user=cast.bob,
        files=[("bad.csv", b"date,video_views\n2024-10-01,-1\n")],
        account=cast.acmecoffee,
        as_of=SCORECARD_END,
    )
    # -- scorecards and review --
    ScorecardFactory(account=cast.acmecoffee, days=28, period_end=SCORECARD_END)
    run = ScorecardRunFactory(team=cast.acme, requested_by=cast.alice)
    # -- videos --
    video = Video.objects.create(
        account=cast.acmecoffee,
        video_id=VIDEO_ID,
        title="Behind the scenes",
        posted_on=SCORECARD_END,
    )
    VideoSnapshot.objects.create(video=video, date=SCORECARD_END, views=100, likes=5)
    return {
        "team_slug": cast.acme.slug,
        "handle": cast.acmecoffee.handle,
        "period_days": "28",
        "period_end": SCORECARD_END.isoformat(),
        "scorecard_run_id": str(run.public_id),
        "import_run_id": str(rejected.public_id),
        "video_id": VIDEO_ID,
    }

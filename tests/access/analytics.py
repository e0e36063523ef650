"""Access of the analytics app's URLs, for tests/test_access_matrix.py."""

from __future__ import annotations

from datetime import date

from analytics.models import Video, VideoSnapshot
from tests.access.roles import Cast, seen
from tests.factories import ScorecardFactory, ScorecardRunFactory

# Anyone outside the team gets 404 (the superuser too: superusers are in no team); kept
# for entries in the older (method, statuses) form.
OUTSIDERS = {"anonymous": 302, "other_lead": 404, "superuser": 404}
MEMBERS_SEE = seen(manager=200, lead=200)
# Managers see the runs they made (bob's), not other managers' (dave's).
OWN_RUN = seen(manager=200, other_manager=404, lead=200)
ACCOUNT_SEE = seen(manager=200, other_manager=404, lead=200)

# name: {method: {role: status}}; methods not listed answer 405 (302 for anonymous users).
EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    # -- scorecards and review --
    "analytics:scorecard-review": {"GET": MEMBERS_SEE},
    "analytics:scorecard-export": {"GET": MEMBERS_SEE},
    # An empty POST has no period: the lead sees the page again with the error.
    "analytics:scorecard-recompute": {"POST": seen(manager=403, lead=200)},
    "analytics:scorecard-run": {"GET": seen(manager=403, lead=200)},
    "analytics:account-scorecard": {"GET": ACCOUNT_SEE},
    "analytics:scorecard-mark-reviewed": {"POST": seen(manager=403, lead=302)},
    # An empty POST ticks nothing: the lead is sent back with the error.
    "analytics:scorecard-bulk-mark-reviewed": {"POST": seen(manager=403, lead=302)},
    # -- videos (the Content page) and promotional markers --
    "analytics:video-list": {"GET": ACCOUNT_SEE},
    "analytics:video-export": {"GET": ACCOUNT_SEE},
    "analytics:video-detail": {"GET": ACCOUNT_SEE},
    # Anyone who sees the account marks its videos; an empty POST goes back with the error.
    "analytics:video-mark": {"POST": seen(manager=302, other_manager=404, lead=302)},
    # An empty POST is refused with the form's error on the page.
    "analytics:promotional-markers": {
        "GET": seen(manager=403, lead=200),
        "POST": seen(manager=403, lead=200),
    },
    "analytics:promotional-markers-reset": {"POST": seen(manager=403, lead=302)},
}

SCORECARD_END = date(2025, 3, 28)
VIDEO_ID = "7486000011122334455"
FOREIGN_VIDEO_ID = "7486000099988877766"


def url_kwargs(cast: Cast) -> dict[str, str]:
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
        "video_id": VIDEO_ID,
    }


def foreign_kwargs(cast: Cast) -> dict[str, str]:
    """Globex's objects, asked for under Acme's slug."""
    ScorecardFactory(account=cast.globex_main, days=28, period_end=SCORECARD_END)
    run = ScorecardRunFactory(team=cast.globex, requested_by=cast.charlie)
    Video.objects.create(account=cast.globex_main, video_id=FOREIGN_VIDEO_ID, title="Globex")
    return {
        "handle": cast.globex_main.handle,
        "video_id": FOREIGN_VIDEO_ID,
        "scorecard_run_id": str(run.public_id),
    }

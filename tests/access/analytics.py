"""Access of the analytics app's URLs, for tests/test_access_matrix.py."""

from __future__ import annotations

from datetime import date

from tests.access.roles import Cast
from tests.factories import ScorecardFactory, ScorecardRunFactory

# Anyone outside the team gets 404 (the superuser too: superusers are in no team).
OUTSIDERS = {"anonymous": 302, "other_lead": 404, "superuser": 404}

EXPECTED: dict[str, tuple[str, dict[str, int]]] = {
    # -- scorecards and review --
    "scorecard_review": ("GET", OUTSIDERS | {"manager": 200, "lead": 200}),
    "scorecard_export": ("GET", OUTSIDERS | {"manager": 200, "lead": 200}),
    # An empty POST has no period: the lead sees the page again with the error.
    "scorecard_recompute": ("POST", OUTSIDERS | {"manager": 403, "lead": 200}),
    "scorecard_run": ("GET", OUTSIDERS | {"manager": 403, "lead": 200}),
    "account_scorecard": ("GET", OUTSIDERS | {"manager": 200, "lead": 200}),
    "scorecard_mark_reviewed": ("POST", OUTSIDERS | {"manager": 403, "lead": 302}),
}

SCORECARD_END = date(2025, 3, 28)


def url_kwargs(cast: Cast) -> dict[str, str]:
    # -- scorecards and review --
    ScorecardFactory(account=cast.acmecoffee, days=28, period_end=SCORECARD_END)
    run = ScorecardRunFactory(team=cast.acme, requested_by=cast.alice)
    return {
        "team_slug": cast.acme.slug,
        "handle": cast.acmecoffee.handle,
        "period_days": "28",
        "period_end": SCORECARD_END.isoformat(),
        "scorecard_run_id": str(run.public_id),
    }

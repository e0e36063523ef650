"""bench/bounds.py's page part: 200 markers by five 100,000-character titles (issue 17).

Runs in the database bench/bounds.py set up (playbook_bench_bounds). Makes, once, a team
"bounds" with 200 promotional markers of 60 characters and an account @bounds with five
videos whose titles hold 100,000 characters (written straight to the table, as videos
imported before titles were cut would be), a scorecard and a lead. Then, in process with
the test client and the page cache off, renders the Content page, the scorecard page and
the account page (best of 5 each), against the login page; and times, for reference,
what every view used to do: compile the markers and match them against the five titles.
"""

from __future__ import annotations

import time
from datetime import date

TITLE = ("word " * 30_000)[:100_000]
MARKERS = [f"marker{n:03d}" + "x" * 51 for n in range(200)]


def _best(run, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def _data():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.models import DEFAULT_TARGETS, Account, Kind, Membership, Role, Team
    from analytics.content.video_marks import videos_classify
    from analytics.models import PromotionalMarkers, Scorecard, Video

    team, _ = Team.objects.get_or_create(slug="bounds", defaults={"name": "Bounds"})
    user, _ = get_user_model().objects.get_or_create(username="bounds-lead")
    Membership.objects.get_or_create(team=team, user=user, defaults={"role": Role.LEAD})
    account = Account.objects.filter(team=team, handle="bounds").first()
    if account is None:
        account = Account.objects.create(
            team=team, handle="bounds", kind=Kind.OFFICIAL, **DEFAULT_TARGETS[Kind.OFFICIAL]
        )
    PromotionalMarkers.objects.update_or_create(team=team, defaults={"markers": MARKERS})
    for n in range(5):
        Video.objects.update_or_create(
            account=account,
            video_id=str(7453920011122334400 + n),
            defaults={"title": TITLE, "posted_on": date(2025, 3, 1 + n)},
        )
    videos_classify(videos=Video.objects.filter(account=account))
    if not Scorecard.objects.filter(account=account).exists():
        Scorecard.objects.create(
            account=account,
            days=28,
            period_start=date(2025, 3, 1),
            period_end=date(2025, 3, 28),
            computed_at=timezone.now(),
        )
    return team, user, account


def pages() -> list[tuple[str, float, str, float]]:
    from django.test import Client
    from django.urls import reverse

    from analytics.promotion import compile_markers

    team, user, account = _data()
    client = Client()
    client.force_login(user)
    args = [team.slug, account.handle]
    urls = {
        "content": reverse("analytics:video-list", args=args),
        "scorecard": reverse("analytics:account-scorecard", args=args),
        "account": reverse("accounts:account-detail", args=args),
    }
    anonymous = Client()
    baseline = _best(lambda: anonymous.get("/login/"))
    goals = []
    for name, url in urls.items():
        status = client.get(url).status_code
        seconds = _best(lambda url=url: client.get(url))
        print(
            f"pages {name}: {seconds * 1000:.1f} ms (status {status}), login page "
            f"{baseline * 1000:.1f} ms, ratio {seconds / baseline:.1f}"
        )
        # A page that does not render is no figure: it counts as missed.
        goals.append((f"page_{name}_seconds", seconds if status == 200 else 99.0, "<=", 1.0))

    def per_view_before() -> None:
        matcher = compile_markers(MARKERS)
        for _ in range(5):
            matcher.matches(TITLE)

    before = _best(per_view_before, repeat=1)
    print(f"reference: matching 200 markers on five 100,000-character titles {before:.2f} s")
    return goals

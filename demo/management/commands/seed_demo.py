from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from demo.alerts import seed_notifications
from demo.checklists import DEMO_WEEKS, seed_checklists
from demo.panels import (
    ACTIVITY_DAYS,
    seed_audience,
    seed_videos,
    seed_viewers_and_activity,
)
from demo.share_link import seed_share_link
from demo.team import (
    DEMO_DAYS,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    seed_metrics,
    seed_scorecards,
    seed_team,
)
from lib.dates import yesterday


class Command(BaseCommand):
    help = (
        "Creates the demo team, its logins, accounts, metrics, videos, audience, follower "
        "activity and viewers, and computes their scorecards; running it again adds nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        team, accounts, created = seed_team()
        verb = "created" if created else "already there"
        self.stdout.write(f"demo team '{team.name}' {verb} with {len(accounts)} accounts")
        end = yesterday()
        added = seed_metrics(accounts, end)
        self.stdout.write(
            f"demo metrics: {added} daily rows added "
            f"({DEMO_DAYS} days per account, ending {end.isoformat()})"
        )
        videos, snapshots = seed_videos(team, accounts, end)
        self.stdout.write(f"demo videos: {videos} videos and {snapshots} snapshots added")
        shares = seed_audience(accounts, end)
        self.stdout.write(f"demo audience: {shares} gender and territory shares added")
        viewers, hours = seed_viewers_and_activity(accounts, end)
        self.stdout.write(
            f"demo viewers: {viewers} days added; follower activity: {hours} hours added "
            f"({ACTIVITY_DAYS} days of 24 hours per account)"
        )
        stored = seed_scorecards(team, accounts, end, force=added > 0)
        if stored:
            self.stdout.write(f"demo scorecards: {stored} computed")
        else:
            self.stdout.write("demo scorecards: up to date")
        ticks = seed_checklists(team, accounts)
        self.stdout.write(f"demo checklists: {ticks} ticks over the last {DEMO_WEEKS} weeks")
        # Each seeds once and says what it added (nothing on a second run, for notifications).
        for label, seed in (("notifications", seed_notifications), ("reports", seed_share_link)):
            said = seed(team=team, accounts=accounts, end=end)
            if said:
                self.stdout.write(f"demo {label}: {said}")
        self.stdout.write(f"demo logins (password for both: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:8} {login.role}")
        self.stdout.write(f"seeded in {time.monotonic() - started:.1f} s")

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from analytics.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_team


class Command(BaseCommand):
    help = "Creates the demo team, its logins and accounts once; running it again adds nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        team, accounts, created = seed_team()
        verb = "created" if created else "already there"
        self.stdout.write(f"demo team '{team.name}' {verb} with {len(accounts)} accounts")
        self.stdout.write("demo logins (password for both: %s):" % DEMO_PASSWORD)
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:8} {login.role}")

from __future__ import annotations

from datetime import date

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def seed_demo(self, *, team: object, accounts: list, end: date) -> str:
        """The demo's one share link (manage.py seed_demo calls this)."""
        from reports.demo import seed_share_link

        return seed_share_link(team=team, accounts=accounts, end=end)

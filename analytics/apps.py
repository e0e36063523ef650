from __future__ import annotations

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"

    def ready(self) -> None:
        # Checklists tick "paid promotion ran this week" from the daily metrics, and the
        # video items ("one promotional post in five", ...) from the videos.
        from analytics.evidence import register_evidence

        register_evidence()

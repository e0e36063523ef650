from __future__ import annotations

from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"

    def ready(self) -> None:
        from strategy import evidence

        evidence.register_account_rules()

    def on_team_created(self, team: object) -> None:
        """Every new team starts with the default checklist of each kind."""
        from strategy.services import templates_ensure

        templates_ensure(team=team)

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

    def on_account_changed(self, account: object) -> None:
        """The account rules ("verified", "targets set") answer with the account's settings
        as they are now, for every week: its stored practice figures are computed again."""
        from strategy.practice_figures import practice_refresh

        practice_refresh(accounts=[account])

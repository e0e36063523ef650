from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Needs attention, digests and alerts"

    def ready(self) -> None:
        # The team's home page (accounts:team-home) is Needs attention; accounts owns the
        # URL but may not import this app, so the view is registered into it.
        from accounts.home import register_team_home
        from notifications.views import needs_attention

        register_team_home(needs_attention)

        # Alerts are evaluated when a recompute finishes; analytics sends a signal rather
        # than import this app (the dependencies point down: notifications → analytics).
        from analytics.signals import scorecard_run_done
        from notifications.alerts import on_scorecard_run_done

        scorecard_run_done.connect(on_scorecard_run_done, dispatch_uid="notifications-alerts")

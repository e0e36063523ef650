"""The demo's notifications: e-mail addresses, a few alerts, and one digest preview."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from accounts.models import Account, Team
from lib.dates import monday_of
from notifications.alerts import alert_settings_update, alerts_evaluate
from notifications.models import AlertRule, Condition, DigestDelivery
from notifications.services import digest_send_preview

DEMO_CONDITIONS = [
    Condition.GRADE_DROP,
    Condition.NO_DATA,
    Condition.SYNC_FAILED,
    Condition.BELOW_TARGET,
]


def seed_notifications(*, team: Team, accounts: list[Account], end: date) -> str:
    """Gives the demo's members example.com addresses, turns alerts on (recorded, not
    sent), and sends the lead one digest preview (to the console without EMAIL_URL)."""
    users = list(get_user_model().objects.filter(memberships__team=team, email=""))
    for user in users:
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    said = []
    if not AlertRule.objects.filter(team=team).exists():
        leads = get_user_model().objects.filter(memberships__team=team, memberships__role="lead")
        alert_settings_update(team=team, conditions=DEMO_CONDITIONS, recipients=list(leads))
        events = alerts_evaluate(team=team, today=end, notify=False)
        said.append(f"{len(events)} alerts")
    lead = get_user_model().objects.filter(memberships__team=team, memberships__role="lead").first()
    if lead and not DigestDelivery.objects.filter(user=lead, preview=True).exists():
        digest_send_preview(user=lead, week_start=monday_of(end))
        said.append(f"a digest preview to {lead.email}")
    return ", ".join(said)

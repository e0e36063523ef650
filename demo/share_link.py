"""The demo's share link: the team report of the last 28 days, shared by the demo lead."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

from accounts.models import Account, Membership, Role, Team
from lib.dates import today
from reports.models import ShareLink
from reports.periods import ReportPeriod
from reports.services import share_link_create, token_hash

DEMO_DAYS = 28
DEMO_LINK_DAYS = 30


def demo_token(team: Team) -> str:
    # The same token on every run of the same installation (it is derived from the secret
    # key), so running the demo again prints the same working link and adds no other.
    return salted_hmac("reports.demo.share", team.slug, algorithm="sha256").hexdigest()[:43]


def seed_share_link(*, team: Team, accounts: list[Account], end: date) -> str:
    """Creates the demo's share link once; returns the line the seed command prints."""
    token = demo_token(team)
    link = ShareLink.objects.filter(token_hash=token_hash(token)).first()
    if link is None or link.revoked_at is not None or link.expires_on < today():
        if link is not None:
            link.delete()
        lead = Membership.objects.filter(team=team, role=Role.LEAD).select_related("user").first()
        if lead is None:
            return ""
        link, _ = share_link_create(
            user=lead.user,
            team=team,
            account=None,
            period=ReportPeriod(start=end - timedelta(days=DEMO_DAYS - 1), end=end),
            expires_on=today() + timedelta(days=DEMO_LINK_DAYS),
            token=token,
        )
    base = getattr(settings, "PLAYBOOK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    url = base + reverse("shared-report", args=[token])
    return f"a team report shared read-only until {link.expires_on.isoformat()}: {url}"

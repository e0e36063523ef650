"""Needs attention: the team's imports rejected this week, until a later one succeeded."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from imports.models import ImportRun
from notifications.selectors.lines import AttentionLine, Topic, day_text

# Failed imports are shown for a week, unless a later import of the team succeeded.
FAILED_IMPORT_DAYS = 7
# The failed imports shown (they are not counted beyond these).
FAILED_IMPORTS_SHOWN = 20


def failed_import_lines(user: AbstractBaseUser, membership: Membership) -> list[AttentionLine]:
    since = timezone.now() - timedelta(days=FAILED_IMPORT_DAYS)
    later_success = ImportRun.objects.filter(
        team=OuterRef("team"),
        status=ImportRun.Status.APPLIED,
        applied_at__gt=OuterRef("created_at"),
    )
    failed = (
        ImportRun.objects.visible_to(user, membership)
        .filter(status=ImportRun.Status.FAILED, created_at__gte=since)
        .filter(~Exists(later_success))
        .order_by("-created_at")[:FAILED_IMPORTS_SHOWN]
    )
    lines = []
    slug = membership.team.slug
    for run in failed:
        names = ", ".join(run.file_names[:3]) or "an upload"
        text = f"The import of {names} on {day_text(run.created_at)} was rejected."
        url = reverse("imports:import-detail", args=[slug, run.public_id])
        lines.append(AttentionLine(Topic.FAILED, text, url, "See why"))
    return lines

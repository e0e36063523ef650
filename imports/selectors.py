"""Reads of metric imports, scoped to the asking user: leads see the team's, managers their own."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Membership
from imports.models import ImportRun


def import_run_list(*, user: AbstractBaseUser, membership: Membership) -> QuerySet[ImportRun]:
    return (
        ImportRun.objects.visible_to(user, membership)
        .select_related("user", "account")
        .order_by("-created_at", "-pk")
    )


def import_run_get(*, user: AbstractBaseUser, membership: Membership, public_id: UUID) -> ImportRun:
    """The run, when the user may see it in this team; 404 otherwise."""
    runs = ImportRun.objects.visible_to(user, membership).select_related(
        "team", "user", "account", "scorecard_run"
    )
    return get_object_or_404(runs, public_id=public_id)

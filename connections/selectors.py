"""Reads of connections and syncs, scoped to the asking user."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Account, Kind, Membership
from connections.models import AccountSnapshot, Connection, Source, SyncRun


@dataclass
class Slot:
    """One way in for an account: its connection if any, and the sync under way if any."""

    source: str
    label: str
    connection: Connection | None
    active_run: SyncRun | None


# What the account page's connection panel shows of a connection (never its tokens).
PANEL_FIELDS = (
    *("public_id", "account", "source", "status", "external_id"),
    *("last_sync_at", "last_sync_ok", "last_error"),
)


def account_slots(*, account: Account) -> list[Slot]:
    """Display for every account; ads only for marketing accounts. One query, and one for
    the syncs under way when the account has a connection."""
    sources = [Source.DISPLAY] + ([Source.ADS] if account.kind == Kind.MARKETING else [])
    # No order: the model's default one joins the account.
    rows = Connection.objects.filter(account=account).order_by().only(*PANEL_FIELDS)
    connections = {c.source: c for c in rows}
    active = {}
    if connections:
        runs = SyncRun.objects.filter(
            connection__in=[c.pk for c in connections.values()], status__in=SyncRun.ACTIVE
        )
        # The newest run of each connection wins.
        for run in runs.only("connection", "public_id", "status").order_by("created_at"):
            active[run.connection_id] = run
    return [
        Slot(
            source=source,
            label=Source(source).label,
            connection=connections.get(source),
            active_run=active.get(connections[source].pk) if source in connections else None,
        )
        for source in sources
    ]


def latest_snapshot(*, account: Account) -> AccountSnapshot | None:
    return AccountSnapshot.objects.filter(account=account).order_by("-date").first()


def connection_list(*, user: AbstractBaseUser, membership: Membership) -> QuerySet[Connection]:
    return (
        Connection.objects.visible_to(user, membership)
        .select_related("account")
        .order_by("account__handle", "source")
    )


def accounts_without_connection(
    *, user: AbstractBaseUser, membership: Membership
) -> QuerySet[Account]:
    return (
        Account.objects.visible_to(user, membership)
        .active()
        .filter(connections__isnull=True)
        .order_by("handle")
    )


def connection_get(
    *, user: AbstractBaseUser, membership: Membership, public_id: UUID
) -> Connection:
    return get_object_or_404(
        Connection.objects.visible_to(user, membership).select_related("account"),
        public_id=public_id,
    )


def sync_run_get(*, user: AbstractBaseUser, membership: Membership, public_id: UUID) -> SyncRun:
    return get_object_or_404(
        SyncRun.objects.visible_to(user, membership).select_related(
            "connection__account", "requested_by"
        ),
        public_id=public_id,
    )


def active_run(*, connection: Connection) -> SyncRun | None:
    return connection.runs.filter(status__in=SyncRun.ACTIVE).order_by("created_at").first()


def administrator_names(limit: int = 5) -> list[str]:
    """Who can set the server's TikTok keys: the active superusers, by name and address."""
    from django.contrib.auth import get_user_model

    users = (
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .order_by("username")
        .only("username", "first_name", "last_name", "email")[:limit]
    )
    names = []
    for user in users:
        name = user.get_full_name() or user.username
        names.append(f"{name} ({user.email})" if user.email else name)
    return names


def setup_guide_text() -> str:
    """docs/tiktok-api.md as it ships with this version of Playbook."""
    from django.conf import settings

    path = settings.BASE_DIR / "docs" / "tiktok-api.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return "The guide docs/tiktok-api.md is not part of this installation."

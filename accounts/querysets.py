"""The one scoping queryset of rows that belong to an account.

A row is visible to a user when its account is (`Account.objects.visible_to`), and editable
when its account is (`editable_by`). Models elsewhere (analytics, strategy, connections) use
it as their manager; a model whose account sits further away names the path to it:

    class VideoSnapshotQuerySet(AccountScopedQuerySet):
        account_path = "video__account"
"""

from __future__ import annotations

from django.db import models

from accounts.models import Account, Membership


class AccountScopedQuerySet(models.QuerySet):
    """For rows that belong to an account: visible (editable) when the account is. Fails closed."""

    account_path = "account"

    def visible_to(
        self, user: object, membership: Membership | None = None
    ) -> AccountScopedQuerySet:
        """With `membership`, the user's membership of one team as this request read it
        (accounts.access.team_view): only that team's rows, by Account.visible_to's rule
        written on the row's account (its team; a manager's, the accounts they manage),
        without asking the database for the user's memberships again."""
        path = self.account_path
        if membership is None:
            return self.filter(**{f"{path}__in": Account.objects.visible_to(user).values("pk")})
        if not getattr(user, "is_authenticated", False) or membership.user_id != user.pk:
            return self.none()
        rows = self.filter(**{f"{path}__team_id": membership.team_id})
        if membership.is_lead:
            return rows
        managed = Account.managers.through.objects.filter(user=user).values("account")
        return rows.filter(**{f"{path}__in": managed})

    def editable_by(self, user: object) -> AccountScopedQuerySet:
        return self.filter(
            **{f"{self.account_path}__in": Account.objects.editable_by(user).values("pk")}
        )

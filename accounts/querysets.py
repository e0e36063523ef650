"""The one scoping queryset of rows that belong to an account.

A row is visible to a user when its account is (`Account.objects.visible_to`), and editable
when its account is (`editable_by`). Models elsewhere (analytics, strategy, connections) use
it as their manager; a model whose account sits further away names the path to it:

    class VideoSnapshotQuerySet(AccountScopedQuerySet):
        account_path = "video__account"
"""

from __future__ import annotations

from django.db import models

from accounts.models import Account


class AccountScopedQuerySet(models.QuerySet):
    """For rows that belong to an account: visible (editable) when the account is. Fails closed."""

    account_path = "account"

    def visible_to(self, user: object) -> AccountScopedQuerySet:
        return self.filter(
            **{f"{self.account_path}__in": Account.objects.visible_to(user).values("pk")}
        )

    def editable_by(self, user: object) -> AccountScopedQuerySet:
        return self.filter(
            **{f"{self.account_path}__in": Account.objects.editable_by(user).values("pk")}
        )

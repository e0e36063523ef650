"""accounts.querysets.AccountScopedQuerySet: a row is as visible as its account; fails closed."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser

from analytics.models import DailyMetric, Video, VideoSnapshot
from strategy.models import Checklist

DAY = date(2025, 3, 3)  # A Monday.


def rows(acmecoffee, acme_deals, globex_main):
    for account in (acmecoffee, acme_deals, globex_main):
        DailyMetric.objects.create(account=account, date=DAY)
        video = Video.objects.create(account=account, video_id=f"v-{account.pk}")
        VideoSnapshot.objects.create(video=video, date=DAY)


def handles(queryset, path: str) -> set[str]:
    return set(queryset.values_list(path, flat=True))


def test_it_shows_a_leads_team_rows_and_a_managers_own_accounts_rows(
    alice, bob, charlie, acmecoffee, acme_deals, globex_main
) -> None:
    rows(acmecoffee, acme_deals, globex_main)
    assert handles(DailyMetric.objects.visible_to(alice), "account__handle") == {
        "acmecoffee",
        "acme.deals",
    }
    assert handles(DailyMetric.objects.visible_to(bob), "account__handle") == {"acmecoffee"}
    assert handles(DailyMetric.objects.visible_to(charlie), "account__handle") == {
        globex_main.handle
    }
    # A model whose account sits further away names the path to it.
    assert handles(VideoSnapshot.objects.visible_to(bob), "video__account__handle") == {
        "acmecoffee"
    }


def test_it_lets_only_leads_edit(alice, bob, acmecoffee, acme_deals, globex_main) -> None:
    rows(acmecoffee, acme_deals, globex_main)
    assert DailyMetric.objects.editable_by(alice).count() == 2
    assert not DailyMetric.objects.editable_by(bob).exists()
    assert not VideoSnapshot.objects.editable_by(bob).exists()


def test_it_fails_closed_for_anonymous_users(acmecoffee, acme_deals, globex_main) -> None:
    rows(acmecoffee, acme_deals, globex_main)
    assert not DailyMetric.objects.visible_to(AnonymousUser()).exists()
    assert not VideoSnapshot.objects.visible_to(None).exists()
    assert not Checklist.objects.visible_to(AnonymousUser()).exists()
    assert not DailyMetric.objects.editable_by(AnonymousUser()).exists()

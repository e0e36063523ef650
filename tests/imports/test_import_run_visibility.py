"""ImportRun.objects.visible_to: leads see their teams' imports, managers the ones they made;
with the request's membership, the same rule for that team without reading memberships."""

from __future__ import annotations

import pytest

from accounts.models import Membership
from imports.models import ImportRun


@pytest.fixture
def runs(acme, globex, alice, bob, charlie):
    """An import of each user in their team, one of nobody's, and one of Globex by Alice's
    hand (made before she left it, say)."""
    made = {
        "alice": ImportRun.objects.create(team=acme, user=alice),
        "bob": ImportRun.objects.create(team=acme, user=bob),
        "nobody": ImportRun.objects.create(team=acme, user=None),
        "charlie": ImportRun.objects.create(team=globex, user=charlie),
        "alice in globex": ImportRun.objects.create(team=globex, user=alice),
    }
    return {run.pk: name for name, run in made.items()}


def names(queryset, runs) -> set[str]:
    return {runs[pk] for pk in queryset.values_list("pk", flat=True)}


def test_with_the_membership_it_shows_what_the_rule_shows_in_that_team(
    runs, alice, bob, charlie
) -> None:
    for user in (alice, bob, charlie):
        for membership in Membership.objects.filter(user=user):
            by_rule = ImportRun.objects.visible_to(user).filter(team=membership.team_id)
            with_membership = ImportRun.objects.visible_to(user, membership)
            assert names(with_membership, runs) == names(by_rule, runs), user
    lead = Membership.objects.get(user=alice)
    manager = Membership.objects.get(user=bob)
    assert names(ImportRun.objects.visible_to(alice, lead), runs) == {"alice", "bob", "nobody"}
    assert names(ImportRun.objects.visible_to(bob, manager), runs) == {"bob"}


def test_another_users_membership_shows_nothing(runs, alice, bob) -> None:
    lead = Membership.objects.get(user=alice)
    assert not ImportRun.objects.visible_to(bob, lead).exists()

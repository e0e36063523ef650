"""accounts.selectors.membership_list, written by hand, against the ORM query it replaced."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import Membership, Role
from accounts.selectors import membership_list
from tests.factories import MembershipFactory, TeamFactory, UserFactory


def reference(user) -> list[Membership]:
    """The ORM's read that membership_list replaced: the reference it must equal."""
    return list(Membership.objects.of(user).select_related("team").order_by("team__name"))


def fields(memberships: list[Membership]) -> list[tuple]:
    """Every field of each membership and of its team, in the list's order."""
    return [
        (
            *(getattr(m, f.attname) for f in Membership._meta.concrete_fields),
            *(getattr(m.team, f.attname) for f in m.team._meta.concrete_fields),
        )
        for m in memberships
    ]


def test_it_reads_what_the_orm_read_in_the_order_of_the_team_names(alice, bob, charlie) -> None:
    user = UserFactory(username="dora")
    # Names whose order depends on the database's collation (case, accents, spaces).
    for name, role in [
        ("zeta", Role.LEAD),
        ("Émile", Role.MANAGER),
        ("alpha team", Role.MANAGER),
        ("Alpha", Role.LEAD),
        ("beta", Role.MANAGER),
        ("B", Role.LEAD),
    ]:
        MembershipFactory(team=TeamFactory(name=name), user=user, role=role)
    # Someone else's memberships of the same teams are not the user's.
    for team in [m.team for m in Membership.objects.filter(user=user)][:3]:
        MembershipFactory(team=team, user=UserFactory(), role=Role.MANAGER)

    for each in (user, alice, bob, charlie):
        read = membership_list(user=each)
        assert fields(read) == fields(reference(each))
        assert {m.user_id for m in read} == {each.pk}
    assert len(membership_list(user=user)) == 6
    assert [m.team.slug for m in membership_list(user=bob)] == ["acme"]


def test_it_gives_its_teams_without_another_query(bob, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        (membership,) = membership_list(user=bob)
        assert (membership.team.name, membership.role, membership.is_lead) == (
            "Acme",
            Role.MANAGER,
            False,
        )
        assert membership.get_role_display() == "Manager"


def test_it_fails_closed_for_visitors_and_users_of_no_team(db, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert membership_list(user=AnonymousUser()) == []
    loner = UserFactory(username="loner")
    assert membership_list(user=loner) == reference(loner) == []

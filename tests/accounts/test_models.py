from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Account, Goal, Kind, goal_misfit_message
from accounts.services import account_create, account_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "handle", ["ab", "acme.coffee", "acme_coffee", "a" * 24, "x1.y2_z3", "@AcmeCoffee", "__"]
)
def test_it_accepts_tiktok_handles(acme, handle: str) -> None:
    account = account_create(team=acme, handle=handle, kind=Kind.OFFICIAL)
    assert account.handle == handle.removeprefix("@").lower()


@pytest.mark.parametrize(
    "handle", ["a", "a" * 25, "acme.", "acme coffee", "acme-coffee", "acmé", "", "@"]
)
def test_it_rejects_handles_tiktok_would_not_allow(acme, handle: str) -> None:
    with pytest.raises(ValidationError) as error:
        account_create(team=acme, handle=handle, kind=Kind.OFFICIAL)
    assert "handle" in error.value.message_dict
    assert not Account.objects.exists()


def test_it_keeps_handles_unique_within_a_team_only(acme, globex) -> None:
    account_create(team=acme, handle="acme", kind=Kind.OFFICIAL)
    account_create(team=globex, handle="acme", kind=Kind.OFFICIAL)
    with pytest.raises(ValidationError):
        account_create(team=acme, handle="@ACME", kind=Kind.MARKETING)
    assert Account.objects.filter(handle="acme").count() == 2


def test_it_defaults_goal_and_targets_from_the_kind(acme) -> None:
    official = account_create(team=acme, handle="brand", kind=Kind.OFFICIAL)
    marketing = account_create(team=acme, handle="promo", kind=Kind.MARKETING)
    assert official.primary_goal == Goal.BRAND_IMAGE
    assert marketing.primary_goal == Goal.CONVERSIONS
    assert official.target_engagement_rate == Decimal("0.05")
    assert official.target_follower_growth == Decimal("0.03")
    assert marketing.target_engagement_rate == Decimal("0.03")
    assert marketing.target_follower_growth == Decimal("0.02")
    for account in (official, marketing):
        assert account.target_ctr == Decimal("0.01")
        assert account.target_conversion_rate == Decimal("0.02")
        assert account.target_roi == Decimal("1.00")
    assert official.currency == "USD"


def test_it_rejects_an_unknown_kind_and_negative_targets(acme) -> None:
    with pytest.raises(ValidationError):
        account_create(team=acme, handle="brand", kind="influencer")
    with pytest.raises(ValidationError) as error:
        account_create(
            team=acme, handle="brand", kind=Kind.OFFICIAL, targets={"target_ctr": Decimal("-1")}
        )
    assert "target_ctr" in error.value.message_dict
    assert not Account.objects.exists()


def test_it_rejects_managers_from_outside_the_team(acme, charlie) -> None:
    with pytest.raises(ValidationError) as error:
        account_create(team=acme, handle="brand", kind=Kind.OFFICIAL, managers=[charlie])
    assert "charlie" in str(error.value)
    assert not Account.objects.exists()


def test_it_allows_a_misfit_goal_and_explains_it(acme) -> None:
    account = account_create(
        team=acme, handle="brand", kind=Kind.OFFICIAL, primary_goal=Goal.CONVERSIONS
    )
    assert "authentic voice" in account.goal_misfit
    assert goal_misfit_message(Kind.MARKETING, Goal.BRAND_IMAGE)
    assert goal_misfit_message(Kind.MARKETING, Goal.CONVERSIONS) == ""
    assert goal_misfit_message(Kind.OFFICIAL, Goal.COMMUNITY) == ""


def test_it_scopes_accounts_to_leads_and_their_managers(
    acme, alice, bob, charlie, acmecoffee, acme_deals
) -> None:
    assert set(Account.objects.visible_to(alice)) == {acmecoffee, acme_deals}
    assert set(Account.objects.visible_to(bob)) == {acmecoffee}
    assert set(Account.objects.visible_to(charlie)) == set()
    assert set(Account.objects.editable_by(bob)) == set()
    stranger = UserFactory(username="stranger")
    acme_deals.managers.add(stranger)
    # Managing an account is not enough without being a member of its team.
    assert set(Account.objects.visible_to(stranger)) == set()


def test_it_lists_an_account_once_however_many_managers_it_has(
    acme, alice, bob, acmecoffee
) -> None:
    acmecoffee.managers.add(alice)
    assert list(Account.objects.visible_to(alice)) == [acmecoffee]


def test_it_resets_a_cleared_target_to_the_kind_default(acmecoffee) -> None:
    account_update(account=acmecoffee, kind=Kind.MARKETING, target_engagement_rate=None)
    acmecoffee.refresh_from_db()
    assert acmecoffee.target_engagement_rate == Decimal("0.03")

"""Automatic items follow the data: the account's settings and the imported metrics."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from accounts.services import account_update
from analytics.models import DailyMetric
from strategy import evidence
from strategy.selectors import checklist_states
from tests.strategy.helpers import checklist_url, item, open_checklist

pytestmark = pytest.mark.django_db


def done(checklist, title: str) -> bool:
    return next(
        s.done for s in checklist_states(checklist=checklist) if s.item.title.startswith(title)
    )


def test_it_ticks_verified_from_the_account_and_follows_it(acmecoffee) -> None:
    checklist = open_checklist(acmecoffee)
    assert done(checklist, "The account is verified")
    account_update(account=acmecoffee, verified=False)
    checklist.account.refresh_from_db()
    assert not done(checklist, "The account is verified")


def test_it_ticks_kpi_targets_only_when_all_three_are_above_zero(acme_deals) -> None:
    checklist = open_checklist(acme_deals)
    assert done(checklist, "KPI targets")
    account_update(account=acme_deals, target_ctr=Decimal("0"))
    checklist.account.refresh_from_db()
    assert not done(checklist, "KPI targets")
    account_update(account=acme_deals, target_ctr=Decimal("0.02"))
    checklist.account.refresh_from_db()
    assert done(checklist, "KPI targets")


def test_it_ticks_paid_promotion_when_the_week_had_spend(acme_deals, week) -> None:
    checklist = open_checklist(acme_deals)
    assert not done(checklist, "Paid promotion ran")
    # Spend the week before does not count, nor a day without spend in the week.
    DailyMetric.objects.create(account=acme_deals, date=week - timedelta(days=1), spend=50)
    DailyMetric.objects.create(account=acme_deals, date=week, spend=0, video_views=10)
    assert not done(checklist, "Paid promotion ran")
    DailyMetric.objects.create(
        account=acme_deals, date=week + timedelta(days=6), spend=Decimal("0.01")
    )
    assert done(checklist, "Paid promotion ran")


def test_it_answers_for_many_accounts_in_one_query(
    acme_deals, acmecoffee, week, django_assert_num_queries
) -> None:
    from analytics.evidence import paid_promotion_ran, paid_promotion_weeks

    DailyMetric.objects.create(account=acme_deals, date=week, spend=5)
    DailyMetric.objects.create(account=acmecoffee, date=week - timedelta(weeks=2), spend=5)
    with django_assert_num_queries(1):
        ran = paid_promotion_ran([acme_deals, acmecoffee], week, week + timedelta(days=6))
    assert ran == {acme_deals.pk: True, acmecoffee.pk: False}
    with django_assert_num_queries(1):
        weeks = paid_promotion_weeks(
            [acme_deals, acmecoffee], week - timedelta(weeks=3), week + timedelta(days=6)
        )
    assert weeks == {acme_deals.pk: {week}, acmecoffee.pk: {week - timedelta(weeks=2)}}


def test_it_registers_the_metrics_rule_from_analytics() -> None:
    assert evidence.is_available("paid_promotion_ran")
    assert evidence.is_available("account_verified")
    assert evidence.is_available("kpi_targets_set")


@pytest.fixture
def without_paid_rule():
    saved = evidence._rules["paid_promotion_ran"]
    evidence.unregister("paid_promotion_ran")
    yield
    evidence._rules["paid_promotion_ran"] = saved


def test_it_shows_an_unregistered_rule_as_not_available(
    login, alice, acme_deals, without_paid_rule
) -> None:
    checklist = open_checklist(acme_deals)
    state = next(
        s
        for s in checklist_states(checklist=checklist)
        if s.item.evidence_rule == "paid_promotion_ran"
    )
    assert not state.available
    assert not state.done
    response = login(alice).get(checklist_url(acme_deals))
    assert response.status_code == 200
    assert "not available" in response.content.decode()
    # It counts neither as done nor as to do: 6 of the 7 items in the progress.
    assert "of 6</strong>" in response.content.decode()


def test_it_marks_automatic_items_on_the_page(login, bob, acmecoffee) -> None:
    page = login(bob).get(checklist_url(acmecoffee)).content.decode()
    verified = item(open_checklist(acmecoffee), "The account is verified")
    row = page[page.index(f'id="item-{verified.public_id}"') :]
    row = row[: row.index("</li>")]
    assert "from data" in row
    assert "disabled" in row and "checked" in row
    assert "checklist_tick" not in row and "/tick/" not in row

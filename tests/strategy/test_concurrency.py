"""Two ticks of the same item at once make one row and no error (real PostgreSQL sessions)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from accounts.models import Kind
from lib.dates import this_week
from strategy.models import Check, Checklist, ChecklistTemplate
from strategy.services import check_set, checklist_open
from tests.factories import AccountFactory, TeamFactory
from tests.strategy.helpers import item, open_checklist, tick_url

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(count: int, work) -> list:
    """Runs work(n) in `count` threads released together; each thread has its own connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[n] = work(n)
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            results[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_it_makes_one_row_when_two_people_tick_at_once(acme, alice, bob, acmecoffee) -> None:
    checklist = open_checklist(acmecoffee)
    items = [item(checklist, "Hosted"), item(checklist, "Replied"), item(checklist, "Took part")]
    clients = [Client(), Client()]
    clients[0].force_login(bob)
    clients[1].force_login(alice)
    for target in items:
        url = tick_url(acmecoffee, target)
        statuses = at_once(
            2,
            lambda n, url=url: (
                clients[n].post(url, {"ticked": "1"}, headers={"HX-Request": "true"}).status_code
            ),
        )
        assert statuses == [200, 200]
    assert Check.objects.count() == len(items)
    assert all(check.ticked for check in Check.objects.all())


def test_it_survives_a_double_click_in_the_service(acme, bob, acmecoffee) -> None:
    checklist = open_checklist(acmecoffee)
    hosted = item(checklist, "Hosted")
    results = at_once(
        4, lambda n: check_set(checklist=checklist, item=hosted, user=bob, ticked=True).pk
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert Check.objects.filter(item=hosted).count() == 1


def test_it_opens_one_checklist_and_one_template_per_kind_when_raced() -> None:
    team = TeamFactory(slug="fresh")
    account = AccountFactory(team=team, handle="fresh", kind=Kind.OFFICIAL)
    week = this_week()
    results = at_once(3, lambda n: checklist_open(account=account, week_start=week).pk)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    assert Checklist.objects.count() == 1
    assert ChecklistTemplate.objects.filter(team=team).count() == 2

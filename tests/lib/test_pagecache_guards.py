"""The page cache's guards: what it must never serve or forget, whatever Redis does."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from lib import pagecache
from tests.lib.test_pagecache import get, review, scorecard_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_health(monkeypatch) -> None:
    monkeypatch.setattr(pagecache, "_health", pagecache._Health())


@pytest.fixture(autouse=True)
def broker_up(monkeypatch) -> None:
    monkeypatch.setattr("analytics.services.scorecard_queue.broker_available", lambda: True)


def test_a_manager_who_loses_an_account_never_gets_its_cached_page(
    login, bob, acmecoffee, monkeypatch
) -> None:
    client = login(bob)  # bob manages acmecoffee
    get(client, scorecard_url())
    assert get(client, scorecard_url())[0]
    # The bump that should follow the revocation is lost (a Redis timeout) ...
    cache = caches[pagecache.ALIAS]
    real_set = type(cache).set

    def timing_out(self, key, *args, **kwargs):
        if "generation" in key:
            raise TimeoutError("Timeout reading from socket")
        return real_set(self, key, *args, **kwargs)

    monkeypatch.setattr(type(cache), "set", timing_out)
    acmecoffee.managers.remove(bob)
    monkeypatch.setattr(type(cache), "set", real_set)
    # ... and another web process, which never heard of it, serves the next request.
    monkeypatch.setattr(pagecache, "_health", pagecache._Health())

    assert client.get(scorecard_url()).status_code == 404


def test_a_bump_owed_after_a_failure_forgets_every_team(login, alice, cards) -> None:
    client = login(alice)
    get(client, review())
    assert get(client, review())[0]
    pagecache._health.owes_bump = True

    pagecache.bump("another-team")

    assert not pagecache._health.owes_bump
    assert not get(client, review())[0]


def test_refused_posts_and_signing_in_forget_nothing(login, alice, bob, cards) -> None:
    client = login(alice)
    get(client, review())
    assert get(client, review())[0]
    stranger = Client(enforce_csrf_checks=True)
    assert stranger.post(reverse("login"), {"username": "x", "password": "y"}).status_code == 403
    anonymous = Client().post(reverse("analytics:scorecard-recompute", args=["acme"]))
    assert anonymous.status_code == 302  # to the login page
    bob.set_password("a-long-enough-password-2")
    bob.save()
    get(client, review())
    assert get(client, review())[0]

    other = Client()
    other.post(reverse("login"), {"username": "bob", "password": "a-long-enough-password-2"})

    assert get(client, review())[0]


def test_a_page_saying_background_work_is_down_is_not_kept(
    login,
    alice,
    cards,
    monkeypatch,
) -> None:
    monkeypatch.setattr("analytics.services.scorecard_queue.broker_available", lambda: False)
    client = login(alice)
    assert "Background work is unavailable" in get(client, review())[1]
    monkeypatch.setattr("analytics.services.scorecard_queue.broker_available", lambda: True)

    cached, html = get(client, review())

    assert not cached
    assert "Background work is unavailable" not in html
    assert get(client, review())[0]


def test_one_reader_adds_a_bounded_number_of_pages(login, alice, cards, monkeypatch) -> None:
    monkeypatch.setattr(pagecache, "STORED_PER_READER", 2)
    client = login(alice)
    urls = [f"{review()}&page=1&n={n}" for n in range(3)]
    for url in urls:
        get(client, url)

    assert [get(client, url)[0] for url in urls] == [True, True, False]


def test_a_write_request_forgets_its_team_once(login, bob, acmecoffee, monkeypatch) -> None:
    from strategy.models import Check
    from tests.strategy.helpers import item, open_checklist, tick_url

    hosted = item(open_checklist(acmecoffee), "Hosted")
    client = login(bob)
    bumps: list[str | None] = []
    real_bump = pagecache.bump

    def counted(team=None):
        bumps.append(team)
        real_bump(team)

    monkeypatch.setattr(pagecache, "bump", counted)
    response = client.post(
        tick_url(acmecoffee, hosted), {"ticked": "1"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert Check.objects.filter(item=hosted, ticked=True).exists()
    # The tick's own write forgot the team's pages; the request needs no second bump.
    assert bumps == ["acme"]

"""strategy/ticks.py, the tick in one statement: the same answer and the same row as the
slow path, and nothing written where the slow path refuses."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from analytics.models import DailyMetric
from strategy import ticks
from strategy.models import Check, ChecklistItem
from strategy.periods import week_label
from strategy.services import check_note_set, item_create, template_ensure
from tests.strategy.helpers import item, open_checklist, tick_url

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# Each answer masks the CSRF token afresh.
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
ROW = ("period_start", "ticked", "ticked_by_id", "ticked_at", "note", "corrected_by_id")


def tick(client, account, checklist_item, data) -> tuple[int, str, tuple | None]:
    response = client.post(tick_url(account, checklist_item), data, headers=HTMX)
    check = Check.objects.filter(account=account, item=checklist_item).values_list(*ROW).first()
    return response.status_code, CSRF.sub("csrf", response.content.decode()), check


def both_paths(monkeypatch, client, account, checklist_item, data) -> tuple:
    """The answer and the row of the fast path, then of the slow path from the same start."""
    before = list(Check.objects.filter(account=account, item=checklist_item))
    written = []
    with monkeypatch.context() as spied:
        original = ticks.check_tick
        spied.setattr(
            ticks, "check_tick", lambda **kw: written.append(original(**kw)) or written[-1]
        )
        fast = tick(client, account, checklist_item, data)
    assert written and written[0] is not None, "the tick took the slow path"
    Check.objects.filter(account=account, item=checklist_item).delete()
    Check.objects.bulk_create(before)
    with monkeypatch.context() as patched:
        patched.setattr(ticks, "check_tick", lambda **kwargs: None)
        slow = tick(client, account, checklist_item, data)
    return fast, slow


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.now(), tick=False):
        yield


@pytest.mark.parametrize("data", [{"ticked": "1"}, {}], ids=["tick", "untick"])
def test_a_managers_tick_answers_as_the_slow_path(
    frozen, monkeypatch, login, bob, acmecoffee, data
) -> None:
    checklist = open_checklist(acmecoffee)
    hosted = item(checklist, "Hosted")
    check_note_set(checklist=checklist, item=hosted, user=bob, note="Thursday live")
    fast, slow = both_paths(monkeypatch, login(bob), acmecoffee, hosted, data)
    assert fast == slow
    assert fast[0] == 200 and "Thursday live" in fast[1]
    assert fast[2][1] is bool(data) and fast[2][4] == "Thursday live"


def test_a_leads_correction_answers_as_the_slow_path(
    frozen, monkeypatch, login, alice, acmecoffee, last_week
) -> None:
    hosted = item(open_checklist(acmecoffee, last_week), "Hosted")
    data = {"ticked": "1", "week": week_label(last_week)}
    fast, slow = both_paths(monkeypatch, login(alice), acmecoffee, hosted, data)
    assert fast == slow
    assert "Corrected by alice" in fast[1] and fast[2][-1] == alice.pk


def test_a_monthly_tick_with_evidence_answers_as_the_slow_path(
    frozen, monkeypatch, login, alice, acme_deals, week
) -> None:
    checklist = open_checklist(acme_deals)
    DailyMetric.objects.create(account=acme_deals, date=week, spend=5)
    partnership = item(checklist, "Contacted or ran a partnership")
    assert partnership.cadence == "monthly"
    fast, slow = both_paths(monkeypatch, login(alice), acme_deals, partnership, {"ticked": "1"})
    assert fast == slow
    assert fast[2][0] == week.replace(day=1)


def test_a_one_off_item_ticked_in_an_earlier_week_counts_as_the_slow_path(
    frozen, monkeypatch, login, alice, acmecoffee, week, last_week
) -> None:
    template = template_ensure(team=acmecoffee.team, kind=acmecoffee.kind)
    bio = item_create(
        template=template, practice_name="Stay Authentic", title="Bio", cadence="once"
    )
    ChecklistItem.objects.filter(pk=bio.pk).update(active_from=last_week)
    open_checklist(acmecoffee, last_week)
    hosted = item(open_checklist(acmecoffee), "Hosted")
    client = login(alice)
    client.post(tick_url(acmecoffee, bio), {"ticked": "1", "week": week_label(last_week)})
    fast, slow = both_paths(monkeypatch, client, acmecoffee, hosted, {"ticked": "1"})
    assert fast == slow


def test_it_writes_nothing_for_a_retired_item(login, alice, acmecoffee, week) -> None:
    hosted = item(open_checklist(acmecoffee), "Hosted")
    ChecklistItem.objects.filter(pk=hosted.pk).update(
        active_from=week - timedelta(weeks=2), retired_from=week
    )
    assert tick(login(alice), acmecoffee, hosted, {"ticked": "1"})[0] == 404
    assert not Check.objects.exists()


def test_it_writes_nothing_for_an_item_added_after_the_week(
    login, alice, acmecoffee, last_week
) -> None:
    open_checklist(acmecoffee, last_week)
    template = template_ensure(team=acmecoffee.team, kind=acmecoffee.kind)
    new = item_create(template=template, practice_name="Stay Authentic", title="Brand new")
    client = login(alice)
    data = {"ticked": "1", "week": week_label(last_week)}
    assert client.post(tick_url(acmecoffee, new), data).status_code == 404
    assert not Check.objects.exists()


def test_it_takes_the_slow_path_only_where_it_may_not_write(
    monkeypatch, login, bob, acmecoffee
) -> None:
    hosted = item(open_checklist(acmecoffee), "Hosted")
    results = []
    original = ticks.check_tick

    def spy(**kwargs):
        results.append(original(**kwargs))
        return results[-1]

    monkeypatch.setattr(ticks, "check_tick", spy)
    assert tick(login(bob), acmecoffee, hosted, {"ticked": "1"})[0] == 200
    verified = item(open_checklist(acmecoffee), "The account is verified")
    assert tick(login(bob), acmecoffee, verified, {"ticked": "1"})[0] == 422
    assert results[0] is not None and results[1] is None

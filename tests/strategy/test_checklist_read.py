"""strategy.selectors.checklist_read, one hand-written query, against the ORM read it
replaced (tests/strategy/states_reference.py): the same items in the same order, each with
the same check, over weeks across a month's turn, every cadence, items started and
retired on the way, and checks of other periods, accounts and users."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from strategy.models import Cadence, Check, ChecklistItem, Practice
from strategy.selectors import checklist_read
from strategy.services import checklist_open, templates_ensure
from tests.factories import UserFactory
from tests.strategy.states_reference import reference_items

pytestmark = pytest.mark.django_db

WEEKS = [date(2026, 9, 28) + timedelta(weeks=n) for n in range(8)]  # over two month turns


def read(account, week: date) -> list[tuple]:  # noqa: ANN001
    checklist, items = checklist_read(account=account, week_start=week)
    assert checklist is not None
    rows = []
    for item, check in items:
        rows.append(
            (
                item.pk,
                item.practice.pk,
                *(
                    (None,) * 9
                    if check is None
                    else (
                        check.pk,
                        check.period_start,
                        check.ticked,
                        check.ticked_at,
                        check.ticked_by_name or None,
                        check.note,
                        check.corrected_at,
                        check.corrected_by_name or None,
                        check.checklist.week_start,
                    )
                ),
            )
        )
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_reads_what_the_orm_read(seed, acme, acmecoffee, acme_deals) -> None:
    randomness = random.Random(seed)
    templates = templates_ensure(team=acme)
    users = [UserFactory(username=f"u{seed}_{n}") for n in range(3)]
    template = templates[acmecoffee.kind]
    practices = list(Practice.objects.filter(template=template))
    # Items of every cadence, some starting late, some retired, in shuffled orders.
    for n in range(12):
        start = randomness.choice(WEEKS[:6])
        retired = randomness.choice([None, None, start + timedelta(weeks=randomness.randint(0, 3))])
        ChecklistItem.objects.create(
            practice=randomness.choice(practices),
            title=f"Item {n}",
            order=randomness.randint(0, 5),
            cadence=randomness.choice(Cadence.values),
            active_from=start,
            retired_from=retired,
        )
    checklists = {
        (account.pk, week): checklist_open(account=account, week_start=week)
        for account in (acmecoffee, acme_deals)
        for week in WEEKS
    }
    items = list(ChecklistItem.objects.filter(practice__template=template))
    written = set()
    for _ in range(60):
        account = randomness.choice([acmecoffee, acmecoffee, acme_deals])
        week = randomness.choice(WEEKS)
        item = randomness.choice(items)
        # A once item has one period, its first week (strategy.periods); the others' ticks
        # land in their week or month, or, to be ignored, in another one.
        period = randomness.choice([week, week.replace(day=1), WEEKS[0], WEEKS[-1]])
        if item.cadence == Cadence.ONCE:
            period = item.active_from
        if (account.pk, item.pk, period) in written:
            continue
        written.add((account.pk, item.pk, period))
        ticked = randomness.random() < 0.7
        corrected = randomness.random() < 0.3
        at = datetime(2026, 10, 1, 9, 30, tzinfo=UTC) + timedelta(hours=randomness.randint(0, 900))
        Check.objects.create(
            checklist=checklists[(account.pk, week)],
            account=account,
            item=item,
            period_start=period,
            ticked=ticked,
            ticked_by=randomness.choice(users) if ticked else None,
            ticked_at=at if ticked else None,
            note=randomness.choice(["", "", "Posted <b>late</b>", "ok"]),
            corrected_by=randomness.choice(users) if corrected else None,
            corrected_at=at if corrected else None,
        )
    compared = 0
    for week in WEEKS:
        checklist = checklists[(acmecoffee.pk, week)]
        expected = reference_items(checklist)
        assert read(acmecoffee, week) == expected
        compared += sum(row[2] is not None for row in expected)
    assert compared > 10  # the weeks had checks to compare, not only empty joins


def test_a_week_without_a_checklist_reads_none(acme, acmecoffee) -> None:
    templates_ensure(team=acme)
    assert checklist_read(account=acmecoffee, week_start=WEEKS[0]) == (None, [])

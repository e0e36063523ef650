"""The Monday task opens this week's checklist of every active account."""

from __future__ import annotations

import pytest

from accounts.models import Kind
from config.celery import app
from strategy.models import Checklist, ChecklistTemplate
from strategy.services import checklists_open_week
from strategy.tasks import open_weekly_checklists
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_it_is_the_task_celery_beat_runs_on_monday() -> None:
    schedule = app.conf.beat_schedule["monday-checklists"]
    assert (
        schedule["task"] == open_weekly_checklists.name == "strategy.tasks.open_weekly_checklists"
    )


def test_it_opens_every_active_accounts_checklist_once(
    acme, globex, acmecoffee, acme_deals, globex_main, week
) -> None:
    AccountFactory(team=acme, handle="old", kind=Kind.OFFICIAL, archived=True)
    assert open_weekly_checklists() == 3
    # The week is claimed: a second beat's call does not run the job again.
    assert open_weekly_checklists() is None
    assert checklists_open_week(week_start=week) == 0
    opened = Checklist.objects.filter(week_start=week)
    assert sorted(opened.values_list("account__handle", flat=True)) == [
        "acme.deals",
        "acmecoffee",
        "globex",
    ]
    # Teams that had no templates got them, and each checklist has its kind's template.
    assert ChecklistTemplate.objects.count() == 4
    assert all(
        c.template.kind == c.account.kind for c in opened.select_related("template", "account")
    )
    assert all(
        c.template.team_id == c.account.team_id
        for c in opened.select_related("template", "account")
    )

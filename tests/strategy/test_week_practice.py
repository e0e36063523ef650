"""The stored weekly practice figures (WeekPractice) equal the figures computed from the
item states, whatever changed the week: ticks of every cadence, items added or retired,
the account's settings, imported metrics, videos posted or marked, checklists opened."""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta
from importlib import import_module

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Account, Kind
from accounts.services import account_update
from analytics.content.video_marks import promotional_markers_save, video_mark, videos_classify
from analytics.models import Video
from analytics.writes import videos_write
from imports.services.imports import import_files
from strategy.models import Cadence, Checklist, ChecklistItem, WeekPractice
from strategy.practice_figures import practice_refresh
from strategy.selectors.states import Progress, progress_of, states_of_checklists
from strategy.services import (
    check_set,
    checklists_open_week,
    item_create,
    item_retire,
    template_ensure,
)
from tests.factories import AccountFactory
from tests.strategy.helpers import item, open_checklist

pytestmark = pytest.mark.django_db

_ids = itertools.count(7_400_000_000_000_000_000)


def computed() -> dict[tuple[int, date], tuple[int, int]]:
    """(done, counted) of every checklist, from its item states (the reference)."""
    checklists = list(Checklist.objects.select_related("account"))
    states = states_of_checklists(checklists)
    figures = {}
    for checklist in checklists:
        progress = progress_of(states[checklist.pk])
        figures[checklist.account_id, checklist.week_start] = (progress.done, progress.total)
    return figures


def stored() -> dict[tuple[int, date], tuple[int, int]]:
    rows = WeekPractice.objects.select_related("checklist")
    figures = {}
    for row in rows:
        assert (row.checklist.account_id, row.checklist.week_start) == (
            row.account_id,
            row.week_start,
        )
        assert row.share == Progress(row.done, row.counted).share
        figures[row.account_id, row.week_start] = (row.done, row.counted)
    return figures


def assert_stored_equal_computed() -> dict[tuple[int, date], tuple[int, int]]:
    reference = computed()
    assert stored() == reference
    return reference


@pytest.fixture
def weeks(week: date) -> list[date]:
    return [week - timedelta(weeks=n) for n in (3, 2, 1, 0)]


@pytest.fixture
def opened(acmecoffee: Account, acme_deals: Account, weeks: list[date]) -> dict:
    return {
        (account.pk, monday): open_checklist(account, monday)
        for account in (acmecoffee, acme_deals)
        for monday in weeks
    }


def test_it_stores_a_figure_for_every_checklist_opened(acme, acmecoffee, opened, week) -> None:
    figures = assert_stored_equal_computed()
    assert len(figures) == 8
    # acmecoffee is verified: one item done from data in each of its weeks.
    assert figures[acmecoffee.pk, week][0] == 1
    more = [AccountFactory(team=acme, handle=f"more{n}") for n in range(3)]
    assert checklists_open_week(week_start=week, accounts=more) == 3
    assert len(assert_stored_equal_computed()) == 11


def test_it_follows_ticks_of_every_cadence(
    acmecoffee, acme_deals, bob, alice, opened, weeks, week
) -> None:
    this = opened[acmecoffee.pk, week]
    before = assert_stored_equal_computed()
    check_set(checklist=this, item=item(this, "Hosted"), user=bob, ticked=True)
    after = assert_stored_equal_computed()
    assert after[acmecoffee.pk, week][0] == before[acmecoffee.pk, week][0] + 1
    check_set(checklist=this, item=item(this, "Hosted"), user=bob, ticked=False)
    assert assert_stored_equal_computed() == before

    # Monthly: a tick shows in every week of the month of the week's Monday.
    deals = opened[acme_deals.pk, week]
    influencer = item(deals, "Contacted")
    assert influencer.cadence == Cadence.MONTHLY
    check_set(checklist=deals, item=influencer, user=bob, ticked=True)
    figures = assert_stored_equal_computed()
    same_month = [monday for monday in weeks if monday.replace(day=1) == week.replace(day=1)]
    for monday in same_month:
        assert figures[acme_deals.pk, monday][0] == before[acme_deals.pk, monday][0] + 1

    # Once: a tick counts from its week on; a lead's correction moves that week earlier.
    template = template_ensure(team=acmecoffee.team, kind=Kind.OFFICIAL)
    once = item_create(
        template=template, practice_name="Engage Regularly", title="Set up", cadence="once"
    )
    ChecklistItem.objects.filter(pk=once.pk).update(active_from=weeks[0])
    once.refresh_from_db()
    practice_refresh(accounts=[acmecoffee])
    before = assert_stored_equal_computed()
    check_set(checklist=this, item=once, user=bob, ticked=True)
    middle = assert_stored_equal_computed()
    assert middle[acmecoffee.pk, week][0] == before[acmecoffee.pk, week][0] + 1
    assert middle[acmecoffee.pk, weeks[1]] == before[acmecoffee.pk, weeks[1]]
    check_set(
        checklist=opened[acmecoffee.pk, weeks[1]],
        item=once,
        user=alice,
        ticked=True,
        correction=True,
    )
    corrected = assert_stored_equal_computed()
    assert corrected[acmecoffee.pk, weeks[1]][0] == before[acmecoffee.pk, weeks[1]][0] + 1
    assert corrected[acmecoffee.pk, weeks[0]] == before[acmecoffee.pk, weeks[0]]


def test_it_follows_items_added_and_retired(acmecoffee, opened, weeks, week) -> None:
    before = assert_stored_equal_computed()
    template = template_ensure(team=acmecoffee.team, kind=Kind.OFFICIAL)
    added = item_create(template=template, practice_name="Stay Authentic", title="New practice")
    figures = assert_stored_equal_computed()
    assert figures[acmecoffee.pk, week][1] == before[acmecoffee.pk, week][1] + 1
    # Past weeks keep their items.
    assert figures[acmecoffee.pk, weeks[0]] == before[acmecoffee.pk, weeks[0]]
    item_retire(item=added)
    item_retire(item=item(opened[acmecoffee.pk, week], "The account is verified"))
    figures = assert_stored_equal_computed()
    assert figures[acmecoffee.pk, week] == (before[acmecoffee.pk, week][0] - 1, 6)


def test_it_follows_the_account_settings(acmecoffee, opened, weeks) -> None:
    before = assert_stored_equal_computed()
    account_update(account=acmecoffee, verified=False)
    figures = assert_stored_equal_computed()
    # The account rules answer with today's settings for every week.
    for monday in weeks:
        assert figures[acmecoffee.pk, monday][0] == before[acmecoffee.pk, monday][0] - 1


@pytest.mark.parametrize("recompute", [True, False], ids=["recompute", "no-recompute"])
def test_it_follows_an_import_of_metrics(acme, acme_deals, opened, weeks, recompute) -> None:
    before = assert_stored_equal_computed()
    day = weeks[1] + timedelta(days=2)
    csv = (
        "date,handle,video_views,likes,comments,shares,spend\n"
        f"{day.isoformat()},@acme.deals,100,5,1,1,25.00\n"
    ).encode()
    result = import_files(
        team=acme,
        user=None,
        files=[("metrics.csv", csv)],
        as_of=weeks[-1],  # this Monday: never after today
        recompute=recompute,
    )
    assert result.ok, result
    figures = assert_stored_equal_computed()
    # "Paid promotion ran this week" is done in the week of the day with spend, only there.
    assert figures[acme_deals.pk, weeks[1]][0] == before[acme_deals.pk, weeks[1]][0] + 1
    assert figures[acme_deals.pk, weeks[2]] == before[acme_deals.pk, weeks[2]]


def post(account: Account, day: date, title: str) -> Video:
    video = Video.objects.create(
        account=account, video_id=str(next(_ids)), title=title, posted_on=day
    )
    # As every writer of videos does.
    videos_classify(videos=Video.objects.filter(pk=video.pk))
    return video


def test_it_follows_videos_posted_and_marked(acme, alice, acmecoffee, opened, weeks) -> None:
    before = assert_stored_equal_computed()
    monday = weeks[2]
    videos = [post(acmecoffee, monday + timedelta(days=n), f"Latte art {n}") for n in range(3)]
    posted = assert_stored_equal_computed()
    # Three videos, none promotional: "three videos" done, "one in five" now counted, done.
    assert posted[acmecoffee.pk, monday] == (
        before[acmecoffee.pk, monday][0] + 2,
        before[acmecoffee.pk, monday][1] + 1,
    )
    video_mark(video=videos[0], user=alice, promotional=True)
    marked = assert_stored_equal_computed()
    assert marked[acmecoffee.pk, monday][0] == posted[acmecoffee.pk, monday][0] - 1
    video_mark(video=videos[0], user=alice, promotional=None)
    assert assert_stored_equal_computed() == posted
    promotional_markers_save(team=acme, user=alice, markers=["latte"])
    remarked = assert_stored_equal_computed()
    assert remarked[acmecoffee.pk, monday][0] == posted[acmecoffee.pk, monday][0] - 1


def test_it_follows_videos_moved_to_another_week(acmecoffee, opened, weeks) -> None:
    before = assert_stored_equal_computed()
    first, second = weeks[1], weeks[2]
    titles = {str(next(_ids)): f"Latte art {n}" for n in range(3)}

    def download(as_of: date, posted_on: date) -> None:
        videos_write(
            account_id=acmecoffee.pk,
            videos={
                video_id: (as_of, title, "", posted_on + timedelta(days=n))
                for n, (video_id, title) in enumerate(titles.items())
            },
            snapshots={(video_id, as_of): (100, 10, 1, 1) for video_id in titles},
        )

    download(weeks[3], first)
    posted = assert_stored_equal_computed()
    assert posted[acmecoffee.pk, first] != before[acmecoffee.pk, first]
    # A newer download says the videos were posted a week later: the first week loses them.
    download(weeks[3] + timedelta(days=1), second)
    moved = assert_stored_equal_computed()
    assert moved[acmecoffee.pk, first] == before[acmecoffee.pk, first]
    assert moved[acmecoffee.pk, second] == posted[acmecoffee.pk, first]


def test_it_fills_the_figures_of_existing_checklists(opened) -> None:
    reference = assert_stored_equal_computed()
    WeekPractice.objects.all().delete()
    import_module("strategy.migrations.0004_week_practice_fill").fill(None, None)
    assert stored() == reference


def test_the_command_computes_the_figures_again(acme, opened) -> None:
    reference = assert_stored_equal_computed()
    WeekPractice.objects.all().delete()
    out = io.StringIO()
    call_command("refresh_practice", "--team", acme.slug, stdout=out)
    assert out.getvalue().strip() == "8 checklists computed."
    assert stored() == reference
    with pytest.raises(CommandError):
        call_command("refresh_practice", "--team", "nobody")

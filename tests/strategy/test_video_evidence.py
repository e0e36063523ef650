"""Checklist items ticked from the videos: one promotional post in five, three videos posted,
a promotional video posted. A video counts in the ISO week of the day it was posted."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.models import Account, Kind
from analytics.content.video_marks import videos_classify
from analytics.evidence import (
    promotional_one_in_five,
    promotional_one_in_five_weeks,
    promotional_video_posted,
    promotional_video_weeks,
    three_videos_posted,
    three_videos_weeks,
)
from analytics.models import PromotionalMarkers, Video
from strategy import evidence
from strategy.models import Checklist
from strategy.selectors import checklist_states
from strategy.selectors.overview import checklist_history
from strategy.selectors.states import ItemState, progress_of, states_of_checklists
from tests.factories import AccountFactory
from tests.strategy.helpers import checklist_url, open_checklist

pytestmark = pytest.mark.django_db

ONE_IN_FIVE = "No more than one promotional post in five"
THREE_VIDEOS = "Posted at least three videos this week"
PROMOTIONAL_VIDEO = "Posted at least one promotional video this week"

_ids = itertools.count(7_300_000_000_000_000_000)


def post(account: Account, day: date | None, title: str = "Morning brew", **fields) -> Video:
    video = Video.objects.create(
        account=account, video_id=str(next(_ids)), title=title, posted_on=day, **fields
    )
    # As every writer of titles does (imports, the sync): decided once, stored.
    videos_classify(videos=Video.objects.filter(pk=video.pk))
    return video


def markers_changed() -> None:
    """What promotional_markers_save and _reset do after changing a team's markers."""
    videos_classify(videos=Video.objects.all())


def post_many(account: Account, day: date, videos: int, promotional: int) -> None:
    for n in range(videos):
        post(account, day, "Flash sale today #ad" if n < promotional else f"Latte art {n}")


def state(checklist: Checklist, title: str) -> ItemState:
    return next(s for s in checklist_states(checklist=checklist) if s.item.title == title)


# -- one promotional post in five (official) --


def test_it_ticks_one_in_five_when_exactly_one_of_five_is_promotional(acmecoffee, week) -> None:
    checklist = open_checklist(acmecoffee)
    post_many(acmecoffee, week + timedelta(days=2), videos=5, promotional=1)
    assert state(checklist, ONE_IN_FIVE).available
    assert state(checklist, ONE_IN_FIVE).done


def test_it_does_not_tick_one_in_five_with_two_of_nine(acmecoffee, week) -> None:
    checklist = open_checklist(acmecoffee)
    post_many(acmecoffee, week, videos=9, promotional=2)
    assert not state(checklist, ONE_IN_FIVE).done
    # A tenth video, not promotional, brings it back to one in five.
    post(acmecoffee, week + timedelta(days=6), "Behind the counter")
    assert state(checklist, ONE_IN_FIVE).done


def test_it_shows_one_in_five_as_not_available_in_a_week_without_videos(
    login, bob, acmecoffee, week, last_week
) -> None:
    checklist = open_checklist(acmecoffee)
    # Videos of other weeks, and one without a date, say nothing about this week.
    post_many(acmecoffee, last_week + timedelta(days=6), videos=3, promotional=3)
    post_many(acmecoffee, week + timedelta(days=7), videos=1, promotional=0)
    post(acmecoffee, None, "Undated #ad")
    one_in_five = state(checklist, ONE_IN_FIVE)
    assert not one_in_five.available and not one_in_five.done
    assert one_in_five.unavailable_reason.startswith("No video was posted this week")
    # Verified from data is the only item done; one in five counts neither way: 1 of 7.
    progress = progress_of(checklist_states(checklist=checklist))
    assert (progress.done, progress.total) == (1, 7)
    page = login(bob).get(checklist_url(acmecoffee)).content.decode()
    row = page[page.index(f'id="item-{one_in_five.item.public_id}"') :]
    row = row[: row.index("</li>")]
    assert "not available" in row
    assert "No video was posted this week, so there is nothing to count." in row
    assert "checked" not in row
    # Last week, three of three were promotional.
    assert not state(open_checklist(acmecoffee, last_week), ONE_IN_FIVE).done


def test_it_lets_a_persons_mark_beat_the_title(acmecoffee, acme_deals, week) -> None:
    official = open_checklist(acmecoffee)
    marketing = open_checklist(acme_deals)
    # Four plain videos and one that the title would call promotional, marked as not.
    post_many(acmecoffee, week, videos=4, promotional=0)
    post(acmecoffee, week, "Giveaway winners #giveaway", promotional_mark=False)
    post(acmecoffee, week, "Our new mug", promotional_mark=True)
    post(acme_deals, week, "Summer SALE -20%", promotional_mark=False)
    # One marked by hand in six: ticked; the "sale" title marked as not promotional: not.
    assert state(official, ONE_IN_FIVE).done
    assert not state(marketing, PROMOTIONAL_VIDEO).done
    post(acmecoffee, week, "Also our new mug", promotional_mark=True)
    post(acme_deals, week, "Just coffee", promotional_mark=True)
    assert not state(official, ONE_IN_FIVE).done
    assert state(marketing, PROMOTIONAL_VIDEO).done


def test_it_uses_the_teams_own_markers(acme, acmecoffee, week) -> None:
    checklist = open_checklist(acmecoffee)
    post_many(acmecoffee, week, videos=3, promotional=0)
    post(acmecoffee, week, "Flash sale #ad")
    post(acmecoffee, week, "Made with our partner Beanco #collab")
    # The default markers: "#ad" and "sale" in one title, #collab is not one of them.
    assert state(checklist, ONE_IN_FIVE).done
    PromotionalMarkers.objects.create(team=acme, markers=["#collab", "#ad"])
    markers_changed()
    assert not state(checklist, ONE_IN_FIVE).done
    PromotionalMarkers.objects.filter(team=acme).update(markers=[])
    markers_changed()
    assert state(checklist, ONE_IN_FIVE).done


# -- three videos posted (official) --


def test_it_ticks_three_videos_from_monday_to_sunday(acmecoffee, week) -> None:
    checklist = open_checklist(acmecoffee)
    post(acmecoffee, week - timedelta(days=1))  # last Sunday
    post(acmecoffee, week + timedelta(days=7))  # next Monday
    post(acmecoffee, week)
    post(acmecoffee, week + timedelta(days=6))
    three = state(checklist, THREE_VIDEOS)
    assert three.available and not three.done
    post(acmecoffee, week + timedelta(days=3))
    assert state(checklist, THREE_VIDEOS).done


# -- a promotional video posted (marketing) --


def test_it_ticks_a_promotional_video_posted_from_the_title(acme_deals, week, last_week) -> None:
    checklist = open_checklist(acme_deals)
    assert state(checklist, PROMOTIONAL_VIDEO).available
    assert not state(checklist, PROMOTIONAL_VIDEO).done
    post(acme_deals, last_week, "Link in bio for 20% off")
    post(acme_deals, week, "How we roast")
    assert not state(checklist, PROMOTIONAL_VIDEO).done
    post(acme_deals, week + timedelta(days=4), "Cold brew is BACK IN STOCK")
    assert state(checklist, PROMOTIONAL_VIDEO).done


# -- many accounts and many weeks --


def test_it_answers_for_many_accounts_with_one_query_per_rule(
    acme, globex, acmecoffee, acme_deals, week, django_assert_num_queries
) -> None:
    other = AccountFactory(team=globex, handle="globex", kind=Kind.OFFICIAL)
    quiet = AccountFactory(team=acme, handle="quiet", kind=Kind.OFFICIAL)
    PromotionalMarkers.objects.create(team=globex, markers=["#werbung"])
    post_many(acmecoffee, week, videos=5, promotional=1)
    post_many(acme_deals, week, videos=2, promotional=2)
    # "#ad" is not one of Globex's markers; its own "#werbung" is.
    post(other, week, "Neue Tasse #ad")
    post(other, week, "Neue Tasse #werbung")
    accounts = [acmecoffee, acme_deals, other, quiet]
    end = week + timedelta(days=6)
    with django_assert_num_queries(1):
        one_in_five = promotional_one_in_five(accounts, week, end)
    # An account without videos has no answer: the item is not available for it.
    assert one_in_five == {acmecoffee.pk: True, acme_deals.pk: False, other.pk: False}
    with django_assert_num_queries(1):
        posted = promotional_video_posted(accounts, week, end)
    assert posted == {acmecoffee.pk: True, acme_deals.pk: True, other.pk: True, quiet.pk: False}
    with django_assert_num_queries(1):
        three = three_videos_posted(accounts, week, end)
    assert three == {acmecoffee.pk: True, acme_deals.pk: False, other.pk: False, quiet.pk: False}


def test_it_answers_week_by_week_as_it_does_for_each_week(
    acmecoffee, acme_deals, week, django_assert_num_queries
) -> None:
    weeks = [week - timedelta(weeks=n) for n in (3, 2, 1, 0)]
    post_many(acmecoffee, weeks[0] + timedelta(days=6), videos=5, promotional=1)
    post_many(acmecoffee, weeks[1], videos=2, promotional=1)
    post_many(acmecoffee, weeks[3] + timedelta(days=3), videos=4, promotional=0)
    post_many(acme_deals, weeks[2], videos=3, promotional=1)
    accounts = [acmecoffee, acme_deals]
    start, end = weeks[0], weeks[-1] + timedelta(days=6)
    for func, by_week in (
        (promotional_one_in_five, promotional_one_in_five_weeks),
        (promotional_video_posted, promotional_video_weeks),
        (three_videos_posted, three_videos_weeks),
    ):
        with django_assert_num_queries(1):
            answer = by_week(accounts, start, end)
        for monday in weeks:
            one_week = func(accounts, monday, monday + timedelta(days=6))
            for account in accounts:
                held = answer[account.pk]
                if isinstance(held, dict):
                    assert held.get(monday) == one_week.get(account.pk), (func, monday)
                else:
                    assert (monday in held) == one_week[account.pk], (func, monday)
    assert promotional_one_in_five_weeks(accounts, start, end) == {
        acmecoffee.pk: {weeks[0]: True, weeks[1]: False, weeks[3]: True},
        acme_deals.pk: {weeks[2]: False},
    }


def test_it_shows_the_weeks_without_videos_as_not_available_in_the_history(
    login, bob, acmecoffee, week, last_week
) -> None:
    earlier = open_checklist(acmecoffee, last_week)
    current = open_checklist(acmecoffee)
    post_many(acmecoffee, last_week, videos=5, promotional=1)
    states = states_of_checklists(
        list(Checklist.objects.filter(account=acmecoffee).select_related("account"))
    )
    by_week = {earlier.week_start: states[earlier.pk], current.week_start: states[current.pk]}
    last, this = (
        next(s for s in by_week[monday] if s.item.title == ONE_IN_FIVE)
        for monday in (last_week, week)
    )
    assert last.available and last.done
    assert not this.available and not this.done
    history = checklist_history(account=acmecoffee, weeks=2)
    rows = [row for _, rows in history.practices for row in rows]
    row = next(r for r in rows if r.item.title == ONE_IN_FIVE)
    assert [cell.available for cell in row.cells] == [True, False]
    # Last week: verified, one in five and three videos done, of 8; this week: 1 of 7.
    assert [(t.done, t.total) for t in history.totals] == [(3, 8), (1, 7)]
    url = reverse("strategy:checklist-history", args=["acme", "acmecoffee"])
    page = login(bob).get(url, {"weeks": 4}).content.decode()
    assert "Not available: No video was posted this week" in page


def test_it_registers_the_video_rules_with_labels() -> None:
    for rule in ("promotional_one_in_five", "three_videos_posted", "promotional_video_posted"):
        assert evidence.is_available(rule)
        assert evidence.LABELS[rule]
    assert evidence.unavailable_reason("no_such_rule") == "Nothing provides this data yet."

"""strategy/migrations/0002: templates from before the video rules get their items, edits kept.

The migration's function is called with the project's app registry on templates put back
into their earlier state (the defaults as they were before the video items).
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps

from accounts.models import Kind
from lib.dates import this_week
from strategy.models import Check, ChecklistItem, ChecklistTemplate
from strategy.selectors import checklist_states
from strategy.services import (
    BEGINNING,
    check_set,
    item_create,
    item_retire,
    item_update,
    templates_ensure,
)
from tests.factories import TeamFactory
from tests.strategy.helpers import open_checklist

pytestmark = pytest.mark.django_db

migration = import_module("strategy.migrations.0002_video_evidence_items")

OLD_HELP = "Count this week's posts that push a product or an offer."
NEW_RULES = ("three_videos_posted", "promotional_video_posted")


def as_before_the_video_rules(team) -> dict[str, ChecklistTemplate]:
    """The team's templates as the defaults made them before the video items existed."""
    templates = templates_ensure(team=team)
    items = ChecklistItem.objects.filter(practice__template__team=team)
    items.filter(evidence_rule__in=NEW_RULES).delete()
    items.filter(evidence_rule="promotional_one_in_five").update(
        evidence_rule="", help_text=OLD_HELP
    )
    return templates


def migrate() -> None:
    migration.add_video_items(apps, None)


def snapshot(template: ChecklistTemplate) -> list[tuple]:
    return list(
        ChecklistItem.objects.filter(practice__template=template)
        .order_by("pk")
        .values_list(
            "pk",
            "practice__name",
            "title",
            "help_text",
            "order",
            "cadence",
            "evidence_rule",
            "active_from",
            "retired_from",
        )
    )


def test_it_gives_an_unedited_template_the_defaults_items(acme) -> None:
    templates = as_before_the_video_rules(acme)
    migrate()
    official = ChecklistItem.objects.filter(practice__template=templates[Kind.OFFICIAL])
    one_in_five = official.get(title="No more than one promotional post in five")
    assert one_in_five.evidence_rule == "promotional_one_in_five"
    assert one_in_five.help_text.startswith("Ticked from the imported videos")
    assert one_in_five.active_from == BEGINNING
    three = official.get(evidence_rule="three_videos_posted")
    assert (three.title, three.practice.name) == (
        "Posted at least three videos this week",
        "Engage Regularly",
    )
    # Last in its practice, from the current week on: past weeks do not change.
    assert three.order > max(
        official.filter(practice=three.practice)
        .exclude(pk=three.pk)
        .values_list("order", flat=True)
    )
    assert three.active_from == this_week() and three.retired_from is None
    marketing = ChecklistItem.objects.filter(practice__template=templates[Kind.MARKETING])
    promotional = marketing.get(evidence_rule="promotional_video_posted")
    assert promotional.title == "Posted at least one promotional video this week"
    assert promotional.practice.name == "Campaign work"
    assert promotional.active_from == this_week()
    # The same items as a team created today starts with.
    for kind, template in templates.items():
        rules = set(
            ChecklistItem.objects.filter(practice__template=template)
            .exclude(evidence_rule="")
            .values_list("evidence_rule", flat=True)
        )
        assert (
            rules
            == {
                Kind.OFFICIAL: {
                    "account_verified",
                    "promotional_one_in_five",
                    "three_videos_posted",
                },
                Kind.MARKETING: {
                    "kpi_targets_set",
                    "paid_promotion_ran",
                    "promotional_video_posted",
                },
            }[kind]
        )


def test_it_keeps_a_leads_edits(acme, bob, acmecoffee, last_week) -> None:
    templates = as_before_the_video_rules(acme)
    official = templates[Kind.OFFICIAL]
    items = ChecklistItem.objects.filter(practice__template=official)
    one_in_five = items.get(title="No more than one promotional post in five")
    # The lead reworded the item (its help stays the default), renamed another, retired a
    # third and added one of their own; bob ticked the item by hand last week.
    item_update(
        item=one_in_five,
        practice_name="Stay Authentic",
        title="At most 1 post in 5 sells",
        help_text=OLD_HELP,
    )
    past = open_checklist(acmecoffee, last_week)
    check_set(checklist=past, item=one_in_five, user=bob, ticked=True)
    item_update(
        item=items.get(title__startswith="Hosted"),
        practice_name="Engage Regularly",
        title="Went live",
        help_text="15 minutes or more.",
    )
    item_retire(item=items.get(title__startswith="Took part"))
    item_create(template=official, practice_name="Engage Regularly", title="Answered DMs")
    before = snapshot(official)

    migrate()

    after = {row[0]: row for row in snapshot(official)}
    one_in_five.refresh_from_db()
    # Made automatic, its words kept; its help told people to count by hand, so it changed.
    assert one_in_five.title == "At most 1 post in 5 sells"
    assert one_in_five.evidence_rule == "promotional_one_in_five"
    assert one_in_five.help_text != OLD_HELP
    # Every other item is exactly as the lead left it.
    for row in before:
        if row[0] != one_in_five.pk:
            assert after.pop(row[0]) == row
    after.pop(one_in_five.pk)
    # The one new item goes after the lead's own.
    (added,) = after.values()
    assert added[2] == "Posted at least three videos this week"
    answered = items.get(title="Answered DMs")
    assert added[4] == answered.order + 1
    # Bob's tick is kept (the row stays), though the item now follows the data.
    assert Check.objects.filter(item=one_in_five, ticked=True).count() == 1


def test_it_recognises_the_item_by_its_help_and_keeps_an_edited_help(acme) -> None:
    official = as_before_the_video_rules(acme)[Kind.OFFICIAL]
    items = ChecklistItem.objects.filter(practice__template=official)
    by_help = items.get(help_text=OLD_HELP)
    item_update(item=by_help, practice_name="Stay Authentic", title="Few ads", help_text=OLD_HELP)
    migrate()
    by_help.refresh_from_db()
    assert (by_help.title, by_help.evidence_rule) == ("Few ads", "promotional_one_in_five")

    other = as_before_the_video_rules(TeamFactory(slug="brand", name="Brand"))
    one_in_five = ChecklistItem.objects.get(
        practice__template=other[Kind.OFFICIAL], help_text=OLD_HELP
    )
    item_update(
        item=one_in_five,
        practice_name="Stay Authentic",
        title=one_in_five.title,
        help_text="Ask Dana before posting an ad.",
    )
    migrate()
    one_in_five.refresh_from_db()
    assert one_in_five.evidence_rule == "promotional_one_in_five"
    assert one_in_five.help_text == "Ask Dana before posting an ad."


def test_it_leaves_what_a_lead_removed_or_rewrote_alone(acme) -> None:
    templates = as_before_the_video_rules(acme)
    items = ChecklistItem.objects.filter(practice__template__team=acme)
    # Retired: a lead took it out; it stays manual and out of the checklist.
    item_retire(item=items.get(title="No more than one promotional post in five"))
    # A lead's own item with the words of a new one: no second copy.
    item_create(
        template=templates[Kind.MARKETING],
        practice_name="Campaign work",
        title="Posted at least one PROMOTIONAL video this week",
    )
    before = {kind: snapshot(template) for kind, template in templates.items()}

    migrate()

    assert not items.filter(evidence_rule="promotional_one_in_five").exists()
    assert snapshot(templates[Kind.MARKETING]) == before[Kind.MARKETING]
    # The official template gets only the three-videos item.
    assert len(snapshot(templates[Kind.OFFICIAL])) == len(before[Kind.OFFICIAL]) + 1
    assert items.filter(evidence_rule="three_videos_posted").count() == 1


def test_it_changes_nothing_the_second_time_nor_on_a_new_teams_templates(acme, globex) -> None:
    as_before_the_video_rules(acme)
    fresh = templates_ensure(team=globex)
    fresh_before = {kind: snapshot(template) for kind, template in fresh.items()}
    migrate()
    once = {t.pk: snapshot(t) for t in ChecklistTemplate.objects.all()}
    migrate()
    assert {t.pk: snapshot(t) for t in ChecklistTemplate.objects.all()} == once
    assert {kind: snapshot(template) for kind, template in fresh.items()} == fresh_before


def test_it_starts_the_new_items_with_the_current_week(acme, acmecoffee, week) -> None:
    as_before_the_video_rules(acme)
    migrate()
    three = ChecklistItem.objects.get(evidence_rule="three_videos_posted")
    last_week = open_checklist(acmecoffee, week - timedelta(weeks=1))
    titles_last_week = {s.item.title for s in checklist_states(checklist=last_week)}
    assert three.title not in titles_last_week
    assert three.is_active_in(week)

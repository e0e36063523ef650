"""Gives the templates that existed before the video rules their automatic video items.

A team's template is its own: this adds what is missing and changes nothing a lead
changed. Items are never deleted, only retired, so an item is recognised by its rule or
its default words among all the template's items, retired ones included:

- "No more than one promotional post in five" (official) was a manual item. The template's
  current manual item with that default title, or else with that default help, is made
  automatic; its title stays as the lead wrote it, and its help is replaced only if it is
  still the default (which told people to count by hand). If the lead retired it, or
  reworded both title and help, the template is left as it is.
- "Posted at least three videos this week" (official, Engage Regularly) and "Posted at
  least one promotional video this week" (marketing, Campaign work) are added from the
  current week on, at the end of their practice, unless the template has an item with
  their rule or their title (current or retired: a retired one was removed by a lead), or
  no longer has the practice.

The words are written out here, not read from strategy/defaults.py, so that the migration
does the same thing whatever the defaults say later. Reversing it changes nothing: the
items may have ticks by then, and a lead can retire them.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

ONE_IN_FIVE = {
    "rule": "promotional_one_in_five",
    "title": "No more than one promotional post in five",
    "old_help": "Count this week's posts that push a product or an offer.",
    "help": (
        "Ticked from the imported videos: at most one in five of the week's videos is "
        "promotional. Not available in a week without videos."
    ),
}
ADDED = (
    {
        "kind": "official",
        "practice": "Engage Regularly",
        "rule": "three_videos_posted",
        "title": "Posted at least three videos this week",
        "help": "Ticked from the imported videos, by the day each was posted.",
    },
    {
        "kind": "marketing",
        "practice": "Campaign work",
        "rule": "promotional_video_posted",
        "title": "Posted at least one promotional video this week",
        "help": (
            "Ticked from the imported videos: promotional by a person's mark on the Content "
            "page, else by the team's promotional markers in the title."
        ),
    },
)


def _this_monday():
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


def make_one_in_five_automatic(template, items) -> None:
    if any(item.evidence_rule == ONE_IN_FIVE["rule"] for item in items):
        return
    current_manual = [i for i in items if not i.evidence_rule and i.retired_from is None]
    found = next((i for i in current_manual if i.title == ONE_IN_FIVE["title"]), None)
    found = found or next(
        (i for i in current_manual if i.help_text == ONE_IN_FIVE["old_help"]), None
    )
    if found is None:
        return
    found.evidence_rule = ONE_IN_FIVE["rule"]
    fields = ["evidence_rule", "updated_at"]
    if found.help_text == ONE_IN_FIVE["old_help"]:
        found.help_text = ONE_IN_FIVE["help"]
        fields.append("help_text")
    found.save(update_fields=fields)


def add_item(apps, template, items, added, monday) -> None:
    ChecklistItem = apps.get_model("strategy", "ChecklistItem")
    title = added["title"].casefold()
    if any(i.evidence_rule == added["rule"] or i.title.casefold() == title for i in items):
        return
    practice = template.practices.filter(name__iexact=added["practice"]).first()
    if practice is None:
        return
    orders = [i.order for i in items if i.practice_id == practice.pk]
    ChecklistItem.objects.create(
        practice=practice,
        title=added["title"],
        help_text=added["help"],
        order=max(orders) + 1 if orders else 0,
        cadence="weekly",
        evidence_rule=added["rule"],
        active_from=monday,
    )


def add_video_items(apps, schema_editor) -> None:
    ChecklistTemplate = apps.get_model("strategy", "ChecklistTemplate")
    ChecklistItem = apps.get_model("strategy", "ChecklistItem")
    monday = _this_monday()
    for template in ChecklistTemplate.objects.order_by("pk"):
        items = list(
            ChecklistItem.objects.filter(practice__template=template).order_by(
                "practice__order", "practice_id", "order", "pk"
            )
        )
        if template.kind == "official":
            make_one_in_five_automatic(template, items)
        for added in ADDED:
            if added["kind"] == template.kind:
                add_item(apps, template, items, added, monday)


class Migration(migrations.Migration):
    dependencies = [("strategy", "0001_initial")]

    operations = [migrations.RunPython(add_video_items, migrations.RunPython.noop)]

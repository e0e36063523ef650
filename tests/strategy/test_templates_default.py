"""Every team starts with one checklist per kind, after the seed's best practices."""

from __future__ import annotations

import pytest

from accounts.models import Kind
from accounts.services import team_create
from strategy.models import ChecklistItem, ChecklistTemplate
from strategy.services import templates_ensure

pytestmark = pytest.mark.django_db


def practices(template: ChecklistTemplate) -> list[str]:
    return list(template.practices.order_by("order").values_list("name", flat=True))


def rules(template: ChecklistTemplate) -> set[str]:
    items = ChecklistItem.objects.filter(practice__template=template).exclude(evidence_rule="")
    return set(items.values_list("evidence_rule", flat=True))


def test_it_gives_a_new_team_one_template_per_kind() -> None:
    team = team_create(slug="brand", name="Brand")
    assert sorted(team.checklist_templates.values_list("kind", flat=True)) == sorted(Kind.values)


def test_it_groups_official_items_by_the_seeds_official_practices() -> None:
    template = team_create(slug="brand", name="Brand").checklist_templates.get(kind=Kind.OFFICIAL)
    assert practices(template) == ["Stay Authentic", "Engage Regularly", "Utilize Verification"]
    assert rules(template) == {
        "account_verified",
        "promotional_one_in_five",
        "three_videos_posted",
    }
    titles = set(
        ChecklistItem.objects.filter(practice__template=template).values_list("title", flat=True)
    )
    assert {
        "This week's posts sound like the brand's own voice, not like ads",
        "No more than one promotional post in five",
        "Replied to comments on at least three days",
        "Hosted or joined a live session",
        "Took part in a trend in the brand's voice",
        "Posted at least three videos this week",
        "The account is verified",
        "Shared an exclusive announcement or behind-the-scenes video",
    } <= titles
    guidance = template.practices.get(name="Stay Authentic").guidance
    assert "genuine voice of the brand" in guidance
    assert "Avoid overly promotional content" in guidance


def test_it_groups_marketing_items_by_the_seeds_marketing_practices() -> None:
    template = team_create(slug="brand", name="Brand").checklist_templates.get(kind=Kind.MARKETING)
    assert practices(template) == [
        "Focus on ROI",
        "Leverage Paid Ads",
        "Collaborate with Influencers",
        "Campaign work",
    ]
    assert rules(template) == {
        "kpi_targets_set",
        "paid_promotion_ran",
        "promotional_video_posted",
    }
    assert "click-through rates (CTR)" in template.practices.get(name="Focus on ROI").guidance
    assert "different ad formats" in template.practices.get(name="Leverage Paid Ads").guidance
    influencer = ChecklistItem.objects.get(
        practice__template=template, practice__name="Collaborate with Influencers"
    )
    assert (
        influencer.title == "Contacted or ran a partnership with an influencer who fits the brand"
    )
    assert influencer.cadence == "monthly"
    # No item of one kind appears in the other's checklist.
    official = team_create(slug="other", name="Other").checklist_templates.get(kind=Kind.OFFICIAL)
    assert not set(practices(template)) & set(practices(official))


def test_it_creates_templates_lazily_for_teams_that_had_none(acme) -> None:
    assert not ChecklistTemplate.objects.filter(team=acme).exists()
    first = templates_ensure(team=acme)
    again = templates_ensure(team=acme)
    assert {k: t.pk for k, t in first.items()} == {k: t.pk for k, t in again.items()}
    assert ChecklistTemplate.objects.filter(team=acme).count() == 2
    assert ChecklistItem.objects.filter(practice__template__team=acme).count() == 8 + 7

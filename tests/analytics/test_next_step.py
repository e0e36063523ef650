"""What to fix first on a scorecard, and the grade legend on every scorecard."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from analytics.models import DailyMetric
from analytics.scorecards import next_step as steps
from analytics.scorecards.compute import scorecards_compute
from strategy.models import ChecklistItem
from strategy.services import templates_ensure

END = date(2025, 3, 28)
D = Decimal


@pytest.mark.parametrize(
    ("flags", "sub_scores", "expected"),
    [
        (["no_data", "data_gap"], [], steps.NextStep(steps.IMPORT_ALL)),
        (["data_gap"], [("engagement_rate", D(100))], steps.NextStep(steps.IMPORT_GAP)),
        (["no_paid_marketing"], [("engagement_rate", D(20))], steps.NextStep(steps.START_PAID)),
        (
            [],
            [("engagement_rate", D(60)), ("follower_growth", D(40)), ("ctr", None)],
            steps.NextStep(steps.WEAKEST, "follower_growth", D(40)),
        ),
        # Ties go to the first in the scorecard's order.
        (
            ["declining"],
            [("engagement_rate", D(40)), ("follower_growth", D(40))],
            steps.NextStep(steps.WEAKEST, "engagement_rate", D(40)),
        ),
        ([], [("engagement_rate", D(100)), ("roi", None)], steps.NextStep(steps.ALL_MET)),
        ([], [("engagement_rate", None)], steps.NextStep(steps.ALL_MET)),
    ],
)
def test_it_picks_the_first_step_that_applies(flags, sub_scores, expected) -> None:
    assert steps.next_step(flags=flags, sub_scores=sub_scores) == expected


def test_every_figure_a_step_names_has_a_default_checklist_item() -> None:
    # The names in ADDRESSED_BY must match strategy's defaults, or no item is ever found.
    from strategy.defaults import DEFAULTS

    for (kind, _figure), (practice, title) in steps.ADDRESSED_BY.items():
        titles = [
            item.title
            for default in DEFAULTS[kind]
            if default.name == practice
            for item in default.items
        ]
        assert any(t.startswith(title) for t in titles), (kind, practice, title)


def scorecard_html(client, handle: str) -> str:
    url = reverse("analytics:account-scorecard", args=["acme", handle])
    return client.get(url, {"days": 28, "end": END.isoformat()}).content.decode()


def compute(*accounts) -> None:
    scorecards_compute(accounts=accounts, end=END, days=28)


@pytest.mark.django_db
def test_the_scorecard_names_the_weakest_figure_and_its_checklist_item(
    login, alice, acme, acmecoffee
) -> None:
    templates_ensure(team=acme)
    # 28 days, engagement 2% against 5% (sub-score 40); followers flat (0).
    for day in range(28):
        DailyMetric.objects.create(
            account=acmecoffee,
            date=date.fromordinal(END.toordinal() - day),
            video_views=1000,
            likes=20,
            followers=500,
        )
    compute(acmecoffee)
    html = scorecard_html(login(alice), "acmecoffee")
    section = re.search(r'<section[^>]*id="next-step".*?</section>', html, re.S).group(0)
    # Follower growth 0 (sub-score 0) is weaker than engagement 40.
    assert 'data-next-step="weakest"' in section
    assert "Follower growth over 28 days" in section and "0.0 out of 100" in section
    item = ChecklistItem.objects.get(title__startswith="Posted at least three videos")
    assert item.title in section
    assert reverse("strategy:checklist", args=["acme", "acmecoffee"]) in section
    # The legend, with this scorecard's grade marked.
    assert "data-grade-legend" in html and "85 or more" in html and "below 40" in html


@pytest.mark.django_db
def test_a_data_gap_comes_first_even_on_an_a(login, alice, acme, acmecoffee) -> None:
    templates_ensure(team=acme)
    for day in range(5):
        DailyMetric.objects.create(
            account=acmecoffee,
            date=date.fromordinal(END.toordinal() - day),
            video_views=1000,
            likes=90,
        )
    compute(acmecoffee)
    html = scorecard_html(login(alice), "acmecoffee")
    section = re.search(r'<section[^>]*id="next-step".*?</section>', html, re.S).group(0)
    assert 'data-next-step="import_gap"' in section
    assert "Only 5 of the period's 28 days have data" in section
    upload = reverse("imports:import-upload", args=["acme"])
    assert f'on the <a href="{upload}?account=acmecoffee">import page</a>' in section


@pytest.mark.django_db
def test_a_marketing_account_without_paid_promotion_is_told_to_run_some(
    login, alice, acme, acme_deals
) -> None:
    templates_ensure(team=acme)
    for day in range(28):
        DailyMetric.objects.create(
            account=acme_deals,
            date=date.fromordinal(END.toordinal() - day),
            video_views=1000,
            likes=10,
        )
    compute(acme_deals)
    html = scorecard_html(login(alice), "acme.deals")
    section = re.search(r'<section[^>]*id="next-step".*?</section>', html, re.S).group(0)
    assert 'data-next-step="start_paid"' in section
    assert "Paid promotion ran this week" in section


def test_the_items_are_read_in_the_models_order() -> None:
    from analytics.review.next_step_item import ITEM_ORDER

    assert list(ITEM_ORDER) == ChecklistItem._meta.ordering


@pytest.mark.django_db
def test_a_renamed_item_gives_way_to_the_first_active_item_of_its_practice(
    acme, acmecoffee
) -> None:
    """The default item renamed: the practice's first item in the checklist's order stands
    in (by the item's order, not by when it was made), and a retired item never does."""
    from types import SimpleNamespace

    from analytics.review.next_step_item import scorecard_next_step
    from analytics.review.scorecard import FigureRow
    from lib.dates import this_week

    templates_ensure(team=acme)
    default = ChecklistItem.objects.get(
        practice__template__team=acme,
        practice__template__kind=acmecoffee.kind,
        title__startswith="Posted at least three videos",
    )
    practice = default.practice
    default.title = "Three videos a week"
    default.save()
    week = this_week()
    practice.items.update(order=50)
    later = ChecklistItem.objects.create(
        practice=practice, title="Made second", order=2, active_from=week
    )
    ChecklistItem.objects.create(practice=practice, title="Made third", order=3, active_from=week)
    ChecklistItem.objects.create(
        practice=practice,
        title="Retired first",
        order=1,
        active_from=date(2020, 1, 6),
        retired_from=week,
    )
    card = SimpleNamespace(account=acmecoffee, flag_list=[])
    scored = [
        FigureRow("engagement_rate", "Engagement rate", D("0.1"), "rate", D("0.05"), D(100)),
        FigureRow("follower_growth", "Follower growth", D(0), "rate", D("0.02"), D(0)),
    ]
    step = scorecard_next_step(card=card, scored=scored)
    assert step.step.figure == "follower_growth"
    assert step.item is not None
    assert step.item.title == later.title
    assert step.item.practice_name == practice.name

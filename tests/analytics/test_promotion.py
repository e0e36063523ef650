"""The promotional rule of docs/imports.md: whole words or hashtags, case and accents aside."""

from __future__ import annotations

import pytest

from accounts.models import Team
from analytics.models import PromotionalMarkers
from analytics.promotion import (
    DEFAULT_MARKERS,
    clean_markers,
    compile_markers,
    fold,
    team_markers,
    team_matcher,
)

DEFAULTS = compile_markers(DEFAULT_MARKERS)


@pytest.mark.parametrize(
    "title",
    [
        "Our winter SALE starts today",
        "sale!",
        "Big #sale this weekend",
        "Use promo code WINTER",
        "Promo   Code inside",
        "50% off everything",
        "50 % OFF everything",
        "Link in bio for the recipe",
        "Shop now before it's gone",
        "Thanks to our #AD partner",
        "#Sponsored by Acme",
        "New drop #tiktokshop",
        "Back in stock: the mug",
        "Free shipping on every order",
        "DISCOUNT for followers",
        "#Giveaway time",
        # Tags written together are still tags, as TikTok reads them.
        "Morning brew #fyp#ad",
        "New mugs #coffee#sale",
    ],
)
def test_it_finds_the_default_markers(title: str) -> None:
    assert DEFAULTS.matches(title)


@pytest.mark.parametrize(
    "title",
    [
        # Whole words only: a marker inside a longer word is not the marker.
        "Wholesale prices explained",
        "Salesforce tips",
        "Discounted cash flow, a primer",
        "The ad-hoc coffee",
        # A hashtag marker needs its hash; a longer hashtag is another tag.
        "Our new ad campaign, behind the scenes",
        "#adventure in the mountains",
        "#ads2025 recap",
        "#promocodes explained",
        "#wholesale pricing",
        # "% off" is the percent sign and the word, not any "off".
        "Day off at the roastery",
        "Kick off the season",
        "",
    ],
)
def test_it_leaves_authentic_titles_alone(title: str) -> None:
    assert not DEFAULTS.matches(title)


def test_it_matches_a_word_marker_as_a_hashtag_but_not_a_hashtag_marker_as_a_word() -> None:
    matcher = compile_markers(["sale", "#collab"])

    assert matcher.matches("#sale")
    assert matcher.matches("sale")
    assert matcher.matches("big #collab")
    assert not matcher.matches("big collab")


def test_it_ignores_accents_on_either_side() -> None:
    matcher = compile_markers(["promoción", "rebaja"])

    assert matcher.matches("Gran PROMOCION de invierno")
    assert matcher.matches("Gran promoción de invierno")
    assert matcher.matches("Rébaja total")
    assert not matcher.matches("promociones")


def test_it_ignores_case_of_markers_and_titles() -> None:
    matcher = compile_markers(["Link In Bio"])

    assert matcher.matches("LINK IN BIO")
    assert matcher.matches("link in bio")


def test_it_treats_regex_characters_in_markers_as_text() -> None:
    matcher = compile_markers(["50% off", "c++ deal", "(new)"])

    assert matcher.matches("now 50% off")
    assert matcher.matches("the c++ deal is back")
    assert matcher.matches("mugs (new)")
    assert not matcher.matches("now 5000 off")
    assert not matcher.matches("the c deal")


def test_it_lets_a_mark_win_over_the_title() -> None:
    assert DEFAULTS.is_promotional("Summer sale", None)
    assert not DEFAULTS.is_promotional("Summer sale", False)
    assert DEFAULTS.is_promotional("A day at the farm", True)
    assert not DEFAULTS.is_promotional("A day at the farm", None)
    assert not DEFAULTS.is_promotional(None, None)


def test_it_matches_nothing_without_markers() -> None:
    matcher = compile_markers(["", "   "])

    assert matcher.markers == ()
    assert not matcher.matches("sale")


def test_it_folds_case_accents_and_spaces() -> None:
    assert fold("  Ça   Vá\tBIEN ") == "ca va bien"
    assert clean_markers(["Sale", "SALE", " ", "Promo  Code"]) == ("sale", "promo code")


@pytest.mark.django_db
def test_it_uses_a_teams_own_markers_or_else_the_defaults(acme: Team, globex: Team) -> None:
    PromotionalMarkers.objects.create(team=acme, markers=["oferta", "#collab"])

    assert team_markers(acme) == ("oferta", "#collab")
    assert team_matcher(acme).matches("Gran oferta")
    assert not team_matcher(acme).matches("Big sale")
    assert team_markers(globex) == DEFAULT_MARKERS
    assert team_matcher(globex).matches("Big sale")

"""Badge and grade colours: white text on them reads at WCAG AA (4.5:1), and no two that
mean different things share a colour (grade D and the Marketing badge were one orange)."""

from __future__ import annotations

import colorsys
import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "playbook.css"
WHITE_TEXT = (
    "pb-official",
    "pb-marketing",
    "pb-grade-A",
    "pb-grade-B",
    "pb-grade-C",
    "pb-grade-D",
    "pb-grade-F",
    "pb-promotional",
    "pb-best-hour",
)


def background(name: str) -> str:
    """The background of `.name` as the stylesheet finally sets it (the last rule wins)."""
    found = re.findall(
        rf"\.{re.escape(name)}\s*\{{[^}}]*background:\s*(#[0-9a-fA-F]{{6}})", CSS.read_text()
    )
    assert found, f".{name} has no background"
    return found[-1]


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("name", WHITE_TEXT)
def test_white_text_reads_at_aa(name: str) -> None:
    assert contrast(background(name), "#ffffff") >= 4.5, name


def test_grade_d_and_the_marketing_badge_differ() -> None:
    d, marketing = background("pb-grade-D"), background("pb-marketing")

    def hls(colour: str) -> tuple[float, float, float]:
        return colorsys.rgb_to_hls(*(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)))

    (hue_d, light_d, _), (hue_m, light_m, _) = hls(d), hls(marketing)
    # Apart in hue or clearly in lightness: not the same orange.
    assert abs(hue_d - hue_m) * 360 > 8 or abs(light_d - light_m) > 0.1


def test_grades_are_five_different_colours() -> None:
    grades = [background(f"pb-grade-{grade}") for grade in "ABCDF"]
    assert len(set(grades)) == 5

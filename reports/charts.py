"""Charts of a report drawn on the server as inline SVG.

The same markup shows on screen, in print and in the PDF (WeasyPrint draws inline SVG),
without JavaScript. Colours are presentation attributes, not CSS, so every renderer draws
them alike; the comparison is dashed, so colour never carries the meaning alone. Every
chart has a title and a description for screen readers, and the page gives the figures as
text too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
HEIGHT = 200
LEFT = 56
RIGHT = 12
TOP = 12
BOTTOM = 28
CURRENT_COLOUR = "#0d6efd"
COMPARED_COLOUR = "#6c757d"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | Decimal | int | None]
    dashed: bool = False


def _number(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:.2f}"


def line_chart(
    *, title: str, series: Sequence[Series], first_label: str, last_label: str, unit: str = ""
) -> SafeString:
    """Lines over the days of a period; a day without a figure is a gap in its line."""
    values = [float(v) for one in series for v in one.values if v is not None]
    top = max(values, default=0.0)
    bottom = min(0.0, *values) if values else 0.0
    span = (top - bottom) or 1.0
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="pb-report-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{{id}}-t {{id}}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{{id}}-t">{escape(title)}</title>',
        f'<desc id="{{id}}-d">{escape(_description(series, first_label, last_label, unit))}</desc>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#adb5bd" stroke-width="1"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#adb5bd" '
        'stroke-width="1"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end" font-size="11" '
        f'fill="#495057">{escape(_number(top))}{escape(unit)}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end" font-size="11" '
        f'fill="#495057">{escape(_number(bottom))}{escape(unit)}</text>',
        f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="11" fill="#495057">'
        f"{escape(first_label)}</text>",
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end" font-size="11" '
        f'fill="#495057">{escape(last_label)}</text>',
    ]
    for one in series:
        count = len(one.values)
        step = plot_w / max(count - 1, 1)
        colour = COMPARED_COLOUR if one.dashed else CURRENT_COLOUR
        dash = ' stroke-dasharray="5 4"' if one.dashed else ""
        run: list[str] = []
        runs: list[list[str]] = []
        for index, value in enumerate(one.values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            x = LEFT + index * step
            y = TOP + plot_h - (float(value) - bottom) / span * plot_h
            run.append(f"{x:.1f},{y:.1f}")
        if run:
            runs.append(run)
        for points in runs:
            if len(points) == 1:
                x, y = points[0].split(",")
                parts.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{colour}"/>')
            else:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"{dash}/>'
                )
    parts.append("</svg>")
    return _with_id("".join(parts), title)


def bar_chart(
    *, title: str, labels: Sequence[str], series: Sequence[Series], unit: str = ""
) -> SafeString:
    """Grouped bars, one group per label, one bar per series (the comparison hatched grey)."""
    values = [float(v) for one in series for v in one.values if v is not None]
    top = max(values, default=0.0) or 1.0
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    group = plot_w / max(len(labels), 1)
    bar = group * 0.7 / max(len(series), 1)
    parts = [
        f'<svg class="pb-report-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{{id}}-t {{id}}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{{id}}-t">{escape(title)}</title>',
        f'<desc id="{{id}}-d">{escape(_bar_description(labels, series, unit))}</desc>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#adb5bd" stroke-width="1"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end" font-size="11" '
        f'fill="#495057">{escape(_number(top))}{escape(unit)}</text>',
    ]
    for at, label in enumerate(labels):
        x0 = LEFT + at * group + group * 0.15
        for number, one in enumerate(series):
            value = one.values[at] if at < len(one.values) else None
            height = 0.0 if value is None else float(value) / top * plot_h
            x = x0 + number * bar
            fill = COMPARED_COLOUR if one.dashed else CURRENT_COLOUR
            outline = ' stroke="#212529" stroke-dasharray="3 2"' if one.dashed else ""
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - height:.1f}" width="{bar * 0.9:.1f}" '
                f'height="{height:.1f}" fill="{fill}"{outline}/>'
            )
            if value is not None:
                parts.append(
                    f'<text x="{x + bar * 0.45:.1f}" y="{TOP + plot_h - height - 2:.1f}" '
                    f'text-anchor="middle" font-size="10" fill="#212529">'
                    f"{escape(_number(float(value)))}</text>"
                )
        parts.append(
            f'<text x="{x0 + group * 0.35:.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
            f'font-size="12" fill="#212529">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return _with_id("".join(parts), title)


def _with_id(svg: str, title: str) -> SafeString:
    # Ids from the title, so two charts of one page never share one (and the markup
    # escapes every text above: the title is the user's account handle at most).
    slug = "".join(c if c.isalnum() else "-" for c in title.lower())[:40]
    return mark_safe(svg.replace("{id}", f"chart-{slug}"))  # noqa: S308 - every text escaped


def _description(series: Sequence[Series], first: str, last: str, unit: str) -> str:
    said = []
    for one in series:
        known = [float(v) for v in one.values if v is not None]
        if known:
            said.append(
                f"{one.label}: from {_number(known[0])}{unit} to {_number(known[-1])}{unit}, "
                f"highest {_number(max(known))}{unit}"
            )
        else:
            said.append(f"{one.label}: no figures")
    return f"{first} to {last}. " + "; ".join(said) + "."


def _bar_description(labels: Sequence[str], series: Sequence[Series], unit: str) -> str:
    said = []
    for one in series:
        pairs = [
            f"{label} {'—' if value is None else _number(float(value))}{unit}"
            for label, value in zip(labels, one.values, strict=False)
        ]
        said.append(f"{one.label}: " + ", ".join(pairs))
    return "; ".join(said) + "."

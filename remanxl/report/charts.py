"""Bar charts as inline SVG: one per Class I group, labelled bars on a 0–100 % axis.

A dozen bars need no plotting library: the SVG is written here, its text set in the page's own
fonts by the browser (so Chinese labels print with whatever Chinese font the machine has, and stay
text in the PDF).  The axis runs from 0 to 100 %; when a rate is negative it is extended to the left
in steps of 20 %, so a negative saving shows as a bar on the other side of the zero line.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from remanxl.report.cells import T, format_number

#: One colour per Class I group (colour-blind-safe hues; the group's heading carries the same colour).
GROUP_COLOURS = {"energy_resource": "#1f6fb2", "pollutant": "#2e8b57", "implementation": "#d07a12"}

WIDTH = 680
LABEL_W = 250  # the two-line label: symbol and Chinese name, English name below
RIGHT_PAD = 64  # room for a value label at 100 %
ROW_H = 25
TOP, AXIS_H = 6, 22


@dataclass(frozen=True)
class Bar:
    symbol: str
    name_en: str
    name_zh: str
    value: float | None  # a fraction; None when undefined


def scale(lo: float, hi: float, x0: float, x1: float):
    """The x-coordinate of a value on an axis from ``lo`` (at ``x0``) to ``hi`` (at ``x1``)."""
    def x(v: float) -> float:
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)

    return x


def svg_open(width: float, height: float, title: str, css: str = "chart") -> str:
    """The opening tag of a chart: its viewBox, its accessible title."""
    return (f'<svg class="{css}" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">')


def band(x, low: float, median: float, high: float, y: float, colour: str) -> list[str]:
    """A P5–P95 range as a bar in ``colour`` with its median as a stroke, on the row at ``y``."""
    left, right, m = x(low), x(high), x(median)
    return [f'<rect x="{left:.1f}" y="{y + 6}" width="{max(right - left, 0.8):.1f}" height="10" '
            f'fill="{colour}" class="bar range"/>',
            f'<line x1="{m:.1f}" y1="{y + 3}" x2="{m:.1f}" y2="{y + 19}" class="median"/>']


def axis(x, lo: float, hi: float, step: float, top: float, bottom: float) -> list[str]:
    """Vertical grid lines and % labels from ``lo`` to ``hi`` every ``step`` (``x`` maps a rate to its
    x-coordinate); the 0 line is drawn as the axis."""
    out = []
    for k in range(round((hi - lo) / step) + 1):
        v = lo + k * step
        out.append(f'<line x1="{x(v):.1f}" y1="{top}" x2="{x(v):.1f}" y2="{bottom}" '
                   f'class="{"zero" if abs(v) < 1e-9 else "grid"}"/>')
        out.append(f'<text x="{x(v):.1f}" y="{bottom + 14}" class="tick">{format_number(v, 0, True)}</text>')
    return out


def _axis_low(values) -> float:
    low = min([v for v in values if v is not None] + [0.0])
    return -math.ceil(-low * 5 - 1e-9) / 5 if low < 0 else 0.0  # down to the next 20 %


def bar_chart(bars: list[Bar], colour: str, title: str) -> Markup:
    """A horizontal bar chart of rates (fractions) as an ``<svg>`` element."""
    lo, hi = _axis_low([b.value for b in bars]), 1.0
    x0, x1 = LABEL_W + 8, WIDTH - RIGHT_PAD

    x = scale(lo, hi, x0, x1)

    height = TOP + len(bars) * ROW_H + AXIS_H
    out = [svg_open(WIDTH, height, title)]
    bottom = TOP + len(bars) * ROW_H
    out += axis(x, lo, hi, 0.2, TOP, bottom)  # grid and axis labels every 20 %
    for i, b in enumerate(bars):
        y = TOP + i * ROW_H
        out.append(f'<text x="0" y="{y + 11}" class="label"><tspan class="sym">{escape(b.symbol)}</tspan> '
                   f'{escape(b.name_zh)}</text>')
        out.append(f'<text x="0" y="{y + 21}" class="label-en">{escape(_shorten(b.name_en))}</text>')
        if b.value is None:
            out.append(f'<text x="{x(0) + 4:.1f}" y="{y + 16}" class="na">{_na()}</text>')
            continue
        left, right = sorted((x(0), x(b.value)))
        neg = " negative" if b.value < 0 else ""
        out.append(f'<rect x="{left:.1f}" y="{y + 4}" width="{max(right - left, 0.8):.1f}" height="15" '
                   f'fill="{colour}" class="bar{neg}"/>')
        label = format_number(b.value, 2, True)
        lx = right + 4 if b.value >= 0 else x(0) + 4
        out.append(f'<text x="{lx:.1f}" y="{y + 15.5}" class="value{neg}">{label}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _na() -> str:
    na = T("report.na")
    return escape(f"{na.en} {na.zh}")


def _shorten(name: str, limit: int = 56) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Spread:
    """The values of one indicator across a portfolio: lowest, median, highest (fractions)."""

    symbol: str
    name_zh: str
    low: float | None
    median: float | None
    high: float | None
    n: int


def spread_chart(rows: list[Spread], colour: str, title: str) -> Markup:
    """Per indicator, a bar from the lowest to the highest product and a tick at the median."""
    lo = _axis_low([r.low for r in rows])
    hi = 1.0
    width, label_w = 460, 158  # three side by side on a landscape page
    x0, x1 = label_w + 8, width - 52

    x = scale(lo, hi, x0, x1)

    row_h = 22
    bottom = TOP + len(rows) * row_h
    out = [svg_open(width, bottom + AXIS_H, title)]
    out += axis(x, lo, hi, 0.2, TOP, bottom)
    for i, r in enumerate(rows):
        y = TOP + i * row_h
        out.append(f'<text x="0" y="{y + 15}" class="label"><tspan class="sym">{escape(r.symbol)}</tspan> '
                   f'{escape(r.name_zh)}</text>')
        if r.median is None:
            out.append(f'<text x="{x(0) + 4:.1f}" y="{y + 15}" class="na">{_na()}</text>')
            continue
        right = x(r.high)
        out += band(x, r.low, r.median, r.high, y, colour)
        out.append(f'<text x="{right + 4:.1f}" y="{y + 15}" class="value">{format_number(r.median, 1, True)}</text>')
    out.append("</svg>")
    return Markup("".join(out))

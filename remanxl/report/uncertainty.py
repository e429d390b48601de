"""The report's uncertainty section: the bands of the comparison rates and the inputs that matter most.

Built from what ``remanxl evaluate --format json --uncertainty`` adds under each rate
(``indicators.<SYMBOL>.uncertainty`` and ``.sensitivity``); a report whose evaluation has none shows no
such section.  Every number carries the JSON pointer of its source, as elsewhere in the report.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from remanxl.report import names
from remanxl.report.cells import Column, T, Table, Text, format_number, pointer
import math

from remanxl.report.charts import GROUP_COLOURS, Spread, axis, band, scale, svg_open

RATES = ("SE", "SM", "SW", "RGHG", "RAP", "REF", "RSW")


@dataclass
class RateSensitivity:
    symbol: str
    name: Text
    variance: Table
    tornado: Markup


@dataclass
class UncertaintySection:
    draws: int
    seed: int
    bands: Table
    chart: Markup
    rates: list[RateSensitivity]


def _input_name(c: dict) -> Text:
    """An input as the user finds it: sheet and row (or table and row) with its key, side and provenance;
    or the coefficient with its table's name.  Sheet names are bilingual already: one spelling."""
    if c["kind"] == "factor":
        table, _, key = c["name"].partition(":")
        if table == "settings":
            return Text(f"setting {key}", f"设置 {key}")
        t = names.factor_table(table)
        return Text(f"{t.en}: {key}", f"{t.zh or t.en}:{key}")
    where = c.get("name") or f"{c['table']} row {c['row'] + 1}"
    side, prov = names.code("side", c.get("side")), names.code("prov", c.get("provenance"))
    return Text(f"{where} · {c.get('key')} · {side.en} {side.zh} · {prov.en} {prov.zh}".replace("  ", " "))


def uncertainty_section(ev: dict) -> UncertaintySection | None:
    """The section, or None when the evaluation carries no Monte Carlo."""
    indicators = ev.get("indicators", {})
    present = [s for s in RATES if isinstance(indicators.get(s, {}).get("uncertainty"), dict)]
    if not present:
        return None
    first = indicators[present[0]]["uncertainty"]
    bands = Table(None, [Column(T("report.c.indicator")), Column(T("report.c.value"), "pct"),
                         Column(T("report.unc.p5"), "pct"), Column(T("report.unc.p50"), "pct"),
                         Column(T("report.unc.p95"), "pct"), Column(T("report.unc.mean"), "pct"),
                         Column(T("report.unc.p_positive"), "pct")], css="bands")
    spreads = []
    rates = []
    for s in present:
        r, u = indicators[s], indicators[s]["uncertainty"]
        src = pointer("indicators", s, "uncertainty")
        name = Text(f"{s} {r.get('name_en', '')}", f"{s} {r.get('name_zh', '')}")
        bands.add(name, (r.get("value"), pointer("indicators", s, "value")),
                  *[(u.get(k), f"{src}/{k}") for k in ("p5", "p50", "p95", "mean", "p_positive")])
        spreads.append(Spread(s, str(r.get("name_zh", "")), u.get("p5"), u.get("p50"), u.get("p95"), u.get("draws", 0)))
        sens = r.get("sensitivity") or {}
        variance = Table(T("report.unc.variance", symbol=s), [Column(T("report.unc.input")),
                                                              Column(T("report.unc.share"), "pct")], css="variance")
        for k, c in enumerate(sens.get("variance", [])):
            variance.add(_input_name(c), (c.get("share"), pointer("indicators", s, "sensitivity", "variance", k,
                                                                  "share")))
        colour = GROUP_COLOURS.get(r.get("group", "energy_resource"), "#1f6fb2")
        rates.append(RateSensitivity(s, name, variance,
                                     tornado_chart(sens.get("tornado", []), r.get("value"), colour,
                                                   f"{s} ±10 %")))
    chart = band_chart(spreads, GROUP_COLOURS["energy_resource"], "P5–P95")
    return UncertaintySection(int(first.get("draws", 0)), int(first.get("seed", 0)), bands, chart, rates)


def tornado_chart(items: list[dict], base, colour: str, title: str) -> Markup:
    """Each input's rate at −10 % and +10 % as a bar across the plain value, widest first."""
    rows = [c for c in items if c.get("low") is not None and c.get("high") is not None]
    if not rows or base is None:
        return Markup("")
    lo = min([base] + [min(c["low"], c["high"]) for c in rows])
    hi = max([base] + [max(c["low"], c["high"]) for c in rows])
    pad = (hi - lo) * 0.08 or 0.001
    lo, hi = lo - pad, hi + pad
    width, label_w, row_h, top = 680, 300, 20, 6
    x0, x1 = label_w + 8, width - 60

    x = scale(lo, hi, x0, x1)

    bottom = top + len(rows) * row_h
    out = [svg_open(width, bottom + 22, title, "chart tornado")]
    for i, c in enumerate(rows):
        y = top + i * row_h
        label = _input_name(c).en
        label = label if len(label) <= 52 else label[:51] + "…"
        out.append(f'<text x="0" y="{y + 14}" class="label">{escape(label)}</text>')
        for v, css in ((c["low"], "bar lower"), (c["high"], "bar")):  # −10 % light, +10 % dark
            a, b = sorted((x(base), x(v)))
            out.append(f'<rect x="{a:.1f}" y="{y + 4}" width="{max(b - a, 0.8):.1f}" height="12" fill="{colour}" '
                       f'class="{css}"/>')
    bx = x(base)
    out.append(f'<line x1="{bx:.1f}" y1="{top}" x2="{bx:.1f}" y2="{bottom}" class="zero"/>')
    for v in (lo + pad, base, hi - pad):
        out.append(f'<text x="{x(v):.1f}" y="{bottom + 14}" class="tick">{format_number(v, 1, True)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def band_chart(rows: list[Spread], colour: str, title: str) -> Markup:
    """P5 to P95 of each rate as a bar, the median as a tick, on an axis fitted to the bands (a 0–100 %
    axis would shrink a band of a few points to a sliver)."""
    shown = [r for r in rows if r.low is not None and r.high is not None]
    if not shown:
        return Markup("")
    step = 0.05 if max(r.high for r in shown) - min(r.low for r in shown) <= 0.4 else 0.1
    lo = math.floor((min(r.low for r in shown) - 0.01) / step) * step
    hi = math.ceil((max(r.high for r in shown) + 0.01) / step) * step
    width, label_w, row_h, top = 680, 200, 22, 6
    x0, x1 = label_w + 8, width - 110

    x = scale(lo, hi, x0, x1)

    bottom = top + len(rows) * row_h
    out = [svg_open(width, bottom + 22, title)]
    out += axis(x, lo, hi, step, top, bottom)
    for i, r in enumerate(rows):
        y = top + i * row_h
        out.append(f'<text x="0" y="{y + 15}" class="label"><tspan class="sym">{escape(r.symbol)}</tspan> '
                   f'{escape(r.name_zh)}</text>')
        if r.low is None or r.high is None:
            continue
        out += band(x, r.low, r.median, r.high, y, colour)
        out.append(f'<text x="{x1 + 8:.1f}" y="{y + 15}" class="value">{format_number(r.low, 1, True)} – '
                   f'{format_number(r.high, 1, True)}</text>')
    out.append("</svg>")
    return Markup("".join(out))

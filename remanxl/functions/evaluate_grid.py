"""``REMAN_EVALUATE``: the indicator table from ranges of cells, read as the workbook reader reads them.

Each range's header row says what it is (see :func:`remanxl.sheet.reader.identify`): an input
table, the settings, a factor table or the aliases.  From there the ranges are read, validated and
evaluated exactly as a workbook file or the open Excel book is (:mod:`remanxl.sheet.engine`), so a
cell means the same to ``REMAN_EVALUATE`` as to ``remanxl evaluate``.
"""
from __future__ import annotations

from remanxl.i18n import Msg, tr
from remanxl.method.evaluate import Evaluation
from remanxl.method.indicators import BY_SYMBOL

HEADER = ["Symbol 符号", "Indicator 指标", "指标名称", "Value 值", "Numerator 分子", "Denominator 分母",
          "Unit 单位", "Basis 基准", "Status 状态", "Warnings 提示"]


class RangeProblems(Exception):
    """The ranges have problems; ``located`` lists every one, located by argument, row and column."""

    def __init__(self, located):
        self.located = located
        super().__init__(str(located[0]))


def _grid(block) -> list[list]:
    if not isinstance(block, (list, tuple)):
        return [[block]]
    return [list(r) if isinstance(r, (list, tuple)) else [r] for r in block]


def evaluate_grids(blocks) -> Evaluation:
    """An :class:`Evaluation` from blocks of cells, each with its header row first.

    Raises :class:`RangeProblems` with every problem (unrecognised ranges, unreadable tables, cells).
    """
    from remanxl.sheet.engine import assess_inventory, assess_parts, finish
    from remanxl.sheet.reader import identify

    tables, problems = identify([_grid(b) for b in blocks])
    result = finish(assess_inventory(tables, "worksheet ranges", False), assess_parts(tables, False))
    problems += result.problems
    if problems:
        raise RangeProblems(problems)
    return result.evaluation


def indicator_table(ev: Evaluation, lang: str = "both") -> list[list]:
    """The 14-row table a worksheet shows: header row, then one row per indicator, then the status."""
    rows = [list(HEADER)]
    for symbol, r in ev.indicators.items():
        info = BY_SYMBOL[symbol]
        value = r.value if r.value is not None else f"#DIV/0! {tr(r.reason, lang)}"
        rows.append([symbol, info.name_en, info.name_zh, value, r.numerator if r.numerator is not None else "",
                     r.denominator if r.denominator is not None else "", r.unit, tr(r.basis, lang),
                     tr(r.status, lang), "; ".join(tr(w, lang) for w in r.warnings)])
    # A fixed 16 rows, so a worksheet can hold the result in a fixed array range.
    status = tr(Msg("status.valid"), lang) if ev.valid else tr(Msg("status.invalid", reasons="; ".join(
        tr(x, lang) for x in ev.invalid_reasons)), lang)
    rows.append([tr(Msg("status.label"), "both"), status, "", "", "", "", "", "", "",
                 "; ".join(tr(w, lang) for w in ev.warnings)])
    return rows


__all__ = ["evaluate_grids", "indicator_table", "uncertainty_table", "RangeProblems"]


UNCERTAINTY_HEADER = ["Symbol 符号", "Value 值", "P5", "P50", "P95", "Mean 均值", "P(saving) 节约概率",
                      "Draws 抽样数", "Seed 随机种子", "Largest share of variance 方差贡献最大"]


def uncertainty_table(ev: Evaluation, sim, lang: str = "both") -> list[list]:
    """``REMAN_UNCERTAINTY``'s fixed 8 x 10 table: header, then one row per comparison rate (a rate
    without a value shows why in its value cell)."""
    from remanxl.method.uncertainty import RATES

    rows = [list(UNCERTAINTY_HEADER)]
    for symbol in RATES:
        band, r = sim.bands.get(symbol), ev[symbol]
        if band is None:
            rows.append([symbol, f"#N/A {tr(r.reason, lang)}", "", "", "", "", "", "", "", ""])
            continue
        top = sim.contributors.get(symbol) or []
        first = (f"{top[0].name} ({top[0].key}, {top[0].share * 100:.0f} %)" if top else "")
        rows.append([symbol, band.value, band.p5, band.p50, band.p95, band.mean, band.p_positive, band.draws,
                     band.seed, first])
    return rows

"""The summary sheet as a grid of cells, built from an :class:`~remanxl.method.evaluate.Evaluation`.

This module decides *what* the summary shows; :mod:`remanxl.workbook.xlsxpatch`
(files) and :mod:`remanxl.excel.xlwings_book` (an open workbook) decide how it
is written.  The 14 indicators always sit on the same rows, so the chart of
the template keeps pointing at them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from remanxl.method.errors import excel_precision
from remanxl.method.evaluate import Evaluation
from remanxl.method.indicators import GROUPS, INDICATORS
from remanxl.method.settings import SETTINGS
from remanxl.sheet.formulas import native_terms
from remanxl.sheet.layout import SUMMARY_COL, SUMMARY_COLUMNS, SUMMARY_FIRST_ROW, SUMMARY_HEADER_ROW


@dataclass(frozen=True)
class Formula:
    """A formula (file form, no leading ``=``) and the value remanxl expects it to show."""

    text: str
    cached: object = None


@dataclass(frozen=True)
class CellError:
    """An Excel error value (``#N/A``, ``#DIV/0!``): what an undefined rate shows, so that no chart or
    formula can take it for 0 %."""

    code: str


@dataclass
class Cell:
    row: int  # 1-based
    col: int  # 0-based
    value: object  # number, str, bool, None, or Formula
    style: str = "rx text"


@dataclass
class SummaryModel:
    cells: list[Cell] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)

    def put(self, row, col, value, style="rx text"):
        self.cells.append(Cell(row, col, value, style))

    def grid(self) -> list[list]:
        """Values and formulas as one rectangular block (for a single bulk write)."""
        rows = max(c.row for c in self.cells)
        cols = max(c.col for c in self.cells) + 1
        block = [[None] * cols for _ in range(rows)]
        for c in self.cells:
            v = c.value
            # typed into a cell, "=…" is a formula and "#N/A" the error value
            block[c.row - 1][c.col] = "=" + v.text if isinstance(v, Formula) else v.code if isinstance(v, CellError) else v
        return block


def _num(x):
    return excel_precision(x) if isinstance(x, float) else x


def build_summary(ev: Evaluation) -> SummaryModel:
    from remanxl import METHOD_VERSION, __version__

    m = SummaryModel(widths=[w for _, _, w in SUMMARY_COLUMNS])
    s = ev.settings
    m.put(1, 0, "remanxl — GB/T 41350-2022 energy saving and emission reduction 再制造节能减排评价汇总", "rx title")
    ident = " / ".join(x for x in (s.product, s.model, s.remanufacturer, s.reporting_period) if x)
    m.put(2, 0, f"Product 产品: {ident or '(not set 未填写)'}", "rx note")
    m.put(3, 0, f"N = {s.functional_unit_quantity:g} products 台; remanufacturer 再制造企业类型: {s.remanufacturer_type}; "
                f"computed 计算时间 {ev.computed_at} by remanxl {__version__} ({METHOD_VERSION})", "rx note")
    if ev.valid:
        m.put(4, 0, "Valid evaluation 评价有效", "rx group")
    else:
        m.put(4, 0, "INVALID 评价无效: " + "; ".join(ev.invalid_reasons), "rx bad")
        m.merges.append("A4:O4")
    m.put(5, 0, "Values come from remanxl (static until the next recompute). The native columns recompute in any "
                "spreadsheet; the Live column needs the remanxl add-in. 数值由 remanxl 计算;原生公式列任何表格软件均可重算;"
                "实时列需加载 remanxl 加载项。", "rx note")
    for i, (_, header, _) in enumerate(SUMMARY_COLUMNS):
        m.put(SUMMARY_HEADER_ROW, i, header, "rx header")
    c = SUMMARY_COL
    for offset, info in enumerate(INDICATORS):
        row = SUMMARY_FIRST_ROW + offset
        r = ev[info.symbol]
        m.put(row, c["group"], f"{GROUPS[info.group][0]} {GROUPS[info.group][1]}", "rx group")
        m.put(row, c["symbol"], info.symbol, "rx group")
        m.put(row, c["name_en"], info.name_en)
        m.put(row, c["name_zh"], info.name_zh)
        m.put(row, c["value"], _num(r.value) if r.value is not None else _undefined(r), "rx percent")
        m.put(row, c["numerator"], _num(r.numerator), "rx number")
        m.put(row, c["denominator"], _num(r.denominator), "rx number")
        m.put(row, c["unit"], r.unit)
        m.put(row, c["basis"], r.basis, "rx wrap")
        m.put(row, c["status"], r.status)
        notes = ([r.reason] if r.reason else []) + r.warnings
        m.put(row, c["warnings"], "; ".join(notes), "rx warning")
        m.put(row, c["formula"], f"{info.formula}" + (f"  {r.formula}" if r.formula else ""), "rx wrap")
        terms = native_terms(info.symbol, s)
        if terms:
            num_col, den_col = _col_letter(c["native_num"]), _col_letter(c["native_den"])
            m.put(row, c["native_num"], Formula(terms[0], _num(r.numerator) if r.numerator is not None else 0.0),
                  "rx number")
            m.put(row, c["native_den"], Formula(terms[1], _num(r.denominator) if r.denominator is not None else 0.0),
                  "rx number")
            live_cached = _num(r.value) if r.value is not None else f"#DIV/0! {r.reason}"
            m.put(row, c["live"], Formula(f"{info.udf}({num_col}{row},{den_col}{row})", live_cached), "rx percent")
    row = SUMMARY_FIRST_ROW + len(INDICATORS) + 1
    row = _section_list(m, row, "Warnings 提示", ev.warnings or ["none 无"])
    row = _provenance(m, row, ev)
    row = _breakdowns(m, row, ev)
    row = _settings(m, row, ev)
    _factors(m, row, ev)
    return m


def _undefined(r) -> CellError:
    return CellError("#DIV/0!" if r.denominator == 0 else "#N/A")


def _col_letter(index: int) -> str:
    from remanxl.sheet.reader import column_letter

    return column_letter(index + 1)


def _section_list(m, row, title, lines) -> int:
    m.put(row, 0, title, "rx header")
    for i, line in enumerate(lines):
        m.put(row + 1 + i, 0, line, "rx warning")
        m.merges.append(f"A{row + 1 + i}:O{row + 1 + i}")
    return row + len(lines) + 2


def _table(m, row, title, headers, rows, styles) -> int:
    m.put(row, 0, title, "rx group")
    for i, h in enumerate(headers):
        m.put(row + 1, i, h, "rx header")
    for k, values in enumerate(rows):
        for i, v in enumerate(values):
            m.put(row + 2 + k, i, _num(v) if v is not None else "", styles[i] if i < len(styles) else "rx text")
    return row + len(rows) + 3


def _provenance(m, row, ev) -> int:
    p = ev.provenance
    share = p.get("share_estimated")
    rows = [["Original-side rows 原制造侧数据行", p.get("original_rows", 0)],
            ["Estimated 估算", p.get("estimated_rows", 0)]]
    rows += [[f"  {k}", v] for k, v in sorted(p.get("by_provenance", {}).items())]
    end = _table(m, row, "Provenance of original-side inputs 原制造侧数据来源", ["Item 项目", "Rows 行数"], rows,
                 ["rx text", "rx number"])
    m.put(end - 1, 0, "Share estimated 估算占比", "rx text")
    m.put(end - 1, 1, _num(share) if share is not None else "n/a", "rx percent")
    return end + 1


def _breakdowns(m, row, ev) -> int:
    b = ev.breakdowns
    pct = "rx percent"
    num = "rx number"
    rows = [[k, v["reman"], v["original"], v["rate"]] for k, v in b["energy"]["by_type"].items()]
    row = _table(m, row, "Energy by type 分能源品种 (kgce)", ["Energy type 能源种类", "Reman 再制造", "Original 原制造",
                                                            "Rate 节约率"], rows, ["rx text", num, num, pct])
    other = b["energy"].get("other_basis")
    if other:
        t = other["total_kgce"]
        row = _table(m, row, f"Energy on the other electricity basis 另一电力折标方式 ({other['basis']})",
                     ["Basis 方式", "Reman 再制造", "Original 原制造", "Rate 节约率"],
                     [[other["basis"], t["reman"], t["original"], t["rate"]]],
                     ["rx text", num, num, pct])
    rows = [[k, v["reman"], v["original"], v["rate"]] for k, v in b["ghg"]["by_source"].items()]
    row = _table(m, row, "GHG by source 分排放源 (kgCO2e)", ["Source 排放源", "Reman 再制造", "Original 原制造",
                                                          "Rate 减排率"], rows, ["rx text", num, num, pct])
    for key, title in (("air", "Air pollutants by species 大气污染物分物种"),
                       ("water_pollutants", "Water pollutants by species 水污染物分物种")):
        rows = [[k, v["reman_kg"], v["original_kg"], v["reman_equivalents"], v["original_equivalents"], v["rate"],
                 "yes 是" if v["counted"] else "no 否", v["note"]] for k, v in b[key].items()]
        row = _table(m, row, title, ["Pollutant 污染物", "Reman kg", "Original kg", "Reman PE", "Original PE",
                                     "Rate (mass) 减排率", "Counted 计入", "Note 说明"],
                     rows, ["rx text", num, num, num, num, pct, "rx text", "rx wrap"])
    w = b["water"]
    rows = [[label, w[key]["reman"], w[key]["original"], w[key]["rate"]]
            for label, key in (("Fresh water 新水 (m3)", "fresh_water_m3"), ("Wastewater 废水 (m3)", "wastewater_m3"),
                               ("Water pollutants 水污染物 (PE)", "water_pollutant_equivalents"))]
    row = _table(m, row, "Water streams 水", ["Stream 类型", "Reman 再制造", "Original 原制造", "Rate 减少率"], rows,
                 ["rx text", num, num, pct])
    rows = [[k, v["reman"], v["original"], v["rate"]] for k, v in b["solid_waste"].items()]
    row = _table(m, row, "Solid waste by category 固体废物分类 (kg)", ["Category 类别", "Reman 再制造", "Original 原制造",
                                                                  "Rate 减量率"], rows, ["rx text", num, num, pct])
    rows = [[k, v["reman"], v["original"]] for k, v in b["materials"]["by_category"].items()]
    row = _table(m, row, "Materials by category 物料分类 (kg)", ["Category 类别", "Reman 再制造", "Original 原制造"],
                 rows, ["rx text", num, num])
    parts = b["parts"]
    rows = [[k, v["count"], v["mass_kg"]] for k, v in parts.items()]
    row = _table(m, row, f"Parts ledger for N = {ev.settings.functional_unit_quantity:g} 零件清单汇总",
                 ["Population 零件集合", "Count 数量", "Mass kg 质量"], rows, ["rx text", num, num])
    rows = [[k, v["count"], v["mass"]] for k, v in b["parts_both_bases"].items()]
    return _table(m, row, "Implementation ratios on both bases 再制造实施指标(两种基准)",
                  ["Indicator 指标", "Count basis 按数量", "Mass basis 按质量"], rows, ["rx text", pct, pct])


def _settings(m, row, ev) -> int:
    values = ev.settings.to_dict()
    rows = [[spec.name, f"{spec.label_en} {spec.label_zh}", "" if values[spec.name] is None else values[spec.name],
             "yes 是" if values[spec.name] == spec.default else "changed 已修改"] for spec in SETTINGS]
    return _table(m, row, "Settings used 采用的设置", ["Setting", "Label 名称", "Value 值", "Default 缺省"], rows,
                  ["rx text", "rx text", "rx text", "rx text"])


def _factors(m, row, ev) -> int:
    rows = [[table, key, e.get("value"), e.get("unit"), e.get("source"), e.get("version", "")]
            for table, entries in ev.factors_used.items() for key, e in entries.items()]
    row = _table(m, row, "Factors used 采用的系数", ["Table 系数表", "Key 键", "Value 数值", "Unit 单位", "Source 来源",
                                                  "Version 版本"], rows,
                 ["rx text", "rx text", "rx computed number", "rx text", "rx wrap", "rx text"])
    rows = [[k, v] for k, v in ev.factor_versions.items()]
    return _table(m, row, "Factor table versions 系数表版本", ["Table 系数表", "Version 版本"], rows, ["rx text", "rx text"])


__all__ = ["build_summary", "SummaryModel", "Cell", "CellError", "Formula"]

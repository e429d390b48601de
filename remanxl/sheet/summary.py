"""The summary sheet as a grid of cells, built from an :class:`~remanxl.method.evaluate.Evaluation`.

This module decides *what* the summary shows; :mod:`remanxl.workbook.xlsxpatch`
(files) and :mod:`remanxl.excel.xlwings_book` (an open workbook) decide how it
is written.  The 14 indicators always sit on the same rows, so the chart of
the template keeps pointing at them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from remanxl.i18n import Choice
from remanxl.method.errors import excel_precision
from remanxl.method.evaluate import Evaluation
from remanxl.method.indicators import GROUPS, INDICATORS
from remanxl.method.settings import SETTINGS
from remanxl.method.indicators import CONFIRMED, INTERPRETED
from remanxl.sheet.formulas import COMPARISON, native_terms, value_formula
from remanxl.sheet.layout import (SUMMARY_AUDIT_ROW, SUMMARY_COL, SUMMARY_COLUMNS, SUMMARY_FEED, SUMMARY_FIRST_ROW,
                                  SUMMARY_HEADER_ROW, SUMMARY_HIDDEN, SUMMARY_STATUS_ROW, TOP_WARNINGS)


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
    hidden: set[int] = field(default_factory=set)  # 0-based columns folded away

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


def has_data(ev: Evaluation) -> bool:
    """Whether any input row was read (a blank template has none)."""
    return any(ev.breakdowns["lines"].values()) or bool(ev.breakdowns["parts"]["removed"]["count"])


def build_summary(ev: Evaluation, fingerprint: dict | None = None, simulation=None) -> SummaryModel:
    """The Summary sheet for ``ev``: the 14 indicators as native formulas (they follow every edit, with or
    without remanxl) whose cached values are remanxl's, and remanxl's audit as values, with the
    ``fingerprint`` of the inputs it read (see :mod:`remanxl.sheet.fingerprint`) so that the sheet shows
    when the audit is out of date; with a ``simulation`` (:func:`remanxl.method.montecarlo.simulate`), its
    P5–P95 bands as the Dashboard charts' error bars and a table of them."""
    from remanxl import METHOD_VERSION, __version__
    from remanxl.i18n import Msg, tr

    lang = ev.settings.language
    m = SummaryModel(widths=[w for _, _, w in SUMMARY_COLUMNS], hidden={SUMMARY_COL[k] for k in SUMMARY_HIDDEN})
    s = ev.settings
    m.put(1, 0, "remanxl — GB/T 41350-2022 energy saving and emission reduction 再制造节能减排评价汇总", "rx title")
    ident = " / ".join(x for x in (s.product, s.model, s.remanufacturer, s.reporting_period) if x)
    m.put(2, 0, f"Product 产品: {ident or '(not set 未填写)'}", "rx note")
    m.put(3, 0, f"N = {s.functional_unit_quantity:g} products 台; remanufacturer 再制造企业类型: {s.remanufacturer_type}; "
                f"computed 计算时间 {ev.computed_at} by remanxl {__version__} ({METHOD_VERSION})", "rx note")
    if not has_data(ev):
        m.put(SUMMARY_STATUS_ROW, 0, tr(Msg("summary.no_data"), lang), "rx group")
    elif ev.valid:
        m.put(SUMMARY_STATUS_ROW, 0, tr(Msg("summary.valid"), lang), "rx group")
    else:
        reasons = "; ".join(tr(x, lang) for x in ev.invalid_reasons)
        m.put(SUMMARY_STATUS_ROW, 0, tr(Msg("summary.invalid", reasons=reasons), lang), "rx bad")
    m.merges.append(f"A{SUMMARY_STATUS_ROW}:L{SUMMARY_STATUS_ROW}")
    audit_row = _audit(m, ev, fingerprint or {}, lang)
    for i, (_, head, _) in enumerate(SUMMARY_COLUMNS):
        m.put(SUMMARY_HEADER_ROW, i, head, "rx header")
    c = SUMMARY_COL
    letter = {k: _col_letter(v) for k, v in c.items()}
    for offset, info in enumerate(INDICATORS):
        row = SUMMARY_FIRST_ROW + offset
        r = ev[info.symbol]
        first_of_group = offset == 0 or INDICATORS[offset - 1].group != info.group
        m.put(row, c["group"], _lang_text(*GROUPS[info.group], lang) if first_of_group else "", "rx group")
        m.put(row, c["symbol"], info.symbol, "rx group")
        m.put(row, c["name_en"], info.name_en)
        m.put(row, c["name_zh"], info.name_zh)
        num, den = native_terms(info.symbol)
        num_ref, den_ref = f"{letter['numerator']}{row}", f"{letter['denominator']}{row}"
        value = value_formula(info.symbol, num_ref, den_ref)
        cached = _num(r.value) if r.value is not None else _undefined_text(info.symbol, ev)
        m.put(row, c["value"], Formula(value, cached), "rx percent")
        m.put(row, c["numerator"], Formula(num, _num(r.numerator) if r.numerator is not None else 0.0), "rx number")
        m.put(row, c["denominator"], Formula(den, _num(r.denominator) if r.denominator is not None else 0.0),
              "rx number")
        m.put(row, c["unit"], r.unit)
        m.put(row, c["basis"], tr(r.basis, lang), "rx wrap")
        m.put(row, c["status"], tr(STATUS[r.status], lang))
        notes = ([r.reason] if r.reason else []) + r.warnings
        m.put(row, c["warnings"], "; ".join(tr(x, lang) for x in notes), "rx warning")
        m.put(row, c["formula"], f"{info.formula}" + (f"  {r.formula}" if r.formula else ""), "rx wrap")
        needs = tr(Msg("summary.needs_addin"), "both").replace('"', '""')
        live_cached = _num(r.value) if r.value is not None else f"#DIV/0! {tr(r.reason, lang)}"
        m.put(row, c["live"], Formula(f'IFERROR({info.udf}({num_ref},{den_ref}),"{needs}")', live_cached),
              "rx percent")
        m.put(row, c["chart"], Formula(f"IF(ISNUMBER({letter['value']}{row}),{letter['value']}{row},NA())",
                                       _num(r.value) if r.value is not None else CellError("#N/A")), "rx percent")
        minus, plus = _band_arms(simulation, info.symbol, r.value)
        m.put(row, c["band_minus"], minus, "rx percent")
        m.put(row, c["band_plus"], plus, "rx percent")
    warnings = [tr(w, lang) for w in ev.warnings]
    _feed(m, ev, warnings, [f"{i.symbol}: {tr(w, lang)}" for i in INDICATORS for w in ev[i.symbol].warnings])
    row = SUMMARY_FIRST_ROW + len(INDICATORS) + 1
    row = _section_list(m, row, "Warnings 提示", warnings or ["none 无"])
    row = _provenance(m, row, ev)
    if simulation is not None:
        row = _bands(m, row, simulation)
    row = _breakdowns(m, row, ev, lang)
    row = _settings(m, row, ev)
    row = _factors(m, row, ev)
    _fingerprint_block(m, row, fingerprint or {}, audit_row)
    return m


STATUS = {CONFIRMED: Choice("confirmed", "已确认"), INTERPRETED: Choice("interpreted", "解读")}


def _band_arms(simulation, symbol: str, value) -> tuple:
    """(value − P5, P95 − value) of a rate's Monte Carlo band: the error bar either side of its bar; blank
    without a simulation or a band."""
    band = simulation.bands.get(symbol) if simulation is not None else None
    if band is None or value is None or band.p5 is None or band.p5 != band.p5:
        return "", ""
    return _num(max(value - band.p5, 0.0)), _num(max(band.p95 - value, 0.0))


def _bands(m, row, simulation) -> int:
    from remanxl.sheet.bands import band_table

    headers, rows = band_table(simulation)
    styles = ["rx text"] + ["rx percent"] * 6 + ["rx count", "rx text"]
    return _table(m, row, "Uncertainty: Monte Carlo bands 不确定度:蒙特卡洛区间 (P5 … P95)", list(headers), rows,
                  styles) + 0


def _lang_text(en: str, zh: str, lang: str) -> str:
    return zh if lang == "zh" else en if lang == "en" else f"{en} {zh}"


def _feed(m: SummaryModel, ev: Evaluation, general: list[str], per_indicator: list[str]) -> None:
    """The few numbers of remanxl's audit the Dashboard shows, in fixed cells of the folded column:
    the share of original-side rows that are estimated, the count of warnings and the first of them."""
    col = SUMMARY_COL["chart"]
    share = ev.provenance.get("share_estimated")
    m.put(SUMMARY_FEED["share_estimated"], col, _num(share) if share is not None and has_data(ev) else "",
          "rx percent")
    every = general + per_indicator
    m.put(SUMMARY_FEED["warning_count"], col, len(every) if has_data(ev) else "", "rx count")
    for row, text in zip(SUMMARY_FEED["top_warnings"], every + [""] * TOP_WARNINGS):
        m.put(row, col, text if len(text) <= 220 else text[:219] + "…", "rx text")  # three lines on the Dashboard


def _undefined_text(symbol: str, ev: Evaluation) -> str:
    """What the native value formula shows where remanxl has no value (so the cached text is right)."""
    from remanxl.i18n import Msg, tr

    if symbol in COMPARISON and not ev.valid:
        return tr(Msg("summary.withheld"), "both")
    if symbol in COMPARISON:
        return tr(Msg("summary.undefined_comparison"), "both")
    return tr(Msg("summary.undefined_share"), "both")


def _audit(m: SummaryModel, ev: Evaluation, fingerprint: dict, lang: str) -> tuple[int, int]:
    """The audit line (row 5): a native formula saying whether the inputs still match the ones remanxl read."""
    return SUMMARY_AUDIT_ROW, 0


def _fingerprint_block(m: SummaryModel, row: int, fingerprint: dict, audit) -> int:
    """The fingerprint remanxl read, beside the native one; the audit line compares them."""
    from remanxl.i18n import Msg, tr
    from remanxl.sheet.fingerprint import TOLERANCE, formulas, input_parts

    m.put(row, 0, tr(Msg("summary.fingerprint_title"), "both"), "rx group")
    heads = ["Table 表", "Text 文字 (remanxl)", "Numbers 数值 (remanxl)", "Text 文字 (now 当前)", "Numbers 数值 (now 当前)"]
    for i, h in enumerate(heads):
        m.put(row + 1, i, h, "rx header")
    checks = []
    r = row + 2
    for part in input_parts():
        if part.name not in fingerprint:
            continue
        text, numbers = fingerprint[part.name]
        live_text, live_numbers = formulas(part, lambda a, b, t=part.name: _ref(t, a, b), _settings_value)
        m.put(r, 0, part.label)
        m.put(r, 1, text, "rx number")
        m.put(r, 2, _num(numbers), "rx number")
        m.put(r, 3, Formula(live_text, text), "rx number")
        m.put(r, 4, Formula(live_numbers, _num(numbers)), "rx number")
        checks.append(f"B{r}=D{r}")
        checks.append(f"ABS(C{r}-E{r})<={TOLERANCE}*MAX(1,ABS(C{r}))")
        r += 1
    current = tr(Msg("summary.audit_current"), "both").replace('"', '""')
    stale = tr(Msg("summary.audit_stale"), "both").replace('"', '""')
    condition = "AND(" + ",".join(checks) + ")" if checks else "TRUE"
    m.put(audit[0], audit[1], Formula(f'IF({condition},"{current}","{stale}")', current.replace('""', '"')),
          "rx note")
    m.merges.append(f"A{audit[0]}:L{audit[0]}")
    return r + 1


def _settings_value(offset: int) -> str:
    """The Settings sheet's value cell of the setting on data row ``offset``."""
    from remanxl.sheet.layout import HEADER_ROW, SETTINGS_SHEET, SETTINGS_VALUE_COL

    return f"'{SETTINGS_SHEET}'!${SETTINGS_VALUE_COL}${HEADER_ROW + 1 + offset}"


def _ref(table: str, first: str, last: str) -> str:
    esc = str.maketrans({"[": "'[", "]": "']", "#": "'#", "'": "''"})
    if first == last:
        return f"{table}[{first.translate(esc)}]"
    return f"{table}[[{first.translate(esc)}]:[{last.translate(esc)}]]"


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
    from remanxl.sheet import names

    p = ev.provenance
    share = p.get("share_estimated")
    rows = [["Original-side rows 原制造侧数据行", p.get("original_rows", 0)],
            ["Estimated 估算", p.get("estimated_rows", 0)]]
    rows += [[f"  {names.code('prov', k).render('both')}", v] for k, v in sorted(p.get("by_provenance", {}).items())]
    end = _table(m, row, "Provenance of original-side inputs 原制造侧数据来源", ["Item 项目", "Rows 行数"], rows,
                 ["rx text", "rx count"])
    m.put(end - 1, 0, "Share estimated 估算占比", "rx text")
    m.put(end - 1, 1, _num(share) if share is not None else "n/a", "rx percent")
    return end + 1


def _named(name, key: str, lang: str) -> str:
    """A code with its human name in the workbook's language (the code kept for the Factors sheet)."""
    text = name.render(lang)
    return text if text == key else f"{text} ({key})"


def _breakdowns(m, row, ev, lang: str = "both") -> int:
    from remanxl.sheet import names

    b = ev.breakdowns
    pct = "rx percent"
    num = "rx quantity"  # one number of decimals down every quantity column
    rows = [[_named(names.energy(k), k, lang), v["reman"], v["original"], v["rate"]]
            for k, v in b["energy"]["by_type"].items()]
    row = _table(m, row, "Energy by type 分能源品种 (kgce)", ["Energy type 能源种类", "Reman 再制造", "Original 原制造",
                                                            "Rate 节约率"], rows, ["rx text", num, num, pct])
    other = b["energy"].get("other_basis")
    if other:
        t = other["total_kgce"]
        basis = names.code("basis", other["basis"]).render(lang)
        row = _table(m, row, f"Energy on the other electricity basis 另一电力折标方式 ({basis})",
                     ["Basis 方式", "Reman 再制造", "Original 原制造", "Rate 节约率"],
                     [[basis, t["reman"], t["original"], t["rate"]]],
                     ["rx text", num, num, pct])
    rows = [[_named(names.ghg_source(k), k, lang), v["reman"], v["original"], v["rate"]]
            for k, v in b["ghg"]["by_source"].items()]
    row = _table(m, row, "GHG by source 分排放源 (kgCO2e)", ["Source 排放源", "Reman 再制造", "Original 原制造",
                                                          "Rate 减排率"], rows, ["rx text", num, num, pct])
    for key, title in (("air", "Air pollutants by species 大气污染物分物种"),
                       ("water_pollutants", "Water pollutants by species 水污染物分物种")):
        rows = [[_named(names.pollutant(k), k, lang), v["reman_kg"], v["original_kg"], v["reman_equivalents"],
                 v["original_equivalents"], v["rate"], "yes 是" if v["counted"] else "no 否", tr_(v["note"], lang)]
                for k, v in b[key].items()]
        row = _table(m, row, title, ["Pollutant 污染物", "Reman kg 再制造", "Original kg 原制造", "Reman PE 再制造当量", "Original PE 原制造当量",
                                     "Rate (mass) 减排率", "Counted 计入", "Note 说明"],
                     rows, ["rx text", num, num, num, num, pct, "rx text", "rx wrap"])
    w = b["water"]
    rows = [[names.code("water", key).render(lang), w[key]["reman"], w[key]["original"], w[key]["rate"]]
            for key in ("fresh_water_m3", "wastewater_m3", "water_pollutant_equivalents")]
    row = _table(m, row, "Water streams 水", ["Stream 类型", "Reman 再制造", "Original 原制造", "Rate 减少率"], rows,
                 ["rx text", num, num, pct])
    rows = [[_named(names.code("waste", k), k, lang), v["reman"], v["original"], v["rate"]]
            for k, v in b["solid_waste"].items()]
    row = _table(m, row, "Solid waste by category 固体废物分类 (kg)", ["Category 类别", "Reman 再制造", "Original 原制造",
                                                                  "Rate 减量率"], rows, ["rx text", num, num, pct])
    rows = [[_named(names.code("mat", k), k, lang), v["reman"], v["original"]]
            for k, v in b["materials"]["by_category"].items()]
    row = _table(m, row, "Materials by category 物料分类 (kg)", ["Category 类别", "Reman 再制造", "Original 原制造"],
                 rows, ["rx text", num, num])
    parts = b["parts"]
    rows = [[_named(names.code("parts", k), k, lang), v["count"], v["mass_kg"]] for k, v in parts.items()]
    row = _table(m, row, f"Parts ledger for N = {ev.settings.functional_unit_quantity:g} 零件清单汇总",
                 ["Population 零件集合", "Count 数量", "Mass kg 质量"], rows, ["rx text", "rx count", num])
    rows = [[k, v["count"], v["mass"]] for k, v in b["parts_both_bases"].items()]
    return _table(m, row, "Implementation ratios on both bases 再制造实施指标(两种基准)",
                  ["Indicator 指标", "Count basis 按数量", "Mass basis 按质量"], rows, ["rx text", pct, pct])


def tr_(text, lang: str) -> str:
    from remanxl.i18n import tr

    return tr(text, lang) if text else ""


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

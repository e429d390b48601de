"""Build the evaluation template (and the bundled example workbook) from code.

``build_template(path)`` writes ``templates/remanxl_template.xlsx``; with an
:class:`~remanxl.method.inputs.EvaluationInput` it writes the same template
filled in (``templates/remanxl_example.xlsx``).  Everything the sheets hold —
table columns, drop-downs, settings, factor tables — is generated from the
method core's descriptions, so the template cannot drift from the method.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.table import Table, TableStyleInfo

from remanxl.method.errors import InputError
from remanxl.method.evaluate import evaluate
from remanxl.method.factors import default_factors
from remanxl.method.indicators import INDICATORS
from remanxl.method.inputs import TABLES, EvaluationInput
from remanxl.method.vocabulary import choice_words
from remanxl.method.settings import SETTINGS
from remanxl.sheet import formulas
from remanxl.sheet.layout import (COMPUTED, column_width, DERIVED_SETTINGS, FACTOR_COMPUTED, FACTOR_SPARE_ROWS, FACTOR_TABLES,
                                     FACTORS_SHEET, GUIDE_SHEET, HEADER_ROW, INPUT_SHEETS, LIVE_ANCHOR_ROW,
                                     LIVE_SHEET, SETTINGS_HEADERS,
                                     SETTINGS_SHEET, SETTINGS_TABLE, STYLE_NAMES, SUMMARY_COL, SUMMARY_FIRST_ROW,
                                     SUMMARY_HEADER_ROW, SUMMARY_SHEET, setting_name)
from remanxl.workbook.styles import named_styles

#: Fixed time stamp for generated files, so a rebuilt template equals the committed one.
BUILD_TIME = _dt.datetime(2026, 1, 1)

_PROTECT = dict(sheet=True, formatColumns=False, formatRows=False, formatCells=False, sort=False, autoFilter=False,
                selectLockedCells=False, selectUnlockedCells=False)

GUIDE = [
    ("remanxl evaluation template 再制造节能减排评价模板", "rx title"),
    ("GB/T 41350-2022 Remanufacturing — evaluation indexes and calculation methods of energy saving and emission "
     "reduction 《再制造 节能减排评价指标及计算方法》", "rx note"),
    ("", None),
    ("How to fill it in 填写方法", "rx group"),
    ("1. Settings 设置: product, quantity N, remanufacturer type, the estimation note and the method settings "
     "(each with its default). 填写产品信息、数量 N、企业类型、估算说明及方法设置。", None),
    ("2. Input sheets 输入表 (Energy … Parts): one row per item; choose side, type and unit from the drop-downs. "
     "Original-side rows need a provenance (measured / oem_data / estimated / literature). "
     "每行一项;从下拉列表选择侧别、种类和单位;原制造侧数据须注明数据来源。", None),
    ("3. Factors 系数: the coefficient tables with source and year; edit a value or add a row in the blank rows "
     "if you have better data. 系数表可修改或在空行中补充。", None),
    ("4. Press Recompute 重新计算 on the Remanufacturing 再制造评价 ribbon tab, or run `remanxl evaluate FILE` — "
     "the Summary 汇总 sheet is rewritten; nothing else is touched. 点击功能区“重新计算”或运行命令行,仅重写汇总表。",
     None),
    ("", None),
    ("Colours 颜色", "rx group"),
    ("Pale yellow: type here. 浅黄色:输入单元格。", "rx input"),
    ("Grey: computed by formulas or by remanxl; protected (no password). 灰色:计算单元格,已保护(无密码)。",
     "rx computed"),
    ("", None),
    ("Status of the formulas 公式状态", "rx group"),
    ("Only the water conservation rate (SW) is confirmed word for word from the public record of the standard; the "
     "other 13 formulas are remanxl's interpretation, each choice a visible setting. 仅节水率公式经原文确认,其余13项为"
     "remanxl 的解读,相关取舍均为可见设置。", None),
    ("", None),
    ("Functions 函数 (with the remanxl add-in)", "rx group"),
    ("The totals of the Summary have names: CER, CEM (energy), CMR, CMM, CWR, CWM, EGR, EGM, EAR, EAM, EWR, EWM, "
     "ESR, ESM — type =REMAN_SW(CWR, CWM) in any cell. 汇总表的合计已命名,可在任意单元格输入 =REMAN_SW(CWR, CWM)。", None),
]


def _style(cell, name):
    if name:
        cell.style = name


def _protect(ws):
    ws.protection = SheetProtection(**_PROTECT)


def _guide(wb):
    from remanxl.functions import REGISTRY

    ws = wb.create_sheet(GUIDE_SHEET)
    ws.column_dimensions["A"].width = 120
    rows = list(GUIDE) + [(f"{u.example}   — {u.help_en}", None) for u in REGISTRY.values()]
    for i, (text, style) in enumerate(rows, start=1):
        c = ws.cell(i, 1, text)
        _style(c, style or "rx note")
    ws.sheet_view.showGridLines = False


def _settings(wb, inp: EvaluationInput | None):
    ws = wb.create_sheet(SETTINGS_SHEET)
    ws.cell(1, 1, "Settings 设置").style = "rx title"
    ws.cell(2, 1, "Product data and method settings; every interpretation of the standard is a setting here. "
                  "产品信息与方法设置。").style = "rx note"
    for i, h in enumerate(SETTINGS_HEADERS, start=1):
        ws.cell(HEADER_ROW, i, h).style = "rx header"
    values = dict(inp.settings) if inp else {}
    for k, spec in enumerate(SETTINGS):
        row = HEADER_ROW + 1 + k
        ws.cell(row, 1, spec.name).style = "rx computed"
        ws.cell(row, 2, f"{spec.label_en} {spec.label_zh}").style = "rx computed"
        value = values.get(spec.name, spec.default)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        c = ws.cell(row, 3, value)
        c.style = "rx input"
        options = ", ".join(str(o) for o in spec.options) if spec.options else (
            "a key of GridFactors" if spec.kind == "key" else spec.kind)
        ws.cell(row, 4, options).style = "rx computed"
        ws.cell(row, 5, spec.help).style = "rx wrap"
        wb.defined_names[setting_name(spec.name)] = DefinedName(
            setting_name(spec.name), attr_text=f"'{SETTINGS_SHEET}'!$C${row}")
        if spec.options:
            dv = DataValidation(type="list", formula1='"' + ",".join(
                ("TRUE" if o is True else "FALSE" if o is False else str(o)) for o in spec.options) + '"',
                allow_blank=True, showErrorMessage=True, errorTitle="remanxl",
                error=f"{spec.name}: choose one of {options}")
            ws.add_data_validation(dv)
            dv.add(c)
        elif spec.kind == "key":
            dv = DataValidation(type="list", formula1="rx_list_grid_emission_factors", allow_blank=True)
            ws.add_data_validation(dv)
            dv.add(c)
        elif spec.kind == "number":
            dv = DataValidation(type="decimal", operator="greaterThan", formula1="0", allow_blank=True,
                                showErrorMessage=True, error=f"{spec.name}: a number > 0")
            ws.add_data_validation(dv)
            dv.add(c)
    last = HEADER_ROW + len(SETTINGS)
    table = Table(displayName=SETTINGS_TABLE, ref=f"A{HEADER_ROW}:E{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=False)
    ws.add_table(table)
    row = last + 2
    ws.cell(row, 1, "Computed from the settings 由设置计算").style = "rx group"
    names = {spec.name: setting_name(spec.name) for spec in SETTINGS}
    for k, (key, label, formula) in enumerate(DERIVED_SETTINGS, start=1):
        ws.cell(row + k, 1, key).style = "rx computed"
        ws.cell(row + k, 2, label).style = "rx computed"
        ws.cell(row + k, 3, formula.format(**names)).style = "rx computed number"
        wb.defined_names[setting_name(key)] = DefinedName(setting_name(key),
                                                          attr_text=f"'{SETTINGS_SHEET}'!$C${row + k}")
    for col, width in zip("ABCDE", (34, 44, 30, 34, 90)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    _protect(ws)


def _factor_headers(name: str) -> list[str]:
    cols = list(default_factors()[name].columns)
    return cols + list(FACTOR_COMPUTED.get(name, ()))


def _factors(wb, inp: EvaluationInput | None):
    ws = wb.create_sheet(FACTORS_SHEET)
    ws.cell(1, 1, "Coefficient tables 系数表").style = "rx title"
    ws.cell(2, 1, "Edit a value or add rows in the blank rows of a table; remanxl uses what is here. "
                  "可修改数值或在表内空行中补充;计算采用本表数据。").style = "rx note"
    f = default_factors()
    row = 4
    widths: dict[int, int] = {}
    for name, excel_name in FACTOR_TABLES.items():
        t = f[name]
        ws.cell(row, 1, f"{t.title_en} {t.title_zh} — {t.description} (version {t.version})").style = "rx group"
        headers = _factor_headers(name)
        head = row + 1
        for i, h in enumerate(headers, start=1):
            ws.cell(head, i, h).style = "rx header"
            widths[i] = max(widths.get(i, 10), min(len(h) + 2, 30))
        overrides = {str(r.get(t.key)): r for r in (inp.factors.get(name, []) if inp else [])}
        data = list(t.rows.values())
        for k, values in enumerate(data + [None] * FACTOR_SPARE_ROWS, start=1):
            r = head + k
            for i, h in enumerate(headers, start=1):
                c = ws.cell(r, i)
                if h in FACTOR_COMPUTED.get(name, ()):
                    c.value = "=" + formulas.derived_fuel_factor_formula()
                    c.style = "rx computed number"
                    continue
                if values is not None:
                    v = overrides.get(values[t.key], values).get(h, values.get(h))
                    c.value = int(v) if isinstance(v, float) and v.is_integer() and h in ("year",) else v
                c.style = "rx input"
        last = head + len(data) + FACTOR_SPARE_ROWS
        table = Table(displayName=excel_name, ref=f"A{head}:{get_column_letter(len(headers))}{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
        ws.add_table(table)
        wb.defined_names[f"rx_list_{name}"] = DefinedName(f"rx_list_{name}", attr_text=f"{excel_name}[{t.key}]")
        row = last + 3
    for i, w in widths.items():
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.column_dimensions["A"].width = 24
    _protect(ws)


def _list_source(table: str, column) -> str | None:
    """The drop-down source of an input column."""
    if column.kind == "choice":
        return '"' + ",".join(choice_words().keys(column.choices)) + '"'
    if column.kind == "unit":
        return "rx_list_units"
    if column.key == "energy_type":
        return "rx_list_energy_conversion"
    if column.key == "pollutant":
        return "rx_list_pollution_equivalents"
    if column.key == "source" and table == "ghg":
        return None  # electricity, fuels and gases: three tables, validated on evaluation instead
    if column.kind == "bool":
        return '"TRUE,FALSE"'
    return None


def _input_sheet(wb, sheet, inp: EvaluationInput | None):
    schema = TABLES[sheet.table]
    ws = wb.create_sheet(sheet.sheet)
    ws.cell(1, 1, f"{schema.label_en} {schema.label_zh}").style = "rx title"
    ws.cell(2, 1, schema.help).style = "rx note"
    ws.cell(3, 1, "Yellow columns: type here. Grey columns: computed (native formulas). "
                  "黄色列为输入,灰色列为公式计算。").style = "rx note"
    columns = list(schema.columns)
    computed = COMPUTED.get(sheet.table, ())
    rows_in = list(inp.tables.get(sheet.table, [])) if inp else []
    n_rows = max(sheet.rows, len(rows_in) + 20)
    first, last = HEADER_ROW + 1, HEADER_ROW + n_rows
    for i, c in enumerate(columns, start=1):
        cell = ws.cell(HEADER_ROW, i, c.header)
        cell.style = "rx header"
        cell.comment = Comment(c.help or c.header, "remanxl") if c.help else None
        ws.column_dimensions[get_column_letter(i)].width = column_width(sheet.table, c.key)
    for j, (_, header) in enumerate(computed, start=len(columns) + 1):
        ws.cell(HEADER_ROW, j, header).style = "rx header"
        ws.column_dimensions[get_column_letter(j)].width = 14
    for k in range(n_rows):
        r = first + k
        values = rows_in[k] if k < len(rows_in) else {}
        for i, c in enumerate(columns, start=1):
            cell = ws.cell(r, i, values.get(c.key))
            cell.style = "rx input"
    forms = formulas.computed_column_formulas(sheet.table)
    for j, (key, _) in enumerate(computed, start=len(columns) + 1):
        text = "=" + forms[key]
        for r in range(first, last + 1):
            c = ws.cell(r, j, text)
            c.style = "rx computed number"
    for i, c in enumerate(columns, start=1):
        source = _list_source(sheet.table, c)
        if source:
            dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=c.kind == "choice",
                                errorTitle="remanxl", error=f"{c.header}: {c.help}"[:225])
            ws.add_data_validation(dv)
            dv.add(f"{get_column_letter(i)}{first}:{get_column_letter(i)}{last}")
        elif c.kind == "number":
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, errorTitle="remanxl", error=f"{c.header}: a number ≥ 0")
            ws.add_data_validation(dv)
            dv.add(f"{get_column_letter(i)}{first}:{get_column_letter(i)}{last}")
    width = len(columns) + len(computed)
    table = Table(displayName=sheet.excel_table, ref=f"A{HEADER_ROW}:{get_column_letter(width)}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=False)
    ws.add_table(table)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    _protect(ws)


def _summary_shell(wb):
    """The summary sheet's frame: its chart and a palette cell per named style.

    The cells themselves are written by the summary writer, as on every recompute.
    """
    ws = wb.create_sheet(SUMMARY_SHEET)
    for i, name in enumerate(STYLE_NAMES, start=1):
        ws.cell(1, i).style = name  # makes each named style appear in cellXfs for the writer
    chart = BarChart()
    chart.type = "bar"
    chart.title = "GB/T 41350 indicators 指标 (fraction)"
    chart.y_axis.title = "rate"
    chart.y_axis.number_format = "0%"
    value_col, symbol_col = SUMMARY_COL["value"] + 1, SUMMARY_COL["symbol"] + 1
    last = SUMMARY_FIRST_ROW + len(INDICATORS) - 1
    chart.add_data(Reference(ws, min_col=value_col, min_row=SUMMARY_HEADER_ROW, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=symbol_col, min_row=SUMMARY_FIRST_ROW, max_row=last))
    chart.legend = None
    chart.height, chart.width = 9, 16
    ws.add_chart(chart, f"Q{SUMMARY_HEADER_ROW}")
    ws.freeze_panes = f"C{SUMMARY_FIRST_ROW}"
    _protect(ws)
    _indicator_names(wb)
    return ws


def _indicator_names(wb):
    """Names for the native subtotals, so that ``=REMAN_SW(CWR, CWM)`` works in any cell of the workbook."""
    from remanxl.sheet.layout import SUMMARY_COL

    num = get_column_letter(SUMMARY_COL["native_num"] + 1)
    den = get_column_letter(SUMMARY_COL["native_den"] + 1)
    for offset, info in enumerate(INDICATORS):
        if info.group == "implementation":
            continue  # their terms (m_product …) are not symbols of the standard
        row = SUMMARY_FIRST_ROW + offset
        for name, col in ((info.numerator, num), (info.denominator, den)):
            wb.defined_names[name] = DefinedName(name, attr_text=f"'{SUMMARY_SHEET}'!${col}${row}")


def live_formula() -> str:
    """``REMAN_EVALUATE`` over every table of the workbook, as the Live sheet holds it."""
    tables = [s.excel_table for s in INPUT_SHEETS] + [SETTINGS_TABLE] + list(FACTOR_TABLES.values())
    return "REMAN_EVALUATE(" + ",".join(f"{t}[[#All]]" for t in tables) + ")"  # [[#All]]: LibreOffice reads only this spelling


def _live(wb):
    """REMAN_EVALUATE over the whole workbook: the add-in recomputes it on every change."""
    from openpyxl.worksheet.formula import ArrayFormula

    ws = wb.create_sheet(LIVE_SHEET)
    ws.cell(1, 1, "Live evaluation 实时评价 — =REMAN_EVALUATE(…) over every table of this workbook").style = "rx title"
    ws.cell(2, 1, "Needs the remanxl add-in (Windows Excel); without it this block shows #NAME?. The Summary sheet "
                  "holds the same figures as values. 需加载 remanxl 加载项;否则显示 #NAME?,汇总表中为数值结果。"
            ).style = "rx note"
    ref = f"A{LIVE_ANCHOR_ROW}:J{LIVE_ANCHOR_ROW + 15}"
    ws[f"A{LIVE_ANCHOR_ROW}"] = ArrayFormula(ref, "=" + live_formula())
    for row in ws[ref]:
        for cell in row:
            cell.style = "rx text"
    for col in ("D", "E", "F"):
        for r in range(LIVE_ANCHOR_ROW + 1, LIVE_ANCHOR_ROW + 15):
            ws[f"{col}{r}"].number_format = "0.00%" if col == "D" else "#,##0.00##"
    for col, width in zip("ABCDEFGHIJ", (10, 34, 18, 11, 14, 14, 9, 34, 12, 60)):
        ws.column_dimensions[col].width = width
    _protect(ws)


def build_template(path: str | Path, inp: EvaluationInput | None = None) -> Path:
    """Write the template (or, with ``inp``, the template filled with that evaluation) to ``path``."""
    from remanxl.workbook.io import write_summary

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    for st in named_styles():
        wb.add_named_style(st)
    _guide(wb)
    _settings(wb, inp)
    for sheet in INPUT_SHEETS:
        _input_sheet(wb, sheet, inp)
    _factors(wb, inp)
    _summary_shell(wb)
    _live(wb)
    wb.active = 1
    wb.properties.creator = "remanxl"
    wb.properties.created = wb.properties.modified = BUILD_TIME
    wb.calculation.fullCalcOnLoad = True
    wb.save(path)
    _fix_zip_times(path)
    stamp = BUILD_TIME.isoformat() + "+00:00"
    try:
        ev = evaluate(inp or EvaluationInput(source=path.name), now=stamp)
    except InputError:  # a template filled with faulty rows still gets a (blank) summary frame
        ev = evaluate(EvaluationInput(source=path.name), now=stamp)
    write_summary(path, ev)
    _fix_zip_times(path)
    return path


def _fix_zip_times(path: Path) -> None:
    """Rewrite the archive with fixed entry and document times so identical content gives identical bytes."""
    import re
    import zipfile

    stamp = BUILD_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as zf:
        entries = [(i, zf.read(i)) for i in zf.infolist()]
    entries = [(i, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, d)
                if i.filename == "docProps/core.xml" else d) for i, d in entries]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            z = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            z.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(z, data)

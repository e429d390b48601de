"""Build the evaluation template (and the bundled example workbook) from code.

``build_template(path)`` writes ``templates/remanxl_template.xlsx``; with an
:class:`~remanxl.method.inputs.EvaluationInput` it writes the same template
filled in (``templates/remanxl_example.xlsx``).  Everything the sheets hold —
table columns, drop-downs, settings, factor tables, the words remanxl reads —
is generated from the method core's descriptions, so the template cannot drift
from the method.

What a user meets:

* input sheets are *not* protected, so Excel grows a table when a row is typed just below it;
  the grey columns are formulas remanxl owns (Excel fills them into a new row itself); the
  helper columns (how each word was read) are grouped and folded away;
* every drop-down offers the words remanxl reads, and refuses others (an alert); a row that cannot
  be read is highlighted and its *Check* cell says why, before any recompute;
* the Summary's values are native formulas, right in any spreadsheet, with or without remanxl.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.table import Table, TableFormula, TableStyleInfo

from remanxl.i18n import Msg, tr
from remanxl.method.errors import InputError
from remanxl.method.evaluate import evaluate
from remanxl.method.factors import default_factors
from remanxl.method.indicators import INDICATORS
from remanxl.method.inputs import TABLES, EvaluationInput
from remanxl.method.settings import SETTINGS
from remanxl.method.vocabulary import choice_words
from remanxl.sheet import formulas, lists
from remanxl.sheet.layout import (ALIASES_ROWS, ALIASES_TABLE, COMPUTED, DERIVED_SETTINGS, FACTOR_COMPUTED,
                                  FACTOR_SPARE_ROWS, FACTOR_TABLES, FACTORS_SHEET, GUIDE_SHEET, HEADER_ROW,
                                  INPUT_SHEETS, LISTS_SHEET, LIVE_ANCHOR_ROW, LIVE_SHEET, SETTINGS_HEADERS,
                                  SETTINGS_SHEET, SETTINGS_TABLE, STYLE_NAMES, SUMMARY_AUDIT_ROW, SUMMARY_COL,
                                  SUMMARY_FIRST_ROW, SUMMARY_HEADER_ROW, SUMMARY_SHEET, column_width, setting_name)
from remanxl.workbook.dashboard import build_dashboard
from remanxl.workbook.printing import set_up_printing
from remanxl.workbook.styles import named_styles

#: Fixed time stamp for generated files, so a rebuilt template equals the committed one.
BUILD_TIME = _dt.datetime(2026, 1, 1)

_PROTECT = dict(sheet=True, formatColumns=False, formatRows=False, formatCells=False, sort=False, autoFilter=False,
                selectLockedCells=False, selectUnlockedCells=False)
_BAD_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
_BAD_FONT = Font(color="9C0006", bold=True)

GUIDE = [
    ("remanxl evaluation template 再制造节能减排评价模板", "rx title"),
    ("GB/T 41350-2022 Remanufacturing — evaluation indexes and calculation methods of energy saving and emission "
     "reduction 《再制造 节能减排评价指标及计算方法》", "rx note"),
    ("", None),
    ("How to fill it in 填写方法", "rx group"),
    ("1. Settings 设置: product, quantity N, remanufacturer type, the estimation note and the method settings "
     "(each with its default). 填写产品信息、数量 N、企业类型、估算说明及方法设置。", None),
    ("2. Input sheets 输入表 (Energy … Parts): one row per item, in your own words — Chinese or English names, keys "
     "or the drop-down's captions (the Lists sheet shows every word remanxl reads; add your own in the Aliases table "
     "of the Factors sheet). Type a new row just below a table and the table grows. Fuels, electricity and heat are "
     "typed once, on the Energy sheet: they give both the energy and the greenhouse gases. "
     "每行一项,可用中文或英文名称、键或下拉选项(“词汇”表列出 remanxl 识别的全部词语,可在“系数”表的 Aliases 中补充)。"
     "在表格下方紧接着输入新行,表格会自动扩展。燃料、电力和热力只在能源表中填写一次,同时用于计算能耗和温室气体。", None),
    ("3. A row remanxl cannot read turns red; its Check 检查 column says why. Original-side rows need a provenance "
     "(measured / oem_data / estimated / literature). 无法识别的行显示为红色,“检查”列说明原因;原制造侧每行须注明数据来源。",
     None),
    ("4. Factors 系数: the coefficient tables with source and year; edit a value or add a row in the blank rows "
     "if you have better data. 系数表可修改或在空行中补充。", None),
    ("5. The Summary 汇总 computes the 14 indicators by itself, in any spreadsheet. Press Recompute 重新计算 on the "
     "Remanufacturing 再制造评价 ribbon tab, or run `remanxl evaluate FILE`, to add remanxl's audit (warnings, "
     "validity, provenance, breakdowns); when you change an input afterwards, the Summary says the audit is out of "
     "date. 汇总表可在任何表格软件中自行计算 14 项指标;点击“重新计算”或运行命令行可加入 remanxl 的审核信息(提示、"
     "有效性、数据来源、分项),之后修改输入时汇总表会提示审核信息已过期。", None),
    ("6. The Dashboard 总览 shows the evaluation at a glance (one screen, one printed page); the Report 报告 button, "
     "or `remanxl report FILE -o FILE_report.pdf`, writes the bilingual evaluation report to hand to a customer or "
     "an auditor. Every sheet is set up to print (File › Print). 总览表一屏可见、打印一页;“报告”按钮或命令 "
     "`remanxl report` 生成中英文评价报告(PDF)。各工作表均已设置打印格式。", None),
    ("", None),
    ("Colours 颜色", "rx group"),
    ("Pale yellow: type here. 浅黄色:输入单元格。", "rx input"),
    ("Grey: computed by formulas or by remanxl. 灰色:公式或 remanxl 计算的单元格。", "rx computed"),
    ("Red: a row remanxl cannot read; see its Check column. 红色:无法识别的行,见“检查”列。", "rx bad"),
    ("", None),
    ("Status of the formulas 公式状态", "rx group"),
    ("Only the water conservation rate (SW) is confirmed word for word from the public record of the standard; the "
     "other 13 formulas are remanxl's interpretation, each choice a visible setting. 仅节水率公式经原文确认,其余13项为"
     "remanxl 的解读,相关取舍均为可见设置。", None),
    ("", None),
    ("Functions 函数 (with the remanxl add-in; copy an example into a cell)", "rx group"),
    ("The totals of the Summary have names: CER, CEM (energy), CMR, CMM, CWR, CWM, EGR, EGM, EAR, EAM, EWR, EWM, "
     "ESR, ESM — type =REMAN_SW(CWR, CWM) in any cell. 汇总表的合计已命名,可在任意单元格输入 =REMAN_SW(CWR, CWM)。", None),
]


def _style(cell, name):
    if name:
        cell.style = name


def _protect(ws):
    ws.protection = SheetProtection(**_PROTECT)


def _typed(cell, value):
    """What a user typed, as they typed it: a text that starts with "=" stays text (openpyxl would write a
    formula)."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` takes in a wrapped column ``width`` characters wide (a Chinese character is two)."""
    import math
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return max(1, math.ceil(used * 1.05 / width))


def _text(cell, text):
    """Write ``text`` as text even when it starts with "=" (a formula example, not a formula)."""
    cell.value = text
    cell.data_type = "s"


def _guide(wb):
    from remanxl.functions import REGISTRY

    ws = wb.create_sheet(GUIDE_SHEET)
    ws.column_dimensions["A"].width = 46
    ws.column_dimensions["B"].width = 110
    for i, (text, style) in enumerate(GUIDE, start=1):
        c = ws.cell(i, 1, text)
        _style(c, style or "rx note")
        if len(text) > 150:  # a paragraph: across both columns, wrapped, so that it prints and reads on a screen
            ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=2)
            c.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[i].height = 13 * (1 + len(text.encode("utf-8")) // 190)
    row = len(GUIDE) + 1
    for u in REGISTRY.values():
        _text(ws.cell(row, 1), u.example)
        _style(ws.cell(row, 1), "rx computed")
        _style(ws.cell(row, 2, f"{u.help_en} / {u.help_zh}"), "rx note")
        row += 1
    ws.sheet_view.showGridLines = False


def _options_text(spec) -> str:
    words = choice_words()
    if spec.kind == "choice":
        return "; ".join(words.captions(spec.choice_field))
    if spec.kind == "bool":
        return "TRUE 是; FALSE 否"
    if spec.kind == "key":
        return "a key of GridFactors 电网排放因子表中的键"
    return {"number": "a number 数字", "text": "text 文字"}[spec.kind]


def _title(text: str, limit: int = 32) -> str:
    """An input message's title in Excel's 32 characters: the bilingual label, else its Chinese part."""
    if len(text) <= limit:
        return text
    first_han = next((i for i, ch in enumerate(text) if "\u4e00" <= ch <= "\u9fff"), None)
    return (text[first_han:] if first_han is not None else text)[:limit]


def _both_within(en: str, zh: str, limit: int) -> str:
    """English and Chinese in ``limit`` characters (Excel's cap on an input message): the Chinese whole,
    the English cut short when both do not fit."""
    if len(en) + 3 + len(zh) <= limit:
        return f"{en} / {zh}"
    room = limit - len(zh) - 4
    return (f"{en[:room].rstrip()}… / {zh}" if room > 20 else zh[:limit])


def _validation(field: str, title: str, alert: str, stop: bool = True) -> DataValidation:
    """A drop-down of a field's words (the Lists sheet), with its error alert on and an input message."""
    return DataValidation(type="list", formula1=lists.words_name(field), allow_blank=True, showErrorMessage=True,
                          errorStyle="stop" if stop else "warning", errorTitle="remanxl", error=alert[:225],
                          showInputMessage=True, promptTitle=_title(title), prompt=alert[:250])


def _settings(wb, inp: EvaluationInput | None):
    ws = wb.create_sheet(SETTINGS_SHEET)
    ws.cell(1, 1, "Settings 设置").style = "rx title"
    ws.cell(2, 1, "Product data and method settings; every interpretation of the standard is a setting here. "
                  "The Read as column shows how remanxl reads each value. 产品信息与方法设置;“识别为”列显示 remanxl "
                  "如何读取每项数值。").style = "rx note"
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
        c = _typed(ws.cell(row, 3), value)
        c.style = "rx input"
        ws.cell(row, 4, _options_text(spec)).style = "rx computed"
        ws.cell(row, 5, "=" + formulas.setting_read_formula(spec, f"C{row}")).style = "rx computed"
        help_text = f"{spec.help} {spec.help_zh}"
        ws.cell(row, 6, help_text).style = "rx wrap"
        ws.row_dimensions[row].height = 13 * _lines(help_text, 100)  # a wrapped help shows whole (LibreOffice too)
        wb.defined_names[setting_name(spec.name)] = DefinedName(
            setting_name(spec.name), attr_text=f"'{SETTINGS_SHEET}'!$E${row}")
        label = f"{spec.label_en} {spec.label_zh}"
        if spec.kind in ("choice", "bool"):
            field = "bool" if spec.kind == "bool" else spec.choice_field
            dv = _validation(field, label, f"{spec.name}: {_options_text(spec)}")
        elif spec.kind == "key":
            dv = _validation("grid_factor", label, f"{spec.name}: {_options_text(spec)}", stop=False)
        elif spec.kind == "number":
            dv = DataValidation(type="decimal", operator="greaterThan", formula1="0", allow_blank=True,
                                showErrorMessage=True, errorTitle="remanxl",
                                error=f"{spec.name}: a number > 0 大于 0 的数字", showInputMessage=True,
                                promptTitle=_title(label), prompt=_both_within(spec.help, spec.help_zh, 250))
        else:
            dv = None
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(c)
    last = HEADER_ROW + len(SETTINGS)
    table = Table(displayName=SETTINGS_TABLE, ref=f"A{HEADER_ROW}:F{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=False)
    ws.add_table(table)
    row = last + 2
    ws.cell(row, 1, "Computed from the settings 由设置计算").style = "rx group"
    names = {spec.name: setting_name(spec.name) for spec in SETTINGS}
    for k, (key, label, formula) in enumerate(DERIVED_SETTINGS, start=1):
        ws.cell(row + k, 1, key).style = "rx computed"
        ws.cell(row + k, 2, label).style = "rx computed"
        ws.cell(row + k, 5, formula.format(**names)).style = "rx computed number"
        wb.defined_names[setting_name(key)] = DefinedName(setting_name(key),
                                                          attr_text=f"'{SETTINGS_SHEET}'!$E${row + k}")
    for col, width in zip("ABCDEF", (34, 44, 30, 40, 18, 100)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    _protect(ws)


def factor_column_labels() -> dict[str, tuple[str, str]]:
    """What each factor-table column means, in English and Chinese (``data/factor_columns.csv``)."""
    import csv
    import io
    from importlib import resources

    text = resources.files("remanxl.method").joinpath("data", "factor_columns.csv").read_text(encoding="utf-8")
    return {r["column"]: (r["label_en"], r["label_zh"]) for r in csv.DictReader(io.StringIO(text))}


def _factor_headers(name: str) -> list[str]:
    return list(default_factors()[name].columns) + list(FACTOR_COMPUTED.get(name, ()))


def _factors(wb, inp: EvaluationInput | None):
    ws = wb.create_sheet(FACTORS_SHEET)
    ws.cell(1, 1, "Coefficient tables 系数表").style = "rx title"
    ws.cell(2, 1, "Edit a value or add rows in the blank rows of a table; remanxl uses what is here. Each row "
                  "carries its source. 可修改数值或在表内空行中补充;计算采用本表数据,每行注明来源。").style = "rx note"
    f = default_factors()
    row = 4
    widths: dict[int, int] = {}
    for name, excel_name in FACTOR_TABLES.items():
        t = f[name]
        ws.cell(row, 1, f"{t.title_en} {t.title_zh} — {t.description} (version {t.version})").style = "rx group"
        headers = _factor_headers(name)
        head = row + 1
        labels = factor_column_labels()
        for i, h in enumerate(headers, start=1):
            c = ws.cell(head, i, h)
            c.style = "rx header"
            if h in labels:  # the header is the name remanxl reads; its meaning in both languages on hover
                en, zh = labels[h]
                c.comment = Comment(f"{en}\n{zh}", "remanxl", width=220, height=70)
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
                    _typed(c, int(v) if isinstance(v, float) and v.is_integer() and h in ("year",) else v)
                c.style = "rx input"
        last = head + len(data) + FACTOR_SPARE_ROWS
        table = Table(displayName=excel_name, ref=f"A{head}:{get_column_letter(len(headers))}{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
        ws.add_table(table)
        row = last + 3
    # the user's own words
    ws.cell(row, 1, "Aliases 别名 — your own words for a choice, an energy type, a pollutant, a unit … (field: "
                    "side, provenance, energy_type, ghg_source, pollutant, unit … as on the Lists sheet); they add to "
                    "the words remanxl knows and never replace one. 自定义别名:补充 remanxl 识别的词语,不会替换已有词语。"
            ).style = "rx group"
    head = row + 1
    labels = factor_column_labels()
    for i, h in enumerate(("field", "alias", "key", "note"), start=1):
        c = ws.cell(head, i, h)
        c.style = "rx header"
        c.comment = Comment("\n".join(labels[h]), "remanxl", width=220, height=70)
    user = list(inp.aliases) if inp else []
    for k in range(ALIASES_ROWS):
        values = user[k] if k < len(user) else {}
        for i, h in enumerate(("field", "alias", "key", "note"), start=1):
            _typed(ws.cell(head + 1 + k, i), values.get(h)).style = "rx input"
    table = Table(displayName=ALIASES_TABLE, ref=f"A{head}:D{head + ALIASES_ROWS}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    ws.add_table(table)
    for i, w in widths.items():
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.column_dimensions["A"].width = 24
    _protect(ws)


def _lists(wb):
    """The Lists sheet: every word remanxl reads, per field, with its key (drop-downs and native formulas)."""
    ws = wb.create_sheet(LISTS_SHEET)
    ws.cell(1, 1, "Every word remanxl reads, per column, and what it means 各列可识别的词语及其含义").style = "rx title"
    ws.cell(2, 1, "Add your own in the Aliases table of the Factors sheet. 可在“系数”表的 Aliases 中补充。").style = "rx note"
    first = 5
    for k, (field, entries) in enumerate(lists.lists_sheet_columns()):
        wcol, kcol = 1 + 2 * k, 2 + 2 * k
        ws.cell(4, wcol, f"{field} word 词语").style = "rx header"
        ws.cell(4, kcol, f"{field} key 键").style = "rx header"
        for i, e in enumerate(entries):
            w, key = ws.cell(first + i, wcol), ws.cell(first + i, kcol)
            if e.formula:
                w.value, key.value = "=" + e.word, "=" + e.key
            else:
                _text(w, e.word)
                _text(key, e.key)
            w.style = key.style = "rx computed"
        last = first + len(entries) - 1
        for name, c in ((lists.words_name(field), wcol), (lists.keys_name(field), kcol)):
            letter = get_column_letter(c)
            wb.defined_names[name] = DefinedName(name, attr_text=f"'{LISTS_SHEET}'!${letter}${first}:${letter}${last}")
        ws.column_dimensions[get_column_letter(wcol)].width = 22
        ws.column_dimensions[get_column_letter(kcol)].width = 16
    ws.freeze_panes = "A5"
    _protect(ws)


#: The drop-down field of each input column that is read as a word.
_FIELD = {("air", "pollutant"): "pollutant_air", ("water_pollutants", "pollutant"): "pollutant_water",
          ("energy", "energy_type"): "energy_type", ("ghg", "source"): "ghg_source"}


def _column_field(table: str, column) -> tuple[str, bool] | None:
    """(list field, stop alert) of an input column, or None when it is not a word."""
    if column.kind == "choice":
        return column.choices, True
    if column.kind == "bool":
        return "bool", True
    if column.kind == "unit":
        return "unit", False  # a user may add a unit row to the Factors sheet: warn, do not refuse
    if (table, column.key) in _FIELD:
        return _FIELD[table, column.key], False
    return None


def _input_sheet(wb, sheet, inp: EvaluationInput | None):
    schema = TABLES[sheet.table]
    ws = wb.create_sheet(sheet.sheet)
    ws.cell(1, 1, f"{schema.label_en} {schema.label_zh}").style = "rx title"
    ws.cell(2, 1, f"{schema.help} {schema.help_zh}").style = "rx note"
    ws.cell(3, 1, "Yellow: type here, in your words. Grey: computed. Type a row just below the table and it grows. "
                  "Red: see the Check column. 黄色为输入;灰色为计算;在表格下方输入新行表格会扩展;红色行见“检查”列。"
            ).style = "rx note"
    columns = list(schema.columns)
    computed = COMPUTED[sheet.table]
    rows_in = list(inp.tables.get(sheet.table, [])) if inp else []
    n_rows = max(sheet.rows, len(rows_in) + 20)
    first, last = HEADER_ROW + 1, HEADER_ROW + n_rows
    for i, c in enumerate(columns, start=1):
        cell = ws.cell(HEADER_ROW, i, c.header)
        cell.style = "rx header"
        if c.help:
            cell.comment = Comment(f"{c.help}\n{c.help_zh}", "remanxl", width=260, height=110)
        ws.column_dimensions[get_column_letter(i)].width = column_width(sheet.table, c.key)
    for j, comp in enumerate(computed, start=len(columns) + 1):
        ws.cell(HEADER_ROW, j, comp.header).style = "rx header"
        ws.column_dimensions[get_column_letter(j)].width = 40 if comp.key == "check" else 14
    for k in range(n_rows):
        r = first + k
        values = rows_in[k] if k < len(rows_in) else {}
        for i, c in enumerate(columns, start=1):
            cell = _typed(ws.cell(r, i), values.get(c.key))
            cell.style = "rx input"
    forms = formulas.computed_column_formulas(sheet.table)
    # column letter → (the text each cell is written with, the A1 formula stored once for the column once
    # saved: see _share_formulas)
    shared = {}
    for j, comp in enumerate(computed, start=len(columns) + 1):
        text = "=" + forms[comp.key]
        style = "rx computed number" if comp.number else "rx computed"
        shared[get_column_letter(j)] = (forms[comp.key], formulas.in_a1(sheet.table, forms[comp.key], first))
        for r in range(first, last + 1):
            ws.cell(r, j, text).style = style
    for i, c in enumerate(columns, start=1):
        letter = get_column_letter(i)
        found = _column_field(sheet.table, c)
        alert = f"{c.header}: {c.help} / {c.help_zh}"
        if found:
            dv = _validation(found[0], c.header, alert, stop=found[1])
        elif c.kind == "number":
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, errorTitle="remanxl", error=f"{c.header}: a number ≥ 0 大于等于 0 的数字",
                                showInputMessage=bool(c.help), promptTitle=_title(c.header),
                                prompt=_both_within(c.help, c.help_zh, 250))
        else:
            dv = None
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}{first}:{letter}{last}")
    width = len(columns) + len(computed)
    table = Table(displayName=sheet.excel_table, ref=f"A{HEADER_ROW}:{get_column_letter(width)}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=False)
    # Calculated columns: Excel fills their formula into a row typed just below the table.  The column's
    # formula is the cells' own A1 form, written for the first data row as Excel writes a calculated column
    # of A1 references, so that Excel finds every cell consistent with its column.
    table._initialise_columns()
    for tc, comp in zip(table.tableColumns[len(columns):], computed):
        tc.calculatedColumnFormula = TableFormula(attr_text=formulas.in_a1(sheet.table, forms[comp.key], first))
    for tc, c in zip(table.tableColumns, [c.header for c in columns] + [comp.header for comp in computed]):
        tc.name = c
    ws.add_table(table)
    # Rows that cannot be read: their input cells turn red, the Check cell says why (before any recompute).
    check = get_column_letter(width)
    rule = FormulaRule(formula=[f'LEN(${check}{first})>0'], fill=_BAD_FILL, font=_BAD_FONT)
    ws.conditional_formatting.add(f"A{first}:{get_column_letter(len(columns))}{last}", rule)
    ws.conditional_formatting.add(f"{check}{first}:{check}{last}",
                                  FormulaRule(formula=[f'LEN(${check}{first})>0'], font=_BAD_FONT))
    helpers = [j for j, comp in enumerate(computed, start=len(columns) + 1) if comp.helper]
    if helpers:
        ws.column_dimensions.group(get_column_letter(helpers[0]), get_column_letter(helpers[-1]), hidden=True,
                                   outline_level=1)
    ws.freeze_panes = f"{'C' if sheet.table == 'parts' else 'B'}{HEADER_ROW + 1}"
    return ws.title, shared, first, last


def _summary_shell(wb):
    """The summary sheet's frame: its chart, the audit line's highlight and a palette cell per named style.

    The cells themselves are written by the summary writer, as on every recompute.
    """
    ws = wb.create_sheet(SUMMARY_SHEET)
    for i, name in enumerate(STYLE_NAMES, start=1):
        ws.cell(1, i).style = name  # makes each named style appear in cellXfs for the writer
    stale = tr(Msg("summary.audit_stale"), "both")[:12].replace('"', '""')
    ws.conditional_formatting.add(f"A{SUMMARY_AUDIT_ROW}:L{SUMMARY_AUDIT_ROW}",
                                  FormulaRule(formula=[f'LEFT($A${SUMMARY_AUDIT_ROW},12)="{stale}"'], fill=_BAD_FILL,
                                              font=_BAD_FONT))
    _protect(ws)
    _indicator_names(wb)
    return ws


def _indicator_names(wb):
    """Names for the native subtotals, so that ``=REMAN_SW(CWR, CWM)`` works in any cell of the workbook."""
    num = get_column_letter(SUMMARY_COL["numerator"] + 1)
    den = get_column_letter(SUMMARY_COL["denominator"] + 1)
    for offset, info in enumerate(INDICATORS):
        if info.group == "implementation":
            continue  # their terms (m_product …) are not symbols of the standard
        row = SUMMARY_FIRST_ROW + offset
        for name, col in ((info.numerator, num), (info.denominator, den)):
            wb.defined_names[name] = DefinedName(name, attr_text=f"'{SUMMARY_SHEET}'!${col}${row}")


def live_formula() -> str:
    """``REMAN_EVALUATE`` over every table of the workbook, as the Live sheet holds it."""
    tables = [s.excel_table for s in INPUT_SHEETS] + [SETTINGS_TABLE, ALIASES_TABLE] + list(FACTOR_TABLES.values())
    return "REMAN_EVALUATE(" + ",".join(f"{t}[[#All]]" for t in tables) + ")"  # [[#All]]: LibreOffice reads only this spelling


def _live(wb):
    """REMAN_EVALUATE over the whole workbook: the add-in recomputes it on every change; without the add-in
    the block says so in words."""
    from openpyxl.worksheet.formula import ArrayFormula

    ws = wb.create_sheet(LIVE_SHEET)
    ws.cell(1, 1, "Live evaluation 实时评价 — =REMAN_EVALUATE(…) over every table of this workbook").style = "rx title"
    ws.cell(2, 1, "Needs the remanxl add-in (Windows Excel); without it the block says so. The Summary sheet "
                  "computes the same values natively. 需加载 remanxl 加载项,否则此处显示提示;汇总表以原生公式计算相同数值。"
            ).style = "rx note"
    ref = f"A{LIVE_ANCHOR_ROW}:J{LIVE_ANCHOR_ROW + 15}"
    needs = tr(Msg("summary.needs_addin"), "both").replace('"', '""')
    ws[f"A{LIVE_ANCHOR_ROW}"] = ArrayFormula(ref, f'=IFERROR({live_formula()},"{needs}")')
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
    from remanxl.workbook.io import evaluate_workbook

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    for st in named_styles():
        wb.add_named_style(st)
    _guide(wb)
    _settings(wb, inp)
    computed = [_input_sheet(wb, sheet, inp) for sheet in INPUT_SHEETS]
    _factors(wb, inp)
    _summary_shell(wb)
    _live(wb)
    _lists(wb)
    _protect(build_dashboard(wb, position=1))
    set_up_printing(wb, (inp.settings or {}).get("product") if inp is not None else None)
    wb.active = 1 if inp is not None else 0  # a filled workbook opens on its Dashboard, a blank one on the Guide
    wb.properties.creator = "remanxl"
    wb.properties.created = wb.properties.modified = BUILD_TIME
    wb.calculation.fullCalcOnLoad = True
    wb.save(path)
    _share_formulas(path, computed)
    _fix_zip_times(path)
    stamp = BUILD_TIME.isoformat() + "+00:00"
    outcome = evaluate_workbook(path, write=True, now=stamp)
    if not outcome.ok:  # a template filled with faulty rows still gets a summary frame, from no input
        from remanxl.workbook.io import write_summary

        try:
            ev = evaluate(inp or EvaluationInput(source=path.name), now=stamp)
        except InputError:
            ev = evaluate(EvaluationInput(source=path.name), now=stamp)
        write_summary(path, ev)
    _fix_zip_times(path)
    return path


def _share_formulas(path: Path, computed) -> None:
    """Store each input table's computed columns as shared formulas (one text per column, not per row:
    see :mod:`remanxl.workbook.sharedformulas`)."""
    import zipfile

    from remanxl.workbook.sharedformulas import share_columns
    from remanxl.workbook.xlsxpatch import sheet_parts

    with zipfile.ZipFile(path) as zf:
        parts = sheet_parts(zf)
        entries = [(i, zf.read(i)) for i in zf.infolist()]
    plans = {parts[title][0]: (columns, first, last) for title, columns, first, last in computed}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            if info.filename in plans:  # (shared-formula indices are per sheet)
                data = share_columns(data, *plans[info.filename])[0]
            out.writestr(info, data)


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

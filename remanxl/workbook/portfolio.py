"""The roll-up's Portfolio sheet: many products at a glance, as the Dashboard shows one.

One row per product (validity, the share of original-side rows that are estimated, the warning
count, the 14 rates), in an Excel table whose header sorts and filters; conditional colours on the
validity and the rates; one chart of the seven comparison rates per product; a print set-up of one
landscape page wide.  Every text that came from a user's workbook (file, product, model) is written
as text, never as a formula.
"""
from __future__ import annotations

import math
from pathlib import Path

from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from remanxl.method.indicators import SYMBOLS

PORTFOLIO_SHEET = "Portfolio 产品组合"
HEADERS = ["File 文件", "Product 产品", "Model 型号", "Valid 有效", "Estimated 估算占比", "Warnings 提示数",
           *SYMBOLS]
FIRST_RATE_COL = 7
COMPARISON = ("SE", "SM", "SW", "RGHG", "RAP", "REF", "RSW")
_HEAD = PatternFill("solid", fgColor="1F4E79")


def _text(cell, value) -> None:
    """A user's text as text: openpyxl would take "=…" for a formula."""
    from remanxl.workbook.rollup import shown_text

    cell.value = "" if value is None else shown_text(str(value))
    cell.data_type = "s"


def add_portfolio(wb, rows) -> None:
    """Add the Portfolio sheet for the batch ``rows`` (:class:`~remanxl.workbook.batch.BatchRow`) to ``wb``."""
    ws = wb.create_sheet(PORTFOLIO_SHEET, 0)
    ws.sheet_properties.tabColor = "548235"
    ws["A1"] = "Portfolio 产品组合 — GB/T 41350-2022 remanufacturing energy saving and emission reduction"
    ws["A1"].font = Font(name="Calibri", size=14, bold=True, color="1F4E79")
    good = [r for r in rows if r.ok]
    ws["A2"] = (f"{len(good)} of {len(rows)} workbooks evaluated 份工作簿已评价; "
                f"{sum(1 for r in good if r.valid)} valid 有效. Sort or filter with the arrows of the header row "
                "表头箭头可排序筛选.")
    ws["A2"].font = Font(name="Calibri", italic=True, color="595959")
    header_row = 4
    for j, head in enumerate(HEADERS, start=1):
        c = ws.cell(header_row, j, head)
        c.font, c.fill = Font(name="Calibri", bold=True, color="FFFFFF"), _HEAD
        c.alignment = Alignment(wrap_text=True, vertical="top")
    for i, r in enumerate(good, start=header_row + 1):
        _text(ws.cell(i, 1), Path(r.path).name)
        _text(ws.cell(i, 2), r.product)
        _text(ws.cell(i, 3), r.model)
        _text(ws.cell(i, 4), "yes 是" if r.valid else "no 否")
        ws.cell(i, 5, r.estimated).number_format = "0%"
        ws.cell(i, 6, r.warnings)
        for k, symbol in enumerate(SYMBOLS):
            value = (r.values or {}).get(symbol)
            cell = ws.cell(i, FIRST_RATE_COL + k)
            if value is None:
                cell.value = "n/a"
            elif not math.isfinite(value):
                cell.value, cell.data_type = "#NUM!", "e"
            else:
                cell.value = value
            cell.number_format = "0.0%"
    last = header_row + max(len(good), 1)
    last_col = get_column_letter(len(HEADERS))
    if good:
        table = Table(displayName="Portfolio", ref=f"A{header_row}:{last_col}{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
        rates = f"{get_column_letter(FIRST_RATE_COL)}{header_row + 1}:{last_col}{last}"
        ws.conditional_formatting.add(rates, ColorScaleRule(start_type="num", start_value=0, start_color="F8CBAD",
                                                            end_type="num", end_value=1, end_color="C6EFCE"))
        ws.conditional_formatting.add(f"D{header_row + 1}:D{last}",
                                      CellIsRule(operator="equal", formula=['"no 否"'],
                                                 fill=PatternFill("solid", bgColor="FFC7CE"),
                                                 font=Font(color="9C0006", bold=True)))
        _chart(ws, header_row, last)
    for col, width in zip("ABCDEF", (22, 30, 18, 9, 10, 9)):
        ws.column_dimensions[col].width = width
    for k in range(len(SYMBOLS)):
        ws.column_dimensions[get_column_letter(FIRST_RATE_COL + k)].width = 7.5
    ws.freeze_panes = f"C{header_row + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.right.text = "&D"
    ws.oddHeader.left.text = "&F"


def _chart(ws, header_row: int, last: int) -> None:
    """The seven comparison rates, one cluster per product."""
    chart = BarChart()
    chart.type = "col"
    chart.title = "Comparison rates by product 各产品对比指标"
    for symbol in COMPARISON:
        col = FIRST_RATE_COL + SYMBOLS.index(symbol)
        chart.add_data(Reference(ws, min_col=col, min_row=header_row, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last))  # files: never blank
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = -0.25, 1.0
    chart.y_axis.majorUnit = 0.25
    chart.y_axis.number_format = "0%"
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl leaves these out; some Excel builds hide the axes
    chart.height, chart.width = 9, max(16, 1.6 * (last - header_row))
    chart.legend.position = "b"
    ws.add_chart(chart, f"A{last + 3}")


__all__ = ["add_portfolio", "PORTFOLIO_SHEET", "HEADERS"]

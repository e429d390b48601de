"""The Dashboard sheet: the evaluation at a glance, on one screen and one landscape A4 page.

Every cell is a native formula over the Summary and the Settings, so the Dashboard follows each edit
in any spreadsheet, with or without remanxl; remanxl's recompute fills the Summary, and with it the
Dashboard's audit (validity, the share of estimated data, the warnings).  It is written once, with
the template, and never rewritten.

What it shows: product, model, N, period and remanufacturer type; the validity badge and whether
the audit is current; the 14 indicators under their three Class I headings (value, status, unit);
one bar chart per Class I group, labelled, in the group's colour, on a 0-100 % axis that extends
below 0 when a saving is negative; the share of original-side data that is estimated; the warning
count and the first warnings.
"""
from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from remanxl.i18n import Msg, tr
from remanxl.method.indicators import GROUPS, INDICATORS
from remanxl.sheet.layout import (DASHBOARD_SHEET, SUMMARY_AUDIT_ROW, SUMMARY_COL, SUMMARY_FEED, SUMMARY_FIRST_ROW,
                                  SUMMARY_SHEET, SUMMARY_STATUS_ROW)

#: One colour per Class I group (bars, headings): energy and resources, pollutants, implementation.
GROUP_COLOURS = {"energy_resource": "2E75B6", "pollutant": "548235", "implementation": "BF8F00"}
GROUP_FILLS = {"energy_resource": "DDEBF7", "pollutant": "E2EFDA", "implementation": "FFF2CC"}
#: Column widths (characters): symbol, indicator, value, status, unit, the P5–P95 band, a gap, then the charts.
WIDTHS = (7, 54, 9, 18, 8, 12, 2, 10, 10, 10, 10, 10, 10)
FIRST_ROW = 7  # the first indicator group's heading
CHART_COL = "H"
CHART_ROWS = 27  # rows (15 points each) the three charts share, from the table's header down past the warnings
ROW_CM = 0.529  # a 15-point row, in cm


def _summary(col_key: str, row: int) -> str:
    return f"'{SUMMARY_SHEET}'!${get_column_letter(SUMMARY_COL[col_key] + 1)}${row}"


def _feed(key: str, index: int | None = None) -> str:
    row = SUMMARY_FEED[key][index] if index is not None else SUMMARY_FEED[key]
    return _summary("chart", row)


def _in_language(en: str, zh: str) -> str:
    """A native formula giving ``en``, ``zh`` or both, as the Settings' language says."""
    q = lambda t: '"' + t.replace('"', '""') + '"'  # noqa: E731
    return f'=IF(rx_language="zh",{q(zh)},IF(rx_language="en",{q(en)},{q(en + " " + zh)}))'


def _layout_rows() -> list[tuple[str, int | None, int]]:
    """(group, indicator index or None for the heading, sheet row), top to bottom."""
    rows, row, group = [], FIRST_ROW, None
    for i, info in enumerate(INDICATORS):
        if info.group != group:
            group = info.group
            rows.append((group, None, row))
            row += 1
        rows.append((group, i, row))
        row += 1
    return rows


def build_dashboard(wb, position: int = 1):
    """Add the Dashboard sheet to ``wb`` (an openpyxl workbook holding the Summary's frame)."""
    ws = wb.create_sheet(DASHBOARD_SHEET, position)
    ws.sheet_properties.tabColor = GROUP_COLOURS["pollutant"]
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.sheet_view.showGridLines = False
    ws.sheet_view.zoomScale = 80  # the whole Dashboard on a 1366×768 laptop screen

    ws["A1"] = "GB/T 41350-2022 — remanufacturing energy saving and emission reduction 再制造节能减排评价"
    ws["A1"].style = "rx title"
    ws["A2"] = ('="Product 产品: "&IF(rx_product="","(not set 未填写)",rx_product)'
                '&IF(rx_model="",""," / "&rx_model)&IF(rx_remanufacturer="",""," — "&rx_remanufacturer)')
    ws["A3"] = ('="N = "&rx_functional_unit_quantity&" · "&IF(rx_reporting_period="","",rx_reporting_period&" · ")'
                '&IF(rx_remanufacturer_type="oem","OEM remanufacturer 原制造企业再制造","independent remanufacturer '
                '独立再制造企业")')
    for cell in ("A2", "A3"):
        ws[cell].style = "rx note"
    ws["A4"] = f"={_summary('group', SUMMARY_STATUS_ROW)}"
    ws["A5"] = f"={_summary('group', SUMMARY_AUDIT_ROW)}"
    ws.merge_cells("A4:M4")
    ws.merge_cells("A5:M5")
    ws["A4"].font = Font(name="Calibri", size=12, bold=True)
    ws["A5"].font = Font(name="Calibri", size=9, italic=True, color="595959")
    for cell in ("A4", "A5"):
        ws[cell].alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[5].height = 26
    _badge_colours(ws)

    heads = ("Symbol 符号", "Indicator 指标", "Value 值", "Status 状态", "Unit 单位", "P5–P95 区间")
    for j, head in enumerate(heads, start=1):
        ws.cell(6, j, head).style = "rx header"
    for group, index, row in _layout_rows():
        if index is None:
            en, zh = GROUPS[group]
            ws.cell(row, 1, _in_language(en, zh)).style = "rx group"
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(heads))
            ws.cell(row, 1).fill = PatternFill("solid", fgColor=GROUP_FILLS[group])
            continue
        info = INDICATORS[index]
        srow = SUMMARY_FIRST_ROW + index
        ws.cell(row, 1, info.symbol).style = "rx text"
        ws.cell(row, 2, _in_language(info.name_en, info.name_zh)).style = "rx text"
        value = _summary("value", srow)
        ws.cell(row, 3, f'=IF(ISNUMBER({value}),{value},"n/a")').style = "rx percent"
        for col, key in ((4, "status"), (5, "unit")):  # a blank Summary cell shows blank, not 0
            ref = _summary(key, srow)
            ws.cell(row, col, f'=IF({ref}="","",{ref})').style = "rx text"
        ws.cell(row, 6, _band_formula(srow)).style = "rx text"
    last = _layout_rows()[-1][2]
    _charts(ws)
    row = last + 2
    ws.cell(row, 2, "Original-side rows that are estimated 原制造侧估算数据占比").style = "rx group"
    share = _feed("share_estimated")
    ws.cell(row, 3, f'=IF(ISNUMBER({share}),{share},"—")').style = "rx percent"
    row += 1
    ws.cell(row, 2, "Warnings 提示 (all of them on the Summary 全部见汇总表)").style = "rx group"
    count = _feed("warning_count")
    ws.cell(row, 3, f'=IF(ISNUMBER({count}),{count},"—")').style = "rx count"
    for k in range(len(SUMMARY_FEED["top_warnings"])):
        row += 1
        ws.cell(row, 2, f'=IF({_feed("top_warnings", k)}="","",{_feed("top_warnings", k)})').style = "rx warning"
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=6)
        ws.row_dimensions[row].height = 40  # three lines of a long warning
    ws.freeze_panes = None
    return ws


def _band_formula(srow: int) -> str:
    """"P5–P95" of a rate, from the error-bar arms remanxl writes with --uncertainty; blank without them."""
    value, minus, plus = _summary("value", srow), _summary("band_minus", srow), _summary("band_plus", srow)
    return (f'=IF(AND(ISNUMBER({value}),ISNUMBER({minus})),TEXT({value}-{minus},"0.0%")&" – "'
            f'&TEXT({value}+{plus},"0.0%"),"")')


def _badge_colours(ws) -> None:
    """Green when remanxl found the evaluation valid, red when invalid, amber when its audit is out of date."""
    valid = tr(Msg("summary.valid"), "en")
    invalid = "INVALID"
    stale = tr(Msg("summary.audit_stale"), "en")[:12]
    green, red, amber = ("C6EFCE", "006100"), ("FFC7CE", "9C0006"), ("FFEB9C", "9C5700")
    for formula, (fill, font) in ((f'ISNUMBER(SEARCH("{valid}",$A$4))', green),
                                  (f'ISNUMBER(SEARCH("{invalid}",$A$4))', red),
                                  ('ISNUMBER(SEARCH("评价有效",$A$4))', green),
                                  ('ISNUMBER(SEARCH("无效",$A$4))', red)):
        ws.conditional_formatting.add("A4:M4", FormulaRule(formula=[formula], fill=PatternFill("solid", bgColor=fill),
                                                           font=Font(color=font, bold=True)))
    for needle in (stale, "已过期"):
        ws.conditional_formatting.add("A5:M5", FormulaRule(formula=[f'ISNUMBER(SEARCH("{needle}",$A$5))'],
                                                           fill=PatternFill("solid", bgColor=amber[0]),
                                                           font=Font(color=amber[1], bold=True)))


def _charts(ws) -> None:
    """One horizontal bar chart per Class I group, beside its indicators."""
    summary = ws.parent[SUMMARY_SHEET]
    groups: dict[str, list[int]] = {}
    for i, info in enumerate(INDICATORS):
        groups.setdefault(info.group, []).append(i)
    anchor_row = 6
    # Each chart gets a title and an axis (about 3 rows) and 1.5 rows per bar, out of the rows they share.
    bars = sum(len(i) for i in groups.values())
    spare = CHART_ROWS - 3 * len(groups) - 1
    for group, indices in groups.items():
        first, last = SUMMARY_FIRST_ROW + indices[0], SUMMARY_FIRST_ROW + indices[-1]
        rows = 3 + round(spare * len(indices) / bars)
        ws.add_chart(_chart(ws, summary, group, first, last, rows * ROW_CM - 0.15), f"{CHART_COL}{anchor_row}")
        anchor_row += rows


def _chart(ws, summary, group: str, first: int, last: int, height_cm: float) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.overlap = 100
    chart.gapWidth = 60
    en, zh = GROUPS[group]
    chart.title = _small_title(f"{en} {zh}")
    values = Reference(summary, min_col=SUMMARY_COL["chart"] + 1, min_row=first, max_row=last)
    chart.add_data(values, titles_from_data=False)
    (bars,) = chart.series
    symbols = Reference(summary, min_col=SUMMARY_COL["symbol"] + 1, min_row=first, max_row=last)
    bars.cat = AxDataSource(strRef=StrRef(f=str(symbols)))  # text categories (openpyxl would write numRef)
    bars.graphicalProperties = GraphicalProperties(solidFill=GROUP_COLOURS[group])
    bars.graphicalProperties.line.solidFill = GROUP_COLOURS[group]
    bars.dLbls = DataLabelList()
    bars.dLbls.showVal = True
    bars.dLbls.numFmt = "0%"
    for flag in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
        setattr(bars.dLbls, flag, False)
    # A fixed axis: an automatic one starts near the smallest value when all are close (Excel does),
    # which exaggerates differences.  -25 % … 100 % keeps a negative saving visible (a bar left of 0;
    # one below -25 % reaches the edge, its label gives the value), with room for a full bar's label.
    chart.y_axis.scaling.min = -0.25
    chart.y_axis.scaling.max = 1.2
    chart.y_axis.majorUnit = 0.25
    chart.y_axis.number_format = "0%"
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # the first indicator on top, as in the table
    chart.y_axis.axPos = "b"
    chart.y_axis.crosses = "max"  # so the % axis stays at the bottom under reversed categories
    chart.x_axis.tickLblPos = "low"  # symbols at the left edge, clear of a bar below 0
    # openpyxl leaves out <c:delete val="0"/>; some Excel builds then hide both axes.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.txPr = _font(800)
    chart.y_axis.txPr = _font(800)
    bars.dLbls.txPr = _font(800)
    bars.errBars = _band_bars(summary, first, last)
    chart.legend = None
    chart.visible_cells_only = False  # the Summary's chart column is folded away
    chart.height, chart.width = height_cm, 13
    return chart


def _band_bars(summary, first: int, last: int):
    """Error bars from the P5–P95 arms on the Summary: none where the cells are blank (no Monte Carlo run)."""
    from openpyxl.chart.data_source import NumDataSource, NumRef
    from openpyxl.chart.error_bar import ErrorBars

    def arm(key: str) -> NumDataSource:
        col = SUMMARY_COL[key] + 1
        return NumDataSource(numRef=NumRef(f=str(Reference(summary, min_col=col, min_row=first, max_row=last))))

    bars = ErrorBars(errBarType="both", errValType="cust", noEndCap=False, plus=arm("band_plus"),
                     minus=arm("band_minus"))
    bars.spPr = GraphicalProperties(ln=None)
    bars.spPr.line.solidFill = "404040"
    return bars


def _font(size: int, bold: bool = False):
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties

    props = CharacterProperties(sz=size, b=bold)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props, r=[])])


def _small_title(text: str):
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun

    props = CharacterProperties(sz=900, b=True)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=text)])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


__all__ = ["build_dashboard", "DASHBOARD_SHEET", "GROUP_COLOURS"]

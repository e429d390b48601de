"""Print set-up of every sheet of the template: what a person gets from File › Print.

Each sheet has an orientation, is fitted to the page width, repeats its header rows on every page,
and carries a header (sheet and file) and a footer (page x of y, the print date).  The input sheets
print only their filled rows: their print area is a defined name that ends at the last row with a
value in the table's first column, so the pre-sized blank rows of a table (formulas, no data) print
no empty pages.  The Dashboard fits one landscape page; the word lists behind the drop-downs are a
hidden sheet (File › Print › Entire workbook leaves hidden sheets out).
"""
from __future__ import annotations

from openpyxl.utils import quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.page import PageMargins

from remanxl.sheet.layout import (DASHBOARD_SHEET, FACTORS_SHEET, GUIDE_SHEET, HEADER_ROW, INPUT_SHEETS, LISTS_SHEET,
                                  LIVE_SHEET, SETTINGS_SHEET, SUMMARY_SHEET)

#: Tab colours: blue to read, yellow to type in, grey for reference, green for results.
TAB_COLOURS = {GUIDE_SHEET: "1F4E79", DASHBOARD_SHEET: "548235", SETTINGS_SHEET: "FFC000", FACTORS_SHEET: "7F7F7F",
               SUMMARY_SHEET: "548235", LIVE_SHEET: "A6A6A6", LISTS_SHEET: "A6A6A6"}
INPUT_TAB = "FFD966"
LAST_ROW_SCANNED = 200_000  # the print area of an input sheet reaches its last filled row up to this one


def _header_footer(ws, product: str | None) -> None:
    for part in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
        part.left.text = "&A"  # the sheet's name
        part.center.text = "GB/T 41350-2022"
        part.right.text = product.replace("&", "&&") if product else "&F"  # the product, else the file's name
        for side in (part.left, part.center, part.right):
            side.size = 8
    for part in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        part.left.text = "remanxl"
        part.center.text = "&P / &N"
        part.right.text = "&D"
        for side in (part.left, part.center, part.right):
            side.size = 8


def _page(ws, landscape: bool, fit_height: int = 0) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = fit_height  # 0: as many pages down as the content needs
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.25, footer=0.25)
    ws.print_options.horizontalCentered = True


def _input_print_area(wb, ws, table) -> None:
    """A print area that ends at the table's last filled row (a name Excel and LibreOffice evaluate)."""
    from openpyxl.utils import range_boundaries

    _, _, last_col, _ = range_boundaries(table.ref)
    sheet = quote_sheetname(ws.title)
    key = f"{sheet}!$A${HEADER_ROW + 1}:$A${LAST_ROW_SCANNED}"
    # LOOKUP(2, 1/(range<>""), ROW(range)) is the row of the last non-blank cell of a range, in every spreadsheet.
    last = f'IFERROR(LOOKUP(2,1/({key}<>""),ROW({key})),{HEADER_ROW + 1})'
    area = f"OFFSET({sheet}!$A$1,0,0,{last},{last_col})"
    index = wb.sheetnames.index(ws.title)
    wb.defined_names.add(DefinedName("_xlnm.Print_Area", localSheetId=index, attr_text=area))


def set_up_printing(wb, product: str | None = None) -> None:
    """Print set-up and tab colour of every sheet of the template workbook ``wb`` (openpyxl)."""
    inputs = {s.sheet: s for s in INPUT_SHEETS}
    for ws in wb.worksheets:
        ws.sheet_properties.tabColor = TAB_COLOURS.get(ws.title, INPUT_TAB if ws.title in inputs else None)
        _header_footer(ws, product)
        if ws.title == DASHBOARD_SHEET:
            _page(ws, landscape=True, fit_height=1)
            ws.print_area = f"A1:M{ws.max_row}"
        elif ws.title == GUIDE_SHEET:
            _page(ws, landscape=True)
        elif ws.title in inputs:
            _page(ws, landscape=True)
            ws.print_title_rows = f"1:{HEADER_ROW}"
            table = next(iter(ws.tables.values()))
            _input_print_area(wb, ws, table)
        elif ws.title == SETTINGS_SHEET:
            _page(ws, landscape=True)
            ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        elif ws.title == SUMMARY_SHEET:
            _page(ws, landscape=True)
        elif ws.title == LIVE_SHEET:
            _page(ws, landscape=True, fit_height=1)
        else:
            _page(ws, landscape=True)
    if LISTS_SHEET in wb.sheetnames:
        wb[LISTS_SHEET].sheet_state = "hidden"


__all__ = ["set_up_printing", "TAB_COLOURS"]

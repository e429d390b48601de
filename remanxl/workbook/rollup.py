"""The roll-up of a folder of one workbook, written directly: one sheet, one table, the rates as %.

A roll-up of several products also has a Portfolio sheet (a table with colour scales and a chart,
written with openpyxl: :mod:`remanxl.workbook.portfolio`).  A portfolio of one product says nothing
its own workbook's Dashboard does not, so the roll-up of one workbook is its Roll-up sheet alone,
written as its few XML parts: openpyxl's import alone takes longer than evaluating the workbook.
The parts are the minimum Excel, LibreOffice and WPS open without a repair prompt, with the
document title by which remanxl knows a roll-up it wrote; openpyxl reads them back in the tests.
"""
from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

from remanxl.sheet.block import column_letter
from remanxl.workbook.xlsxpatch import escape

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
    f'<Override PartName="/xl/tables/table1.xml" ContentType="{_CT}.table+xml"/></Types>')
_ROOT_RELS = (f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
              f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" '
              'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
              'Target="docProps/core.xml"/></Relationships>')


def _core(title: str) -> str:
    """The document properties: its title (how remanxl knows a roll-up it wrote) and its creator."""
    return (f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>remanxl</dc:creator>'
            f'<dc:title>{escape(title)}</dc:title></cp:coreProperties>')
_WORKBOOK_RELS = (f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
                  f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                  f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
_SHEET_RELS = (f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/table" '
               'Target="../tables/table1.xml"/></Relationships>')
#: Style 0: general; style 1: the built-in percentage format 0.00 % (numFmtId 10).
_STYLES = (f'{_HEAD}<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font>'
           '</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
           'patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/>'
           '<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
           'borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
           'xfId="0"/><xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
           '</styleSheet>')


#: Characters XML 1.0 cannot hold (control characters; a file name's undecodable bytes, which Python
#: keeps as lone surrogates): each is shown as U+FFFD, as a spreadsheet shows what it cannot read.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def shown_text(value: str) -> str:
    """``value`` with every character a workbook (or UTF-8 file) cannot hold shown as U+FFFD."""
    return _NOT_XML.sub("\ufffd", value)


def _cell(ref: str, value, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            return f'<c r="{ref}"{s} t="e"><v>#NUM!</v></c>'
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    text = escape(shown_text(str(value)))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def write_rollup_xlsx(path: Path, headers: list[str], rows: list[list], percent_columns: range,
                      sheet_title: str, table_name: str, title: str) -> None:
    """One sheet of ``headers`` and ``rows`` as an Excel table (when there are rows), the columns of
    ``percent_columns`` (0-based) formatted as %, the first row and column frozen."""
    width = len(headers)
    last_col = column_letter(width)
    out = []
    for r, values in enumerate([headers, *rows], start=1):
        cells = "".join(_cell(f"{column_letter(c + 1)}{r}", v, 1 if r > 1 and c in percent_columns else 0)
                        for c, v in enumerate(values))
        out.append(f'<row r="{r}">{cells}</row>')
    table = bool(rows)
    # Printed landscape, one page wide (a row per product, 21 columns), as the Portfolio sheet is.
    sheet = (f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
             f'<dimension ref="A1:{last_col}{len(rows) + 1}"/>'
             '<sheetViews><sheetView workbookViewId="0"><pane xSplit="1" ySplit="1" topLeftCell="B2" '
             'activePane="bottomRight" state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
             '<cols><col min="1" max="1" width="30" customWidth="1"/><col min="2" max="2" width="30" customWidth="1"/>'
             '</cols>'
             f'<sheetData>{"".join(out)}</sheetData>'
             '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
             '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
             + ('<tableParts count="1"><tablePart r:id="rId1"/></tableParts>' if table else "") + "</worksheet>")
    ref = f"A1:{last_col}{len(rows) + 1}"
    columns = "".join(f'<tableColumn id="{i}" name="{escape(h, {chr(34): "&quot;"})}"/>'
                      for i, h in enumerate(headers, start=1))
    table_xml = (f'{_HEAD}<table xmlns="{_MAIN}" id="1" name="{table_name}" displayName="{table_name}" ref="{ref}">'
                 f'<autoFilter ref="{ref}"/><tableColumns count="{width}">{columns}</tableColumns>'
                 '<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showLastColumn="0" '
                 'showRowStripes="1" showColumnStripes="0"/></table>')
    workbook = (f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet '
                f'name="{escape(sheet_title, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    parts = {"[Content_Types].xml": _CONTENT_TYPES if table else _CONTENT_TYPES.replace(
                 f'<Override PartName="/xl/tables/table1.xml" ContentType="{_CT}.table+xml"/>', ""),
             "_rels/.rels": _ROOT_RELS, "docProps/core.xml": _core(title), "xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
             "xl/styles.xml": _STYLES, "xl/worksheets/sheet1.xml": sheet}
    if table:
        parts["xl/worksheets/_rels/sheet1.xml.rels"] = _SHEET_RELS
        parts["xl/tables/table1.xml"] = table_xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode("utf-8"))

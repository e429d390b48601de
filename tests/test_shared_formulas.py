"""The input tables' computed columns are stored as shared formulas (one text per column), in A1 form.

An independent reader (openpyxl) must read back, in every cell of every computed column, the very
formula the column stands for, moved to the cell's row; the XML must hold each column's text once;
the A1 form must say what the structured text says; and a sheet that does not hold the columns as
expected is refused, not half rewritten.  (That LibreOffice computes the same
values from them as remanxl does is tested in test_template_libreoffice.py and test_libreoffice.py.)
"""
import re
import zipfile

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from remanxl import load_example
from remanxl.method.inputs import TABLES
from remanxl.sheet import formulas
from remanxl.sheet.layout import COMPUTED, HEADER_ROW, INPUT_SHEETS
from remanxl.workbook.sharedformulas import SharingError, share_columns
from remanxl.workbook.template import build_template
from remanxl.workbook.xlsxpatch import sheet_parts


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("shared") / "example.xlsx", load_example())


def _computed_cells(ws, table: str):
    """(column index, structured formula) of each computed column of ``table`` in the sheet."""
    forms = formulas.computed_column_formulas(table)
    start = len(TABLES[table].columns) + 1
    return [(j, forms[comp.key]) for j, comp in enumerate(COMPUTED[table], start=start)]


def _a1_by_hand(table: str, text: str, row: int) -> str:
    """The A1 form of ``text`` written out independently of in_a1: each column's structured reference
    replaced, by its header, with the column letter openpyxl gives its position."""
    headers = [c.header for c in TABLES[table].columns] + [c.header for c in COMPUTED[table]]
    name = {s.table: s.excel_table for s in INPUT_SHEETS}[table]

    def esc(h: str) -> str:
        return h.replace("'", "''").replace("[", "'[").replace("]", "']").replace("#", "'#")

    for i, h in enumerate(headers, start=1):
        text = text.replace(f"{name}[[#This Row],[{esc(h)}]]", f"${get_column_letter(i)}{row}")
    n = len(TABLES[table].columns)
    span = f"{name}[[#This Row],[{esc(headers[0])}]:[{esc(headers[n - 1])}]]"  # the row's input cells
    return text.replace(span, f"$A{row}:${get_column_letter(n)}{row}")


def test_openpyxl_reads_the_column_formula_in_every_row(example):
    wb = openpyxl.load_workbook(example)
    checked = 0
    for sheet in INPUT_SHEETS:
        ws = wb[sheet.sheet]
        ref = ws.tables[sheet.excel_table].ref
        last = int(re.search(r"(\d+)$", ref).group(1))
        for j, text in _computed_cells(ws, sheet.table):
            for r in range(HEADER_ROW + 1, last + 1):
                assert ws.cell(r, j).value == "=" + _a1_by_hand(sheet.table, text, r), (sheet.sheet, r, j)
                checked += 1
    assert checked > 4000


def test_a1_form_reads_the_rows_own_cells_and_nothing_else():
    for sheet in INPUT_SHEETS:
        for key, text in formulas.computed_column_formulas(sheet.table).items():
            a1 = formulas.in_a1(sheet.table, text, 9)
            assert a1 == _a1_by_hand(sheet.table, text, 9), (sheet.table, key)
            assert "#This Row" not in a1 and "[@" not in a1
            assert set(re.findall(r"\$[A-Z]+(\d+)", a1)) <= {"9"}, (sheet.table, key)  # only its own row
    with pytest.raises(ValueError):
        formulas.in_a1("energy", "Parts[[#This Row],[Note 备注]]", 5)  # another table's row: refused


def test_the_tables_calculated_columns_match_their_cells(example):
    """Excel fills a row typed below a table with the column's formula, and flags a cell that differs from
    it: the column's formula is the first data row's own formula."""
    wb = openpyxl.load_workbook(example)
    for sheet in INPUT_SHEETS:
        ws = wb[sheet.sheet]
        table = ws.tables[sheet.excel_table]
        for (j, _), tc in zip(_computed_cells(ws, sheet.table), table.tableColumns[len(TABLES[sheet.table].columns):]):
            assert "=" + tc.calculatedColumnFormula.attr_text == ws.cell(HEADER_ROW + 1, j).value, (sheet.sheet, j)


def test_each_column_text_is_stored_once(example):
    with zipfile.ZipFile(example) as zf:
        parts = sheet_parts(zf)
        for sheet in INPUT_SHEETS:
            xml = zf.read(parts[sheet.sheet][0]).decode("utf-8")
            masters = re.findall(r'<f t="shared" ref="([A-Z]+)(\d+):\1(\d+)" si="(\d+)">', xml)
            assert len(masters) == len(COMPUTED[sheet.table]), sheet.sheet
            assert {int(m[1]) for m in masters} == {HEADER_ROW + 1}
            assert sorted(int(m[3]) for m in masters) == list(range(len(masters)))  # one index per column
            assert "<f>" not in xml  # no formula is written out row by row any more
            rows = int(masters[0][2]) - HEADER_ROW
            assert xml.count('<f t="shared" si=') == len(masters) * (rows - 1)


def test_a_sheet_that_differs_is_refused():
    row = '<row r="{r}"><c r="B{r}" s="3"><f>{f}</f><v /></c></row>'
    xml = ("<sheetData>" + "".join(row.format(r=r, f="A&amp;B") for r in (5, 6, 7)) + "</sheetData>").encode()
    shared, next_si = share_columns(xml, {"B": "A&B"}, 5, 7, next_si=2)
    assert next_si == 3
    assert shared.count(b'<f t="shared" ref="B5:B7" si="2">A&amp;B</f>') == 1
    assert shared.count(b'<f t="shared" si="2"/>') == 2
    stored, _ = share_columns(xml, {"B": ("A&B", "$A5&C5")}, 5, 7)  # what each cell holds, what is stored
    assert stored.count(b'<f t="shared" ref="B5:B7" si="0">$A5&amp;C5</f>') == 1
    with pytest.raises(SharingError):
        share_columns(xml, {"B": "A&B"}, 5, 8)  # a row of the range without the formula
    with pytest.raises(SharingError):
        share_columns(xml.replace(b"A&amp;B</f><v /></c></row><row r=\"6\"", b"A+B</f><v /></c></row><row r=\"6\"", 1),
                      {"B": "A&B"}, 5, 7)  # a cell with another formula

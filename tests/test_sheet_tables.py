"""Tables that share a sheet are cut from one parse of it, and equal what python-calamine reads.

Each comparison is against calamine's own ``get_table_by_name`` on the same file: name, sheet, start,
end, columns, every value and its type.  A table that is not plain is left to calamine.
"""
import datetime
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from openpyxl.worksheet.table import Table

from remanxl.workbook.io import read_blocks
from remanxl.workbook.safety import table_parts
from remanxl.workbook.tables import CutTable, cut_tables, plain_definition
from remanxl.workbook.xlsxpatch import sheet_parts

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = [ROOT / "templates" / "remanxl_example.xlsx", ROOT / "templates" / "remanxl_template.xlsx"]


def _cut(path: Path, names=None) -> tuple[dict, "pc.CalamineWorkbook"]:
    wb = pc.CalamineWorkbook.from_path(str(path), load_tables=True)
    with zipfile.ZipFile(path) as zf:
        sheet_names = {part: name for name, (part, _) in sheet_parts(zf).items()}
        return cut_tables(wb, zf, list(names or wb.table_names), table_parts(zf), sheet_names), wb


def _same_as_calamine(cut: CutTable, wb) -> None:
    table = wb.get_table_by_name(cut.name)
    assert (cut.name, cut.sheet, cut.start, cut.end, cut.columns) == (
        table.name, table.sheet, table.start, table.end, table.columns)
    mine, theirs = cut.to_python(), table.to_python()
    assert mine == theirs
    assert [[type(v) for v in row] for row in mine] == [[type(v) for v in row] for row in theirs]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shared_sheet_table_of_the_shipped_books_equals_calamines(path):
    cut, wb = _cut(path)
    assert len(cut) == 13  # the Factors sheet's tables; every other sheet holds one table
    assert {t.sheet for t in cut.values()} == {"Factors 系数"}
    for table in cut.values():
        _same_as_calamine(table, wb)


def test_a_table_alone_on_its_sheet_is_left_to_calamine():
    cut, _ = _cut(SHIPPED[0], ["Settings", "EnergyConversion", "FuelFactors"])
    assert sorted(cut) == ["EnergyConversion", "FuelFactors"]


def _two_tables(path: Path, first_ref="A2:D6", second_ref="F2:H9", edit=None) -> Path:
    """A sheet with two tables: typed values of every kind in the first, a second that reaches below
    and beside the sheet's last value."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data 数据"
    ws["A1"] = "title row above the tables"
    for col, head in zip("ABCD", ["Key", "Amount & unit", "When", "Flag"]):
        ws[f"{col}2"] = head
    rows = [("a", 1.5, datetime.datetime(2024, 3, 1, 12, 30), True),
            ("b", 2, datetime.date(2023, 12, 31), False),
            ("", None, None, None),
            ("中文", -0.0, "=1+1", "  ")]
    for r, row in enumerate(rows, start=3):
        for col, value in zip("ABCD", row):
            if value is not None:
                ws[f"{col}{r}"] = value
    for col, head in zip("FGH", ["Name", "Value", "Note"]):
        ws[f"{col}2"] = head
    ws["F3"], ws["G3"] = "x", 10
    ws["G4"] = 1e-300
    ws.add_table(Table(displayName="First", ref=first_ref))
    ws.add_table(Table(displayName="Second", ref=second_ref))
    other = wb.create_sheet("Other")
    other["A1"], other["A2"] = "Only", 1
    other.add_table(Table(displayName="Alone", ref="A1:A2"))
    wb.save(path)
    if edit:
        from workbook_fixtures import rewrite_zip

        rewrite_zip(path, path, edit)
    return path


def test_typed_values_and_cells_past_the_sheets_last_value_equal_calamines(tmp_path):
    path = _two_tables(tmp_path / "two.xlsx")
    cut, wb = _cut(path)
    assert sorted(cut) == ["First", "Second"]
    assert cut["Second"].to_python()[-1] == ["", "", ""]  # rows 4-9 lie below the sheet's last value
    for table in cut.values():
        _same_as_calamine(table, wb)


def _with_attribute(table_name: str, attribute: bytes):
    def edit(entries):
        found = [n for n, data in entries.items()
                 if n.startswith("xl/tables/") and f'displayName="{table_name}"'.encode() in data]
        assert len(found) == 1, found
        key = attribute.split(b"=")[0]
        xml = re.sub(rb" " + key + rb'="[^"]*"', b"", entries[found[0]])  # openpyxl writes headerRowCount="1"
        entries[found[0]] = xml.replace(b"<table ", b"<table " + attribute + b" ", 1)
        assert attribute in entries[found[0]]
    return edit


@pytest.mark.parametrize("attribute", [b'headerRowCount="0"', b'totalsRowCount="1"'])
def test_a_table_that_is_not_plain_is_left_to_calamine(tmp_path, attribute):
    path = _two_tables(tmp_path / "odd.xlsx", edit=_with_attribute("Second", attribute))
    cut, wb = _cut(path)
    assert sorted(cut) == []  # one plain table left on the sheet: no parse to save
    cut, wb = _cut(_two_tables(tmp_path / "plain.xlsx"))
    assert sorted(cut) == ["First", "Second"]


def test_a_table_whose_header_cells_differ_from_its_column_names_is_left_to_calamine(tmp_path):
    def rename(entries):
        part = next(n for n, data in entries.items() if n.startswith("xl/tables/") and b'"First"' in data)
        entries[part] = entries[part].replace(b'name="Flag"', b'name="Flags"')
        assert b'name="Flags"' in entries[part]

    cut, wb = _cut(_two_tables(tmp_path / "renamed.xlsx", edit=rename))
    assert sorted(cut) == ["Second"]
    assert wb.get_table_by_name("First").columns[-1] == "Flags"


def test_read_blocks_asks_calamine_only_for_the_tables_alone_on_their_sheet(monkeypatch):
    """The Factors sheet's thirteen tables are cut from one parse; calamine reads the other nine itself."""
    import remanxl.workbook.io as io

    asked = []
    real = io._table
    monkeypatch.setattr(io, "_table", lambda wb, name, path: asked.append(name) or real(wb, name, path))
    blocks = read_blocks(SHIPPED[0])
    assert len(asked) == 9 and "GWP" in blocks and "GWP" not in asked


def test_a_table_looked_for_in_another_tables_part_is_left_to_calamine(tmp_path):
    """A map that sends each table to the other's part (the names then differ) cuts nothing."""
    path = _two_tables(tmp_path / "two.xlsx")
    wb = pc.CalamineWorkbook.from_path(str(path), load_tables=True)
    with zipfile.ZipFile(path) as zf:
        sheet_names = {part: name for name, (part, _) in sheet_parts(zf).items()}
        parts = table_parts(zf)
        swapped = {**parts, "first": (parts["first"][0], parts["second"][1]),
                   "second": (parts["second"][0], parts["first"][1])}
        assert cut_tables(wb, zf, ["First", "Second"], swapped, sheet_names) == {}
        assert sorted(cut_tables(wb, zf, ["First", "Second"], parts, sheet_names)) == ["First", "Second"]


def test_read_blocks_gives_the_same_blocks_whether_tables_are_cut_or_read_by_calamine(tmp_path, monkeypatch):
    import remanxl.workbook.io as io

    path = SHIPPED[0]
    cut = read_blocks(path)
    monkeypatch.setattr(io, "_cut_tables", lambda *a: {})
    assert read_blocks(path) == cut


def test_plain_definition_reads_what_calamine_reads():
    xml = (b'<?xml version="1.0"?><x:table xmlns:x="ns" id="1" name="T" displayName="Fuel&amp;Power" '
           b"ref='$B$4:E9' headerRowCount=\"1\"><x:autoFilter ref=\"B4:E9\"/><x:tableColumns count=\"4\">"
           b'<x:tableColumn id="1" name="Key"/><x:tableColumn id="2" name="a &lt;b&gt; &#10;c &#x4E2D;"/>'
           b'<x:tableColumn id="3" name="&quot;q&apos;"></x:tableColumn><x:tableColumn id="4"/>'
           b"</x:tableColumns></x:table>")
    assert plain_definition(xml) == ("Fuel&Power", (4, 1), (8, 4), ["Key", "a <b> \nc 中", "\"q'"])


@pytest.mark.parametrize("xml", [
    b'<table displayName="T" ref="A4:C4"><tableColumns/></table>',  # a header row alone
    b'<table displayName="T" ref="A4"><tableColumns/></table>',  # one cell
    b'<table displayName="T" ref="C4:A9"><tableColumns/></table>',  # columns out of order
    b'<table displayName="T" ref="A4:C9" totalsRowCount="1"><tableColumns/></table>',
    b'<table displayName="T" ref="A4:C9" headerRowCount="2"><tableColumns/></table>',
    b'<table ref="A4:C9"><tableColumns/></table>',  # no name
    b'<table displayName="T" ref="A4:C9"><tableColumn name="&bogus;"/></table>',
    b"<worksheet/>",
])
def test_a_definition_that_is_not_plain_is_refused(xml):
    assert plain_definition(xml) is None


def test_a_column_number_is_its_letters_read_back():
    from remanxl.sheet.block import column_letter, column_number

    for n in (1, 2, 26, 27, 28, 52, 53, 702, 703, 16384):
        assert column_number(column_letter(n)) == n == column_number(column_letter(n).encode())
    assert (column_number("A"), column_number("Z"), column_number(b"AB"), column_number("XFD")) == (1, 26, 28, 16384)

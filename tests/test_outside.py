"""Values typed outside an input table are reported with their address and the fix, never ignored.

The template's tables end where their ``ref`` says; Excel grows a table as a user types under it,
LibreOffice and WPS may not.  A run over a workbook with values below or beside a table refuses,
names every such row, and leaves the file byte-identical; a large ledger inside its table counts.
"""
import hashlib
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

from remanxl import load_example
from remanxl.workbook.io import evaluate_workbook
from remanxl.workbook.outside import outside_values, reaches_outside, sheet_extent
from remanxl.workbook.template import build_template

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("ex") / "example.xlsx", load_example())


def table(start, end):
    return SimpleNamespace(start=start, end=end)


def test_outside_values_finds_cells_below_and_beside_but_not_inside_or_above():
    t = table((4, 0), (6, 2))  # header at 0-based row 3, data rows 4-6, columns A-C
    grid = [["title", "", "", ""],
            ["", "", "", ""],
            ["", "", "", ""],
            ["h1", "h2", "h3", ""],
            [1, 2, 3, ""],
            [1, "", 3, "beside"],
            ["", "", "", "  "],  # a blank-looking cell is blank
            ["", 500.0, "", ""]]
    assert outside_values(grid, (0, 0), t) == ((6, 3, "beside"), (8, 1, 500.0))


def test_sheet_extent_reads_the_dimension_and_decides_whether_to_look_further(example):
    with zipfile.ZipFile(example) as zf:
        names = zf.namelist()
        extents = [sheet_extent(zf, n) for n in names if n.startswith("xl/worksheets/sheet")]
    assert all(e is not None for e in extents)
    assert not reaches_outside((63, 21), table((4, 0), (63, 21)))
    assert reaches_outside((64, 21), table((4, 0), (63, 21)))
    assert reaches_outside((10, 22), table((4, 0), (63, 21)))
    assert reaches_outside(None, table((4, 0), (63, 21)))  # no dimension: read and see


def typed(example, tmp_path, edits):
    wb = openpyxl.load_workbook(example)
    for sheet, cell, value in edits:
        wb[sheet][cell] = value
    path = tmp_path / "typed.xlsx"
    wb.save(path)
    return path


def test_rows_typed_below_each_table_and_beside_it_are_all_reported_and_nothing_is_written(example, tmp_path):
    wb = openpyxl.load_workbook(example)
    edits, expected = [], set()
    for ws in wb.worksheets:
        for t in ws.tables.values():
            if t.name in ("Settings",) or ws.title.startswith(("Factors", "Summary")):
                continue
            last = int(t.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
            edits.append((ws.title, f"D{last + 1}", 500))
            expected.add((ws.title, f"D{last + 1}"))
    assert len(edits) == 8  # every input sheet
    edits.append(("Energy 能源", "Z9", "checked by Li"))
    expected.add(("Energy 能源", "Z9"))
    path = typed(example, tmp_path, edits)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    outcome = evaluate_workbook(path)
    assert not outcome.ok
    found = {(p.sheet, p.cell) for p in outcome.problems}
    assert expected <= found
    zh = [p.render("zh") for p in outcome.problems if (p.sheet, p.cell) in expected]
    assert all("表外的数据不会计入" in text for text in zh)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # a refused run writes nothing


def test_a_row_below_is_reported_together_with_every_other_problem(example, tmp_path):
    path = typed(example, tmp_path, [("Energy 能源", "D65", 500), ("Energy 能源", "D5", -3),
                                     ("Energy 能源", "E6", "kwhh"), ("Parts 零件清单", "B305", "extra")])
    outcome = evaluate_workbook(path, write=False)
    cells = {(p.sheet, p.cell) for p in outcome.problems}
    assert {("Energy 能源", "D65"), ("Energy 能源", "D5"), ("Energy 能源", "E6"), ("Parts 零件清单", "B305")} <= cells


def test_twenty_thousand_ledger_rows_inside_the_table_are_all_counted(tmp_path):
    sys.path.insert(0, str(BENCH))
    try:
        import generate
    finally:
        sys.path.remove(str(BENCH))
    path = generate.large_workbook(20_000, 200, out=tmp_path)
    outcome = evaluate_workbook(path, write=False)
    assert outcome.ok, outcome.problems[:3]
    from remanxl import evaluate

    direct = evaluate(generate.plant_input(parts=20_000, inventory=200))  # the same rows, straight to the core
    assert outcome.evaluation.breakdowns["parts"] == direct.breakdowns["parts"]
    assert direct.breakdowns["parts"]["removed"]["count"] >= 20_000  # every row holds at least one part

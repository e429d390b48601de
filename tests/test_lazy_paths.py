"""What a command does not need, it does not load; and the roll-up written without openpyxl reads back.

(Speed itself is measured in benchmarks/, never asserted here: these tests only check which modules a
command loads and that what it writes is right.)
"""
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from remanxl import cli
from remanxl.method.indicators import SYMBOLS
from remanxl.workbook import batch

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "templates" / "remanxl_example.xlsx"


def _loaded_by(args: list[str], tmp_path: Path) -> set[str]:
    """The modules loaded by ``remanxl ARGS`` in a fresh interpreter (its exit code must be 0)."""
    code = ("import io, json, sys, contextlib\nfrom remanxl.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            f"    rc = main({args!r})\n"
            "print(json.dumps([rc, sorted(sys.modules)]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rc, modules = json.loads(proc.stdout.strip().splitlines()[-1])
    assert rc == 0
    return set(modules)


def test_one_workbook_loads_neither_openpyxl_nor_the_batch(tmp_path):
    book = tmp_path / "book.xlsx"
    book.write_bytes(EXAMPLE.read_bytes())
    loaded = _loaded_by(["evaluate", str(book), "-o", str(tmp_path / "out.xlsx")], tmp_path)
    assert "remanxl.workbook.xlsxpatch" in loaded  # it did write the summary
    assert not {"openpyxl", "remanxl.workbook.batch", "tqdm", "xlwings"} & loaded


def test_a_folder_of_one_workbook_writes_its_rollup_without_openpyxl(tmp_path):
    """A portfolio of one product says nothing its Dashboard does not: the roll-up of one workbook is its
    Roll-up sheet, written directly; neither openpyxl nor the progress bar's tqdm is loaded."""
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "book.xlsx").write_bytes(EXAMPLE.read_bytes())
    loaded = _loaded_by(["evaluate", str(folder)], tmp_path)
    assert "remanxl.workbook.batch" in loaded and not {"openpyxl", "tqdm"} & loaded
    assert batch.is_rollup(folder / "remanxl_rollup.xlsx")
    wb = load_workbook(folder / "remanxl_rollup.xlsx")
    assert wb.sheetnames == ["Roll-up 汇总"] and wb.properties.title == batch.ROLLUP_TITLE
    ws = wb["Roll-up 汇总"]
    assert [c.value for c in ws[1]] == batch.ROLLUP_HEADERS
    assert ws["A2"].value == "book.xlsx" and ws["D2"].value == "valid"


def test_a_folder_of_two_workbooks_has_its_portfolio_first(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    for name in ("a.xlsx", "b.xlsx"):
        (folder / name).write_bytes(EXAMPLE.read_bytes())
    loaded = _loaded_by(["evaluate", str(folder)], tmp_path)
    assert "openpyxl" in loaded
    wb = load_workbook(folder / "remanxl_rollup.xlsx")
    assert wb.sheetnames == ["Portfolio 产品组合", "Roll-up 汇总"]


_ROWS = [batch.BatchRow("a & <b>.xlsx", True, "Engine \"X\"", " M1 ", True, {s: i / 7 for i, s in enumerate(SYMBOLS)}, 2),
         batch.BatchRow("c.xlsx", False, errors=["Unit: kWh? / 单位", "=second"]),
         batch.BatchRow("d.xlsx", True, "P", "", False, {s: (None if s == "SE" else math.inf) for s in SYMBOLS}, 0,
                        ["invalid"])]


@pytest.mark.parametrize("rows", [_ROWS] + [[r] for r in _ROWS], ids=["three (openpyxl)", "one", "one failed", "one inf"])
def test_rollup_reads_back_with_formats_and_table(tmp_path, rows):
    batch.write_rollup(rows, tmp_path / "r.csv", tmp_path / "r.xlsx")
    assert batch.is_rollup(tmp_path / "r.xlsx")
    wb = load_workbook(tmp_path / "r.xlsx")
    ws = wb["Roll-up 汇总"]
    assert ws.freeze_panes == "B2" and ws.sheet_view.pane.state == "frozen"
    expected = batch.rollup_rows(rows)
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_col=len(batch.ROLLUP_HEADERS))]
    for want, have in zip(expected, got):
        for w, h in zip(want, have):
            if isinstance(w, float) and not math.isfinite(w):
                assert h == "#NUM!"
            else:
                if isinstance(w, float):  # openpyxl writes 16 significant digits
                    assert h == pytest.approx(w, rel=1e-15), (w, h)
                else:
                    assert h == (None if w in ("", None) else w), (w, h)
    assert len(got) == len(expected)
    first_rate = 5  # column E: the first indicator
    last = len(rows) + 1
    assert all(ws.cell(r, c).number_format == "0.00%" for r in range(2, last + 1)
               for c in range(first_rate, first_rate + 14))
    assert ws.cell(2, 1).number_format == "General" and ws.cell(2, first_rate + 14).number_format == "General"
    assert ws.column_dimensions["A"].width == ws.column_dimensions["B"].width == 30
    table = ws.tables["Rollup"]
    assert table.ref == f"A1:{ws.cell(1, len(batch.ROLLUP_HEADERS)).column_letter}{last}"
    assert [c.name for c in table.tableColumns] == batch.ROLLUP_HEADERS


def test_a_rollup_of_one_keeps_odd_characters_as_text(tmp_path):
    """Text from a file name or a message that XML cannot hold (a control character, an undecodable byte
    of a file name) is shown as U+FFFD; the workbook still opens and every other character is kept."""
    row = batch.BatchRow("bad\udcff\x01name.xlsx", False, errors=["tab\tand\x0bvt"])
    batch.write_rollup([row], tmp_path / "r.csv", tmp_path / "r.xlsx")
    ws = load_workbook(tmp_path / "r.xlsx")["Roll-up 汇总"]
    assert ws["A2"].value == "bad\ufffd\ufffdname.xlsx"
    assert "tab\tand\ufffdvt" in [c.value for c in ws[2]]


def test_an_empty_rollup_has_headers_only(tmp_path):
    batch.write_rollup([], tmp_path / "r.csv", tmp_path / "r.xlsx")
    ws = load_workbook(tmp_path / "r.xlsx")["Roll-up 汇总"]
    assert ws.max_row == 1 and [c.value for c in ws[1]] == batch.ROLLUP_HEADERS and not ws.tables


def test_the_command_line_knows_the_batch_suffixes():
    assert cli.WORKBOOK_SUFFIXES == batch.WORKBOOK_SUFFIXES


@pytest.mark.parametrize("module", ["remanxl.udfs", "remanxl.excel.macros"])
def test_excel_entry_points_do_not_load_openpyxl(module):
    proc = subprocess.run([sys.executable, "-c", f"import sys, {module}; print('openpyxl' in sys.modules)"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "False"

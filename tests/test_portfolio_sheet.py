"""The batch roll-up's Portfolio sheet: one row per product, sortable, with a chart; user text stays text."""
import zipfile

import pytest
from openpyxl import load_workbook

from remanxl import evaluate, load_example
from remanxl.cli import main
from remanxl.method.indicators import SYMBOLS
from remanxl.method.inputs import EvaluationInput
from remanxl.workbook.portfolio import FIRST_RATE_COL, HEADERS, PORTFOLIO_SHEET
from spec_vectors import t4_input
from workbook_fixtures import vector_workbook


@pytest.fixture(scope="module")
def rollup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portfolio")
    vector_workbook(folder / "a_t4.xlsx", t4_input())
    example = load_example().to_dict()
    for i, product in enumerate(["Engine A", '=HYPERLINK("http://x","y")']):
        example["settings"]["product"] = product
        vector_workbook(folder / f"b{i}.xlsx", example)
    assert main(["evaluate", str(folder), "--no-progress"]) == 0
    return folder / "remanxl_rollup.xlsx"


def test_portfolio_comes_first_with_a_row_per_product_and_the_cores_figures(rollup):
    wb = load_workbook(rollup)
    assert wb.sheetnames[0] == PORTFOLIO_SHEET and wb.active.title == PORTFOLIO_SHEET
    ws = wb[PORTFOLIO_SHEET]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == HEADERS[0])
    assert [ws.cell(header, j).value for j in range(1, len(HEADERS) + 1)] == HEADERS
    rows = {ws.cell(r, 1).value: r for r in range(header + 1, header + 4)}
    assert set(rows) == {"a_t4.xlsx", "b0.xlsx", "b1.xlsx"}
    ev = evaluate(load_example())
    r = rows["b0.xlsx"]
    assert ws.cell(r, 2).value == "Engine A" and ws.cell(r, 4).value == "yes 是"
    assert ws.cell(r, 5).value == pytest.approx(ev.provenance["share_estimated"])
    assert ws.cell(r, 6).value == len(ev.warnings) + sum(len(ev[s].warnings) for s in SYMBOLS)
    for k, symbol in enumerate(SYMBOLS):
        assert ws.cell(r, FIRST_RATE_COL + k).value == pytest.approx(ev[symbol].value), symbol
    t4 = evaluate(EvaluationInput.from_dict(t4_input()))
    se = ws.cell(rows["a_t4.xlsx"], FIRST_RATE_COL + SYMBOLS.index("SE")).value
    assert se == (pytest.approx(t4["SE"].value) if t4["SE"].value is not None else "n/a")
    assert "Portfolio" in ws.tables and len(ws._charts) == 1
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows


def test_a_product_name_that_looks_like_a_formula_is_written_as_text(rollup):
    with zipfile.ZipFile(rollup) as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
    portfolio = load_workbook(rollup)[PORTFOLIO_SHEET]
    cells = [c for row in portfolio.iter_rows() for c in row if c.value == '=HYPERLINK("http://x","y")']
    assert cells and all(c.data_type == "s" for c in cells)
    assert b"<f>HYPERLINK" not in xml.split(b"</worksheet>")[0]  # the Portfolio sheet holds no formula

"""Nothing injected: every text that came from a user is written as text in every output remanxl writes
(the Summary, a live workbook through xlwings, the roll-up workbook and CSV, the report, JSON)."""
import csv
import json
import re
import zipfile

import pytest

from remanxl.cli import main
from remanxl.sheet.layout import SUMMARY_SHEET
from remanxl.workbook.batch import csv_safe
from remanxl.workbook.xlsxpatch import sheet_parts
from spec_vectors import t4_input
from workbook_fixtures import vector_workbook

PRODUCT = "=cmd|' /C calc'!A0"
MODEL = '=HYPERLINK("http://example.invalid/x","click")'
HOSTILE_NAME = "+SUM(1,1)"  # a file name a spreadsheet would take for a formula


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("inject")
    inp = t4_input()
    inp["settings"].update(product=PRODUCT, model=MODEL, remanufacturer="<script>alert(1)</script>")
    vector_workbook(d / f"{HOSTILE_NAME}.xlsx", inp)
    (d / "@broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")  # its error row quotes its name
    return d


@pytest.fixture(scope="module")
def rolled_up(folder):
    assert main(["evaluate", str(folder), "--no-progress"]) == 1  # the broken one fails, the other is written
    return folder


def _xml_of_sheet(path, name):
    with zipfile.ZipFile(path) as zf:
        return zf.read(sheet_parts(zf)[name][0]).decode()


def test_the_template_stores_typed_words_as_text(folder):
    xml = _xml_of_sheet(folder / f"{HOSTILE_NAME}.xlsx", "Settings 设置")
    assert "cmd|" not in "".join(re.findall(r"<f>(.*?)</f>", xml))
    from remanxl.workbook.io import evaluate_workbook

    outcome = evaluate_workbook(folder / f"{HOSTILE_NAME}.xlsx", write=False)
    assert outcome.ok and outcome.evaluation.settings.product == PRODUCT  # read back as the same text


def test_rollup_workbook_holds_text_not_formulas(rolled_up):
    path = rolled_up / "remanxl_rollup.xlsx"
    with zipfile.ZipFile(path) as zf:
        sheets = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 2  # the Portfolio and the Roll-up
    assert all("<f>" not in sheet and "<f " not in sheet for sheet in sheets)  # not one formula anywhere
    from openpyxl import load_workbook

    wb = load_workbook(path)
    texts = {c.value for row in wb["Roll-up 汇总"].iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    assert {PRODUCT, MODEL, f"{HOSTILE_NAME}.xlsx", "@broken.xlsx"} <= texts
    portfolio = {c.value for row in wb["Portfolio 产品组合"].iter_rows() for c in row if isinstance(c.value, str)}
    assert {PRODUCT, MODEL, f"{HOSTILE_NAME}.xlsx"} <= portfolio  # the evaluated products, as text


def test_rollup_csv_neutralises_every_formula_leading_cell(rolled_up):
    with open(rolled_up / "remanxl_rollup.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    cells = [c for row in rows[1:] for c in row]
    assert "'" + PRODUCT in cells and "'" + MODEL in cells and f"'{HOSTILE_NAME}.xlsx" in cells
    assert "'@broken.xlsx" in cells
    leading = [c for c in cells if c.lstrip(" ").startswith(("=", "+", "@", "\t", "\r"))
               or (c.startswith("-") and not re.fullmatch(r"-[0-9.e+-]+", c))]
    assert not leading, leading  # only negative numbers may start with "-"


@pytest.mark.parametrize("text, written", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-A1", "'-A1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("  =1", "'  =1"), ("＝1", "'＝1"), ("engine", "engine"), (-0.25, -0.25), (None, None)])
def test_csv_safe_follows_owasp(text, written):
    assert csv_safe(text) == written


def test_summary_writes_the_users_words_as_inline_text(rolled_up):
    xml = _xml_of_sheet(rolled_up / f"{HOSTILE_NAME}.xlsx", SUMMARY_SHEET)
    formulas = " ".join(re.findall(r"<f>(.*?)</f>", xml))
    assert "cmd|" not in formulas and "HYPERLINK" not in formulas and "example.invalid" not in formulas
    assert re.search(r't="inlineStr"><is><t[^>]*>[^<]*=cmd\|', xml)  # shown, as text


def test_json_output_carries_the_words_as_data(rolled_up, capsys):
    main(["evaluate", str(rolled_up / f"{HOSTILE_NAME}.xlsx"), "--dry-run", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert out["settings"]["product"] == PRODUCT and out["settings"]["model"] == MODEL


def test_report_escapes_the_users_words(rolled_up, tmp_path):
    html_path = tmp_path / "r.html"
    assert main(["report", str(rolled_up / f"{HOSTILE_NAME}.xlsx"), "-o", str(html_path)]) == 0
    html = html_path.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<a href=\"http://example.invalid" not in html


def test_a_live_workbook_gets_the_users_words_as_text(tmp_path):
    """The xlwings writer (Summary and Validation sheets) writes every text with Excel's text prefix."""
    from remanxl.excel.xlwings_book import XlwingsWorkbook
    from remanxl.sheet.engine import recompute
    from remanxl.sheet.layout import VALIDATION_SHEET
    from test_xlwings_book import FakeBook

    inp = t4_input()
    inp["settings"]["product"] = PRODUCT
    inp["water"][0]["unit"] = "=HYPERLINK(\"http://example.invalid\")"  # an error that quotes the user's text
    book = FakeBook(vector_workbook(tmp_path / "live.xlsx", inp))
    assert not recompute(XlwingsWorkbook(book)).ok
    (write,) = book.log.of("write", VALIDATION_SHEET)
    texts = [c for row in write[4][1:] for c in row if c]
    assert texts and all(c.startswith("'") for c in texts), texts
    assert any("example.invalid" in c for c in texts)
    del inp["water"][0]["unit"]
    inp["water"][0]["unit"] = "m3"
    book = FakeBook(vector_workbook(tmp_path / "live2.xlsx", inp))
    assert recompute(XlwingsWorkbook(book)).ok
    (write,) = book.log.of("write", SUMMARY_SHEET)
    cells = [c for row in write[4] for c in row if isinstance(c, str)]
    product_cells = [c for c in cells if "cmd|" in c]
    assert product_cells and all(c.startswith("'") for c in product_cells)


def test_the_one_writer_of_cells_into_a_file_writes_text_as_text():
    """Every sheet remanxl rewrites in a file (the Summary, and the cells other sheets read from it) goes
    through one cell writer: a text is an inline string there, whatever it starts with."""
    from remanxl.sheet.summary import Formula, SummaryModel
    from remanxl.workbook.xlsxpatch import render_sheet_data

    m = SummaryModel()
    for col, text in enumerate((PRODUCT, MODEL, "+1", "@x", "-2", "#N/A", " =1")):
        m.put(1, col, text)
    m.put(2, 0, Formula("SUM(1,2)", 3.0))
    _, _, data, _ = render_sheet_data(m, {})
    assert data.count("<f>") == 1 and "<f>SUM(1,2)</f>" in data  # remanxl's own formula only
    assert data.count('t="inlineStr"') == 7

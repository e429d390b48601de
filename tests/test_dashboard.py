"""The Dashboard, the workbook without the add-in, and what File › Print gives.

* each chart of the Dashboard, element by element (axes kept, fixed scale, group colour, labels);
* LibreOffice recalculating the Dashboard from the inputs: its values are the core's;
* the template, the example and a recomputed workbook opened where no ``REMAN_*`` function exists
  (WPS, Mac Excel, LibreOffice, a colleague without the add-in): not one error value a user sees;
* the example printed by LibreOffice: the Dashboard on one page, the whole workbook in the pages a
  person expects.
"""
import math
import re
import shutil
import subprocess
import zipfile

import pytest
from openpyxl.utils import get_column_letter

from remanxl import evaluate, load_example
from remanxl.method.indicators import GROUPS, INDICATORS
from remanxl.method.inputs import EvaluationInput
from remanxl.sheet.layout import DASHBOARD_SHEET, SUMMARY_COL, SUMMARY_SHEET
from remanxl.workbook.dashboard import FIRST_ROW, GROUP_COLOURS
from remanxl.workbook.io import evaluate_workbook
from remanxl.workbook.template import build_template
from spec_vectors import t4_input, t5_input
from workbook_fixtures import vector_workbook

ERRORS = ("#NAME?", "#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NUM!", "#NULL!", "Err:")


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("dash") / "example.xlsx", load_example())


def charts(path) -> list[str]:
    """Each chart part, normalised: no namespace prefix of the chart schema, no space before "/>"."""
    with zipfile.ZipFile(path) as zf:
        xml = [zf.read(n).decode() for n in sorted(zf.namelist()) if n.startswith("xl/charts/chart")]
    return [re.sub(r"\s+/>", "/>", re.sub(r"<(/?)c:", r"<\1", x)) for x in xml]


def dashboard_rows():
    """sheet row of each indicator on the Dashboard (a heading row before each group)."""
    rows, row, group = {}, FIRST_ROW, None
    for info in INDICATORS:
        if info.group != group:
            group, row = info.group, row + 1
        rows[info.symbol] = row
        row += 1
    return rows


def test_one_chart_per_group_with_its_colour_labels_and_a_fixed_scale_that_shows_negative_savings(example):
    xml = charts(example)
    assert len(xml) == 3
    for chart, (group, (en, _)) in zip(xml, GROUPS.items()):
        assert en in chart  # its title
        assert f'<a:srgbClr val="{GROUP_COLOURS[group]}"' in chart
        assert chart.count('<delete val="0"/>') == 2  # both axes kept visible in every Excel build
        assert '<min val="-0.25"/>' in chart and '<max val="1.2"/>' in chart
        assert '<showVal val="1"/>' in chart and 'formatCode="0%"' in chart
        assert "<cat><strRef>" in chart  # the symbols are text
        assert "<a:r>" not in chart.split("<title>")[1].split("</title>")[1]  # no empty runs in text properties
        assert f"'{SUMMARY_SHEET}'!${get_column_letter(SUMMARY_COL['chart'] + 1)}$" in chart
        symbols = [i.symbol for i in INDICATORS if i.group == group]
        rows = re.findall(r"<f>'[^']+'!\$[A-Z]+\$(\d+):\$[A-Z]+\$(\d+)</f>", chart)
        assert rows and int(rows[0][1]) - int(rows[0][0]) + 1 == len(symbols)




def without_addin(src, dst):
    """A copy in which no REMAN_* function exists: what a spreadsheet without the add-in computes."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"REMAN_", b"NOADDIN_")
            zout.writestr(info, data)
    return dst


def error_cells(cells: dict) -> list[tuple[str, str, object]]:
    return [(sheet, ref, v) for sheet, sheet_cells in cells.items() for ref, v in sheet_cells.items()
            if isinstance(v, str) and v.startswith(ERRORS)]


@pytest.mark.libreoffice
@pytest.mark.parametrize("which", ["template", "example", "recomputed T4"])
def test_no_error_value_anywhere_without_the_addin(lo, tmp_path, which):
    if which == "template":
        path = build_template(tmp_path / "t.xlsx")
    elif which == "example":
        path = build_template(tmp_path / "e.xlsx", load_example())
    else:
        path = vector_workbook(tmp_path / "t4.xlsx", t4_input())
        assert evaluate_workbook(path).ok
    cells = lo.recalculate(without_addin(path, tmp_path / "no-addin.xlsx"))
    chart = get_column_letter(SUMMARY_COL["chart"] + 1)
    seen = [(s, ref, v) for s, ref, v in error_cells(cells)
            if not (s == SUMMARY_SHEET and re.fullmatch(rf"{chart}\d+", ref) and v == "#N/A")]
    assert not seen, seen[:10]  # only the folded chart column holds #N/A, so no chart shows an undefined rate
    live = [v for v in cells[SUMMARY_SHEET].values() if isinstance(v, str) and "needs the remanxl add-in" in v]
    assert len(live) == len(INDICATORS)  # the live column says in words what it needs
    if which == "template":
        dash = cells[DASHBOARD_SHEET]
        assert dash["A4"].startswith("No data yet")
        assert all(dash[f"C{row}"] == "n/a" and isinstance(dash[f"E{row}"], str) for row in dashboard_rows().values())


@pytest.mark.libreoffice
@pytest.mark.parametrize("inp", [load_example().to_dict(), t4_input(), t5_input()], ids=["example", "T4", "T5"])
def test_dashboard_values_are_the_cores_recalculated_natively(lo, tmp_path, inp):
    path = vector_workbook(tmp_path / "book.xlsx", inp)
    outcome = evaluate_workbook(path)
    assert outcome.ok
    ev = evaluate(EvaluationInput.from_dict(inp))
    dash = lo.recalculate(path)[DASHBOARD_SHEET]
    for symbol, row in dashboard_rows().items():
        got, want = dash[f"C{row}"], ev[symbol].value
        if want is None:
            assert got == "n/a", symbol
        else:
            assert isinstance(got, float) and math.isclose(got, want, rel_tol=1e-9), (symbol, got, want)
    badge = dash["A4"]
    assert badge.startswith("Valid evaluation" if ev.valid else "INVALID")
    assert dash["A5"].startswith("Audit current")
    assert not error_cells({DASHBOARD_SHEET: dash})


@pytest.mark.libreoffice
def test_the_example_prints_in_the_pages_a_person_expects(example, tmp_path, lo):
    """LibreOffice prints the example: the Dashboard alone on page 2, each sheet starting on its own page,
    no page of empty table rows; the whole workbook in under 30 pages (it was 195)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile}", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), str(example)], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "example.pdf"
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                text=True, check=True).stdout).group(1))
    assert pages < 30
    first_lines = []
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        first_lines.append(next(line for line in text.splitlines() if line.strip()).split()[0])
    assert first_lines[1] == "Dashboard" and first_lines[2] != "Dashboard"  # one page
    assert first_lines.count("Energy") == 1  # the example's few energy rows: one page, not the table's 60


def test_uncertainty_bands_are_written_for_the_dashboards_error_bars_and_only_then(tmp_path):
    pytest.importorskip("numpy")
    from openpyxl import load_workbook

    from remanxl.cli import main
    from remanxl.sheet.layout import SUMMARY_FIRST_ROW

    plain = build_template(tmp_path / "plain.xlsx", load_example())
    banded = build_template(tmp_path / "banded.xlsx", load_example())
    assert main(["evaluate", str(plain)]) == 0
    assert main(["evaluate", str(banded), "--uncertainty", "2000", "--seed", "5", "--format", "json"]) == 0
    minus, plus = (get_column_letter(SUMMARY_COL[k] + 1) for k in ("band_minus", "band_plus"))
    for path, expect in ((plain, False), (banded, True)):
        ws = load_workbook(path)[SUMMARY_SHEET]
        se = SUMMARY_FIRST_ROW + [i.symbol for i in INDICATORS].index("SE")
        arms = ws[f"{minus}{se}"].value, ws[f"{plus}{se}"].value
        if expect:
            assert all(isinstance(a, float) and 0 <= a < 0.2 for a in arms)
        else:
            assert arms == (None, None) or arms == ("", "")
    for chart in charts(banded):
        assert '<errValType val="cust"/>' in chart and "<plus>" in chart and "<minus>" in chart

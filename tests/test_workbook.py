"""The workbook path end to end: vectors in a template → remanxl evaluate → summary read back
independently (openpyxl, not remanxl's own reader); preservation of everything else; failed runs
leave the file byte-identical."""
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from remanxl.cli import main
from remanxl.method.indicators import SYMBOLS
from remanxl.workbook.io import evaluate_workbook
from remanxl.sheet.layout import SUMMARY_COL, SUMMARY_FIRST_ROW, SUMMARY_SHEET
from remanxl.workbook.io import read_blocks
from remanxl.sheet.reader import read_tables
from remanxl.workbook.xlsxpatch import sheet_parts
from spec_vectors import t1_input, t2_input, t3_input, t4_input, t5_input, vector
from workbook_fixtures import (FAR_ROW, busy_workbook, child_processes, parts, replaced, rewrite_zip, table_sheet_parts,
                               vector_workbook)

TOL = 1e-4
EXAMPLE = Path(__file__).resolve().parents[1] / "templates" / "remanxl_example.xlsx"


def summary_values(path):
    """{symbol: (value, numerator, denominator)} from the Summary sheet, read with openpyxl."""
    ws = load_workbook(path, data_only=True)[SUMMARY_SHEET]
    out = {}
    for k in range(len(SYMBOLS)):
        row = SUMMARY_FIRST_ROW + k
        sym = ws.cell(row, SUMMARY_COL["symbol"] + 1).value
        out[sym] = tuple(ws.cell(row, SUMMARY_COL[c] + 1).value for c in ("value", "numerator", "denominator"))
    return out


VECTOR_CASES = {
    "T1": (t1_input(), {"SE": vector("T1")["expected"]["SE"]}),
    "T1-equal": (t1_input(True), {"SE": vector("T1")["variant_equal_value"]["expected"]["SE"]}),
    "T2": (t2_input(), {"RGHG": vector("T2")["expected"]["RGHG"]}),
    "T3": (t3_input(), {"RAP": vector("T3")["expected"]["RAP"]}),
    "T3-mass": (t3_input("mass"), {"RAP": vector("T3")["expected"]["RAP_mass_basis"]}),
    "T4": (t4_input(), {"SW": vector("T4")["expected"]["SW"], "REF": vector("T4")["expected"]["REF_volume"],
                        "RSW": vector("T4")["expected"]["RSW"], "SM": vector("T4")["expected"]["SM"]}),
    "T4-pe": (t4_input("pollution_equivalent"), {"REF": vector("T4")["expected"]["REF_pollution_equivalent"]}),
    "T5": (t5_input(), {"RR": vector("T5")["expected"]["RR_mass"], "RRP": vector("T5")["expected"]["RRP_mass"],
                        "RUP": vector("T5")["expected"]["RUP_mass"], "RND": vector("T5")["expected"]["RND_count"],
                        "RNR": vector("T5")["expected"]["RNR_mass"], "RDH": vector("T5")["expected"]["RDH_mass"]}),
    "T5-count": (t5_input(basis_rrp="count", rnd_exclude_consumables=True),
                 {"RRP": vector("T5")["expected"]["RRP_count"],
                  "RND": vector("T5")["expected"]["RND_count_excluding_consumables"]}),
}


@pytest.mark.parametrize("case", list(VECTOR_CASES))
def test_vectors_through_the_workbook(tmp_path, case, capsys):
    inp, expected = VECTOR_CASES[case]
    path = vector_workbook(tmp_path / f"{case}.xlsx", inp)
    assert main(["evaluate", str(path)]) == 0
    capsys.readouterr()
    got = summary_values(path)
    for symbol, value in expected.items():
        assert got[symbol][0] == pytest.approx(value, abs=TOL), symbol
    assert main(["evaluate", str(path), "--format", "json", "--dry-run"]) == 0
    out = json.loads(capsys.readouterr().out)
    for symbol, value in expected.items():
        assert out["indicators"][symbol]["value"] == pytest.approx(value, abs=TOL)


def test_reader_recovers_the_typed_rows(tmp_path):
    inp = t5_input()
    data = read_tables(read_blocks(vector_workbook(tmp_path / "t5.xlsx", inp))).inputs
    assert len(data.tables["parts"]) == len(inp["parts"])
    first = data.tables["parts"][0]
    assert first["name"] == "Cylinder block" and first["quantity"] == 1 and first["fate"] == "remanufactured"
    assert data.settings["functional_unit_quantity"] == 1


def canonical_parts(path) -> dict:
    """A workbook's parts, each XML part as its canonical form (C14N 2.0), anything else as bytes.

    openpyxl writes the same content as other bytes depending on whether lxml is installed (attribute
    quoting, empty elements, where namespaces are declared); canonical XML is the same either way.
    """
    from xml.etree.ElementTree import canonicalize

    out = {}
    for name, data in parts(path).items():
        xml = data.lstrip().startswith(b"<")
        out[name] = canonicalize(data.decode("utf-8")) if xml else data
    return out


def first_difference(got: dict, want: dict) -> str | None:
    """The first part that differs, with a short excerpt of both (pytest's diff of two large dicts of
    bytes can take many minutes)."""
    if list(got) != list(want):
        return f"parts differ: {sorted(set(got) ^ set(want)) or 'same parts, another order'}"
    for name in got:
        a, b = got[name], want[name]
        if a != b:
            at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            return (f"{name} differs at character {at}:\n  built:     {a[max(0, at - 80):at + 80]!r}\n"
                    f"  committed: {b[max(0, at - 80):at + 80]!r}")
    return None


@pytest.mark.parametrize("example", [False, True], ids=["template", "example"])
def test_template_is_the_committed_one(tmp_path, example):
    """Regenerate the committed files with: remanxl template --force templates/remanxl_template.xlsx
    and remanxl template --example --force templates/remanxl_example.xlsx"""
    from remanxl import load_example
    from remanxl.workbook.template import build_template

    name = "remanxl_example.xlsx" if example else "remanxl_template.xlsx"
    built = build_template(tmp_path / name, load_example() if example else None)
    committed = Path(__file__).resolve().parents[1] / "templates" / name
    difference = first_difference(canonical_parts(built), canonical_parts(committed))
    if difference:
        pytest.fail(difference, pytrace=False)


def test_template_structure_read_back_with_openpyxl():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "templates" / "remanxl_template.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames[:3] == ["Guide 说明", "Dashboard 总览", "Settings 设置"]
    assert SUMMARY_SHEET in wb.sheetnames and "Factors 系数" in wb.sheetnames
    assert wb.active.title == "Guide 说明"
    energy = wb["Energy 能源"]
    assert "Energy" in energy.tables
    assert energy.freeze_panes == "B5"
    assert not energy.protection.sheet  # unprotected: Excel grows a table when a row is typed below it
    assert energy["A5"].style == "rx input"
    table = energy.tables["Energy"]
    kgce = next(c for c in table.tableColumns if c.name == "kgce 折标煤")
    assert kgce.calculatedColumnFormula.attr_text.startswith("IFERROR(")  # filled into new rows by Excel
    side = next(dv for dv in energy.data_validations.dataValidation if "A5" in str(dv.sqref))
    assert side.formula1 == "rx_words_side" and side.showErrorMessage and side.errorStyle == "stop"
    unit = next(dv for dv in energy.data_validations.dataValidation if "E5" in str(dv.sqref))
    assert unit.formula1 == "rx_words_unit" and unit.showErrorMessage and unit.errorStyle == "warning"
    assert energy.conditional_formatting  # rows that cannot be read turn red
    styles = {s if isinstance(s, str) else s.name for s in wb.named_styles}
    assert {"rx input", "rx computed", "rx percent"} <= styles
    summary = wb[SUMMARY_SHEET]
    assert summary.protection.sheet
    assert not summary._charts and summary.freeze_panes is None  # details only: its header never hangs over others
    dashboard = wb["Dashboard 总览"]
    assert len(dashboard._charts) == 3  # one per Class I group
    assert dashboard.page_setup.orientation == "landscape" and dashboard.page_setup.fitToHeight == 1
    assert summary.cell(SUMMARY_FIRST_ROW, SUMMARY_COL["value"] + 1).number_format == "0.00%"
    assert "rx_functional_unit_quantity" in wb.defined_names


@pytest.mark.parametrize("macro", [False, True], ids=["xlsx", "xlsm"])
def test_recompute_changes_only_the_summary(tmp_path, macro):
    path = busy_workbook(tmp_path / ("busy.xlsm" if macro else "busy.xlsx"), t4_input(), macro)
    before = parts(path)
    outcome = evaluate_workbook(path)
    assert outcome.ok, outcome.problems
    after = parts(path)
    with zipfile.ZipFile(path) as zf:
        summary_part = sheet_parts(zf)[SUMMARY_SHEET][0]
    assert set(before) == set(after)
    changed = [p for p in before if before[p] != after[p]]
    assert changed == [summary_part]
    assert summary_values(path)["SW"][0] == pytest.approx(vector("T4")["expected"]["SW"], abs=TOL)
    if macro:
        assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    # a second recompute touches the summary only, again
    evaluate_workbook(path)
    again = parts(path)
    assert [p for p in again if again[p] != after[p]] in ([], [summary_part])


def test_bad_input_leaves_the_file_byte_identical(tmp_path, capsys):
    inp = t4_input()
    inp["water"][0]["unit"] = "kWh"
    inp["water"][1]["quantity"] = -3
    path = vector_workbook(tmp_path / "bad.xlsx", inp)
    before = path.read_bytes()
    assert main(["evaluate", str(path)]) == 1
    err = capsys.readouterr().err
    assert path.read_bytes() == before
    assert "sheet 'Water 水', row 5, column E (Unit 单位)" in err and "energy unit" in err
    assert "sheet 'Water 水', row 6, column D (Quantity 数量)" in err and "≥ 0" in err
    assert "nothing was written" in err


def test_output_option_leaves_the_input_alone(tmp_path):
    path = vector_workbook(tmp_path / "in.xlsx", t4_input())
    before = path.read_bytes()
    assert main(["evaluate", str(path), "-o", str(tmp_path / "out.xlsx")]) == 0
    assert path.read_bytes() == before
    assert summary_values(tmp_path / "out.xlsx")["SW"][0] == pytest.approx(vector("T4")["expected"]["SW"], abs=TOL)


def test_settings_error_points_at_the_settings_cell(tmp_path, capsys):
    inp = t4_input()
    inp["settings"]["gwp_set"] = "AR9"
    path = vector_workbook(tmp_path / "s.xlsx", inp)
    assert main(["evaluate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "sheet 'Settings 设置', row" in err and "column C (gwp_set)" in err


def test_batch_over_a_folder_with_a_broken_workbook(tmp_path, capsys):
    folder = tmp_path / "plant"
    folder.mkdir()
    vector_workbook(folder / "a.xlsx", t4_input())
    vector_workbook(folder / "b.xlsx", t5_input())
    bad = t4_input()
    bad["water"][0]["unit"] = "kWh"
    vector_workbook(folder / "c_bad_input.xlsx", bad)
    (folder / "d_not_a_workbook.xlsx").write_text("hello")
    assert main(["evaluate", str(folder), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "2 of 4 workbook(s) evaluated" in err
    assert "c_bad_input.xlsx" in err and "d_not_a_workbook.xlsx" in err and "not a zip" in err
    import csv

    with open(folder / "remanxl_rollup.csv", encoding="utf-8-sig") as fh:
        rows = {r["file"]: r for r in csv.DictReader(fh)}
    assert float(rows["a.xlsx"]["SW"]) == pytest.approx(vector("T4")["expected"]["SW"], abs=TOL)
    assert rows["c_bad_input.xlsx"]["status"] == "error" and "Unit" in rows["c_bad_input.xlsx"]["errors"]
    wb = load_workbook(folder / "remanxl_rollup.xlsx")
    assert wb["Roll-up 汇总"].max_row == 5  # a header and every workbook, broken ones included


def test_bundled_example_is_the_default(capsys):
    assert main(["evaluate"]) == 0
    out = capsys.readouterr().out
    assert "Bundled example workbook" in out and "RNR" in out


def test_template_command(tmp_path, capsys):
    assert main(["template", str(tmp_path / "t.xlsx")]) == 0
    assert main(["template", str(tmp_path / "t.xlsx")]) == 1  # never overwrites without --force
    assert "exists" in capsys.readouterr().err
    shutil.copy(tmp_path / "t.xlsx", tmp_path / "u.xlsx")
    outcome = evaluate_workbook(tmp_path / "u.xlsx")
    assert outcome.ok and outcome.evaluation["SE"].value is None


@pytest.mark.parametrize("when", ["while writing", "before replacing"])
def test_an_interrupted_write_leaves_the_original_intact(tmp_path, monkeypatch, when):
    import remanxl.workbook.xlsxpatch as xp

    path = vector_workbook(tmp_path / "book.xlsx", t4_input())
    before = path.read_bytes()
    if when == "while writing":
        calls = {"n": 0}
        real = xp._copy_raw  # how the unchanged parts are written, one after the other

        def flaky(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 5:
                raise KeyboardInterrupt  # the user pressed Ctrl+C, or the machine went down
            return real(*args, **kwargs)

        monkeypatch.setattr(xp, "_copy_raw", flaky)
    else:
        monkeypatch.setattr(xp.os, "replace", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        evaluate_workbook(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]  # no temporary file left behind


def test_an_undefined_rate_says_why_and_is_never_zero(tmp_path):
    """No error value in sight: the value says why in words; the chart's own (folded) column holds #N/A, so
    no chart shows it as 0 %."""
    inp = {"water": [{"side": "reman", "stream": "fresh_water", "quantity": 5, "unit": "m3"},
                     {"side": "original", "stream": "fresh_water", "quantity": 0, "unit": "m3"}]}
    path = vector_workbook(tmp_path / "zero.xlsx", inp)
    assert evaluate_workbook(path).ok
    got = summary_values(path)
    assert got["SW"][0].startswith("n/a — no data on the original side")  # original side 0
    assert got["SE"][0].startswith("n/a — no data on the original side")  # no energy rows at all
    ws = load_workbook(path)[SUMMARY_SHEET]
    reason = ws.cell(SUMMARY_FIRST_ROW + 2, SUMMARY_COL["warnings"] + 1).value
    assert "undefined" in reason
    chart = load_workbook(path, data_only=True)[SUMMARY_SHEET].cell(SUMMARY_FIRST_ROW + 2, SUMMARY_COL["chart"] + 1)
    assert chart.value == "#N/A"
    assert ws.column_dimensions[chart.column_letter].hidden


def test_a_workbook_takes_the_users_own_words(tmp_path):
    """再制造 for reman, m³ and 吨 for m3 of water: a workbook reads them as the JSON format and the functions
    do, with the numbers of the canonical spellings."""
    inp = t4_input()
    inp["water"][0]["side"] = "再制造"
    inp["water"][1]["unit"] = "m³"
    inp["water"][2]["unit"] = "吨"
    outcome = evaluate_workbook(vector_workbook(tmp_path / "alias.xlsx", inp), write=False)
    assert outcome.ok, outcome.problems
    canonical = evaluate_workbook(vector_workbook(tmp_path / "canonical.xlsx", t4_input()), write=False)
    for symbol, r in canonical.evaluation.indicators.items():
        assert outcome.evaluation[symbol].value == r.value, symbol


def _patch_summary(path, change):
    with zipfile.ZipFile(path) as zf:
        part = sheet_parts(zf)[SUMMARY_SHEET][0]
    rewrite_zip(path, path, lambda entries: entries.__setitem__(part, change(entries[part])))
    return part


def test_summary_written_by_another_tool_with_prefixes_and_odd_attributes(tmp_path):
    """Some writers prefix the spreadsheet namespace (<x:worksheet>) or put '>' in attribute values; the
    rewritten part must stay well-formed and in the right namespace."""
    from defusedxml import ElementTree as SafeET

    path = vector_workbook(tmp_path / "odd.xlsx", t4_input())

    def prefixed(xml):
        import re

        text = xml.decode()
        text = re.sub(r"<(/?)(?!\?)([A-Za-z]+)", lambda m: f"<{m.group(1)}x:{m.group(2)}", text)
        text = text.replace('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                            'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
        text = text.replace("<x:x:", "<x:").replace("</x:x:", "</x:")
        return text.replace("</x:worksheet>", '<x:hyperlinks><x:hyperlink ref="A1" display="a&gt;b > c"/>'
                                              "</x:hyperlinks></x:worksheet>").encode()

    part = _patch_summary(path, prefixed)
    assert evaluate_workbook(path).ok
    xml = parts(path)[part]
    SafeET.fromstring(xml)  # well-formed
    assert summary_values(path)["SW"][0] == pytest.approx(vector("T4")["expected"]["SW"], abs=TOL)


def test_evaluating_through_a_link_updates_the_real_file(tmp_path):
    real = vector_workbook(tmp_path / "real.xlsx", t4_input())
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    before = real.read_bytes()
    assert evaluate_workbook(link).ok
    assert link.is_symlink() and real.read_bytes() != before


def test_a_new_output_file_gets_ordinary_permissions(tmp_path):
    import os
    import stat

    src = vector_workbook(tmp_path / "in.xlsx", t4_input())
    old = os.umask(0o022)
    try:
        assert main(["evaluate", str(src), "-o", str(tmp_path / "out.xlsx")]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.xlsx").stat().st_mode) == 0o644


def test_output_problems_are_refused_before_any_work(tmp_path, capsys):
    src = vector_workbook(tmp_path / "in.xlsx", t4_input())
    assert main(["evaluate", str(src), "-o", str(tmp_path / "missing" / "out.xlsx")]) == 2
    assert main(["evaluate", str(src), "-o", str(tmp_path)]) == 2
    assert main(["evaluate", str(src), "-o", str(tmp_path / "out.xlsm")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "a folder" in err and "keep the suffix" in err
    assert "Traceback" not in err


def test_a_batch_survives_a_worker_that_dies(tmp_path, monkeypatch):
    """A file that kills its worker process fails alone; the others are still evaluated."""
    import os

    import remanxl.workbook.batch as batch

    folder = tmp_path / "plant"
    folder.mkdir()
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        vector_workbook(folder / name, t4_input())
    from workbook_fixtures import evaluate_or_die

    monkeypatch.setattr(batch, "_one", evaluate_or_die)
    rows = batch.run_batch(batch.collect([folder]), jobs=2, progress=False)
    status = {os.path.basename(r.path): r.ok for r in rows}
    assert status == {"a.xlsx": True, "b.xlsx": False, "c.xlsx": True}
    assert "crashed" in next(r for r in rows if r.path.endswith("b.xlsx")).errors[0]


def test_a_summary_renamed_in_another_case_is_rewritten_not_doubled(tmp_path):
    path = vector_workbook(tmp_path / "case.xlsx", t4_input())
    rewrite_zip(path, path, lambda e: e.__setitem__(
        "xl/workbook.xml", e["xl/workbook.xml"].replace(SUMMARY_SHEET.encode(), SUMMARY_SHEET.upper().encode())))
    assert evaluate_workbook(path).ok
    wb = load_workbook(path)
    assert [n for n in wb.sheetnames if n.casefold() == SUMMARY_SHEET.casefold()] == [SUMMARY_SHEET.upper()]


def test_a_missing_summary_is_added_to_a_prefixed_workbook(tmp_path):
    """A workbook.xml written with a namespace prefix (<x:workbook>) and no Summary sheet."""
    import re

    from defusedxml import ElementTree as SafeET

    path = vector_workbook(tmp_path / "nosummary.xlsx", t4_input())

    def change(e):
        wb = e["xl/workbook.xml"].decode()
        wb = re.sub(r'<sheet name="Summary[^>]*/>', "", wb)
        wb = re.sub(r"<(/?)(?!\?)([A-Za-z]+)", lambda m: f"<{m.group(1)}x:{m.group(2)}", wb)
        wb = wb.replace('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                        'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
        e["xl/workbook.xml"] = wb.encode()

    rewrite_zip(path, path, change)
    assert evaluate_workbook(path).ok
    SafeET.fromstring(parts(path)["xl/workbook.xml"])
    assert summary_values(path)["SW"][0] == pytest.approx(vector("T4")["expected"]["SW"], abs=TOL)


def test_elements_the_writer_does_not_know_stay_where_they_were(tmp_path):
    path = vector_workbook(tmp_path / "alt.xlsx", t4_input())
    alt = (b'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
           b'<mc:Fallback/></mc:AlternateContent>')
    part = _patch_summary(path, lambda xml: xml.replace(b"<pageMargins", alt + b"<pageMargins"))
    assert evaluate_workbook(path).ok
    xml = parts(path)[part]
    assert xml.index(b"<mc:AlternateContent") < xml.index(b"<pageMargins")


def test_a_factor_value_typed_without_its_key_is_reported_at_its_cell(tmp_path, capsys):
    from openpyxl import load_workbook as load

    path = vector_workbook(tmp_path / "f.xlsx", t4_input())
    wb = load(path)
    ws = wb["Factors 系数"]
    blank = next(r for r in range(6, 60) if ws.cell(r, 1).value is None and ws.cell(r - 1, 1).value is not None)
    ws.cell(blank, 5).value = 0.2  # kgce_per_unit of EnergyConversion, no key
    wb.save(path)
    assert main(["evaluate", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"sheet 'Factors 系数', row {blank}, column A" in err and "needs a key" in err


@pytest.fixture
def split_always(monkeypatch):
    """Read every workbook in two halves, as a plant-size one is (the example is small)."""
    import remanxl.workbook.io

    monkeypatch.setattr(remanxl.workbook.io, "SPLIT_BYTES", 0)
    monkeypatch.setattr(remanxl.workbook.io, "ROWS_BACK_BYTES", 0)


def test_the_two_halves_join_to_the_one_pass_evaluation(tmp_path, split_always, monkeypatch):
    """The file reader sums the parts ledger and the rest in two processes; the join equals reading and
    evaluating everything in one pass (as the ribbon does), and leaves no child process behind."""
    from remanxl.sheet.engine import assess
    from remanxl.workbook.io import read_blocks

    import os

    path = shutil.copy(EXAMPLE, tmp_path / "example.xlsx")
    before, fds = child_processes(), len(os.listdir("/proc/self/fd"))
    split = evaluate_workbook(path, write=False)
    assert split.ok, split.problems
    import remanxl.workbook.safety as safety

    verified = []
    monkeypatch.setattr(safety, "verify_checksums", lambda p, last=None, wait=None: verified.append(last))
    assert evaluate_workbook(path, write=False).ok  # checksums known good now: not verified again
    assert verified == []
    assert len(os.listdir("/proc/self/fd")) == fds  # every pipe closed
    # … and the reading was indeed split: two children, the first group's largest sheet verified after its parse
    from remanxl.workbook.io import _Groups, plan_groups, start_assessing

    task, (held, parsed) = start_assessing(path, path.name)
    assert isinstance(task, _Groups) and len(task.children) == 2 and held == plan_groups(path)[0].largest
    assert any(g.sums_ledger for g in task.groups)
    parsed()  # returns once the first group's child has parsed the file
    assert task.result().evaluation is not None
    task, hold = start_assessing(path, path.name, split=False)
    assert hold is None and not isinstance(task, _Groups) and task.result().evaluation is not None
    one = assess(read_blocks(path), path.name)
    assert not one.problems
    a, b = split.evaluation.to_dict(), one.evaluation.to_dict()
    a.pop("computed_at"), b.pop("computed_at")
    assert a == b
    assert child_processes() <= before


def test_a_product_workbooks_reader_only_reads_and_the_core_loads_beside_it(tmp_path):
    """A small workbook's reader process is forked before the method core is loaded and sends back the rows;
    this process assesses them: the same evaluation as one pass, and no process left behind."""
    code = ("import os, sys, json\n"
            "seen = []\n"
            "os.register_at_fork(before=lambda: seen.append('remanxl.method.evaluate' in sys.modules))\n"
            "from remanxl.workbook.io import _AssessHere, start_assessing\n"
            "from pathlib import Path\n"
            "task, hold = start_assessing(Path(sys.argv[1]), 'example.xlsx')\n"
            "result = task.result()\n"
            "print(json.dumps([seen, isinstance(task, _AssessHere), hold, result.evaluation.to_dict()['indicators']]))")
    import subprocess
    import sys

    from remanxl.sheet.engine import assess
    from remanxl.workbook.io import read_blocks

    path = shutil.copy(EXAMPLE, tmp_path / "example.xlsx")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen, here, hold, indicators = json.loads(proc.stdout)
    assert seen == [False] and here and hold is None  # one fork, before the core
    assert indicators == json.loads(json.dumps(assess(read_blocks(path), path.name).evaluation.to_dict()["indicators"]))


def test_a_product_workbook_is_verified_once_by_its_reader(tmp_path, monkeypatch):
    """The reader process verifies a small file's checksums after reading it; this process starts no
    checksum thread, remembers the file as checked, and its summary's write does not check it again."""
    import remanxl.workbook.safety as safety

    path = shutil.copy(EXAMPLE, tmp_path / "example.xlsx")
    threads = []
    monkeypatch.setattr(safety.PendingCheck, "start", lambda self, *a: threads.append(a))
    outcome = evaluate_workbook(path, tmp_path / "out.xlsx")
    assert outcome.ok and threads == []
    assert safety.was_checked(safety.file_identity(path))
    calls, check_structure = [], safety.check_structure
    monkeypatch.setattr(safety, "check_structure", lambda *a, **k: calls.append(a) or check_structure(*a, **k))
    assert evaluate_workbook(path, tmp_path / "again.xlsx").ok
    assert len(calls) == 1  # before the reading; the write found the file checked


def test_a_product_workbooks_reader_prepares_the_summarys_write(tmp_path, monkeypatch):
    """The reader takes the first step of the summary's write (this process does not); the written
    workbook is the one a write prepared here gives, byte for byte."""
    from remanxl.sheet.layout import STYLE_NAMES
    from remanxl.workbook import io
    from remanxl.workbook.xlsxpatch import SheetWrite

    path = shutil.copy(EXAMPLE, tmp_path / "example.xlsx")
    here = []
    real_init = SheetWrite.__init__
    monkeypatch.setattr(SheetWrite, "__init__", lambda self, *a, **k: here.append(a) or real_init(self, *a, **k))
    book = io.FileWorkbook(path, tmp_path / "out.xlsx")
    book.prefetch(summary=True)
    book.prepare_summary()
    result = book.assess()
    assert here == [] and book._write is not None and book._write._prepared is not None  # prepared by the reader
    from remanxl.sheet.summary import build_summary

    model = build_summary(result.evaluation, result.fingerprint)
    book.write_summary(model)
    real_init(mine := SheetWrite.__new__(SheetWrite), path, SUMMARY_SHEET, tmp_path / "here.xlsx", STYLE_NAMES)
    mine.write(model)
    assert (tmp_path / "out.xlsx").read_bytes() == (tmp_path / "here.xlsx").read_bytes()


def test_problems_of_both_halves_are_reported_together(tmp_path, capsys, split_always):
    """A fault in an inventory table and one in the parts ledger: both are reported, each at its cell,
    in the order one pass over the workbook gives (cells that do not parse first); nothing is written."""
    from remanxl.sheet.engine import assess
    from remanxl.workbook.io import read_blocks

    inp = t5_input()
    inp["water"] = [{"side": "reman", "stream": "fresh_water", "quantity": 1.0, "unit": "kWh"},
                    {"side": "original", "stream": "fresh_water", "quantity": 2.0, "unit": "m3"}]
    inp["parts"][1]["quantity"] = -1
    path = vector_workbook(tmp_path / "both.xlsx", inp)
    before = path.read_bytes()
    assert main(["evaluate", str(path)]) == 1
    err = capsys.readouterr().err
    parts = err.index("sheet 'Parts 零件清单', row 6, column C (Qty per product 单台数量)")
    water = err.index("sheet 'Water 水', row 5, column E (Unit 单位)")
    assert parts < water and "2 problem(s)" in err
    assert path.read_bytes() == before
    split = [str(p) for p in evaluate_workbook(path, write=False).problems]
    assert split == [str(p) for p in assess(read_blocks(path), path.name).problems]


@pytest.mark.parametrize("table", ["parts", "energy"])
def test_a_far_cell_kills_only_its_own_reader(tmp_path, split_always, table):
    """One half dies on a cell at XFD1048576; the other half is joined or stopped, the file is refused
    and left as it was, and no child process is left behind."""

    part = table_sheet_parts(EXAMPLE)[table]
    path = replaced(EXAMPLE, tmp_path / "far.xlsx", {part: [(b"</sheetData>", FAR_ROW + b"</sheetData>")]})
    before, children = path.read_bytes(), child_processes()
    outcome = evaluate_workbook(path)
    assert not outcome.ok and "refusing" in str(outcome.problems[0])
    assert path.read_bytes() == before
    assert child_processes() <= children


def _with_bad_crc(src, dst, part: str):
    """A copy of ``src`` whose ``part`` inflates fine but no longer matches its recorded CRC-32."""
    import struct

    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        offset = zf.getinfo(part).header_offset
    struct.pack_into("<I", data, offset + 14, struct.unpack_from("<I", data, offset + 14)[0] ^ 1)  # local header
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:  # central directory
        size = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46:pos + 46 + size]).decode() == part:
            struct.pack_into("<I", data, pos + 16, struct.unpack_from("<I", data, pos + 16)[0] ^ 1)
        pos = data.find(b"PK\x01\x02", pos + 4)
    dst.write_bytes(bytes(data))
    return dst


@pytest.mark.parametrize("split", [False, True], ids=["one reader", "two halves"])
def test_a_damaged_part_is_refused_before_anything_is_written(tmp_path, monkeypatch, split):
    """The checksum test runs beside the reading (for the ledger's sheet, after its parse when the
    halves are split); a mismatch refuses the file, whichever part it is in."""
    import remanxl.workbook.io
    from remanxl.workbook.safety import UnsafeWorkbookError, verify_checksums

    if split:
        monkeypatch.setattr(remanxl.workbook.io, "SPLIT_BYTES", 0)
        monkeypatch.setattr(remanxl.workbook.io, "ROWS_BACK_BYTES", 0)
    ledger = table_sheet_parts(EXAMPLE)["parts"]
    with zipfile.ZipFile(EXAMPLE) as zf:
        summary = sheet_parts(zf)[SUMMARY_SHEET][0]
    # read by a reader, by the summary's write prepared during the reading, by the checks, by none
    for part in (ledger, summary, "xl/styles.xml", "xl/theme/theme1.xml"):
        path = _with_bad_crc(EXAMPLE, tmp_path / f"bad_{part.replace('/', '_')}", part)
        with pytest.raises(UnsafeWorkbookError, match=f"damaged part {part}"):
            verify_checksums(path)
        before, children = path.read_bytes(), child_processes()
        checked = evaluate_workbook(path, write=False)  # refused by the test beside the reading itself
        assert not checked.ok and f"damaged part {part}" in str(checked.problems[0])
        outcome = evaluate_workbook(path)
        assert not outcome.ok and f"damaged part {part}" in str(outcome.problems[0])
        assert path.read_bytes() == before
        assert child_processes() <= children


def test_a_write_prepared_during_the_reading_follows_the_file_as_it_is_when_written(tmp_path):
    """The summary's write is prepared while the file is read; a file replaced in between is written as
    it is then (its own sheets kept), never from what was gathered before."""
    from remanxl.sheet.engine import assess
    from remanxl.sheet.layout import STYLE_NAMES
    from remanxl.sheet.summary import build_summary
    from remanxl.workbook.xlsxpatch import SheetWrite

    book, other = tmp_path / "book.xlsx", vector_workbook(tmp_path / "other.xlsx", t4_input())
    shutil.copy(EXAMPLE, book)
    prepared = SheetWrite(book, SUMMARY_SHEET, tmp_path / "out.xlsx", STYLE_NAMES, checked=True)
    shutil.copy(other, book)  # saved by the user meanwhile
    result = assess(read_blocks(book), book.name)
    prepared.write(build_summary(result.evaluation, result.fingerprint))
    assert read_blocks(tmp_path / "out.xlsx")["Energy"].rows == read_blocks(other)["Energy"].rows
    assert read_blocks(other)["Energy"].rows != read_blocks(EXAMPLE)["Energy"].rows
    written = load_workbook(tmp_path / "out.xlsx", read_only=True)
    assert "remanxl" in str(written[SUMMARY_SHEET]["A1"].value)
    with zipfile.ZipFile(other) as a, zipfile.ZipFile(tmp_path / "out.xlsx") as b:
        own = sheet_parts(a)[SUMMARY_SHEET][0]
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        assert all(a.read(n) == b.read(n) for n in a.namelist() if n != own)


def test_without_fork_the_file_is_read_in_process_after_the_reference_scan(tmp_path, monkeypatch):
    """Where the operating system cannot fork (Windows), the same evaluation comes from one in-process
    reading, and a far cell is refused by the cell-reference scan before calamine lays the sheet out."""
    import remanxl.workbook.isolation

    monkeypatch.setattr(remanxl.workbook.isolation, "CAN_FORK", False)
    path = shutil.copy(EXAMPLE, tmp_path / "example.xlsx")
    outcome = evaluate_workbook(path, write=False)
    assert outcome.ok, outcome.problems
    assert outcome.evaluation["RR"].value is not None
    part = table_sheet_parts(path)["energy"]
    far = replaced(path, tmp_path / "far.xlsx", {part: [(b"</sheetData>", FAR_ROW + b"</sheetData>")]})
    before = far.read_bytes()
    refused = evaluate_workbook(far)
    assert not refused.ok and "beyond column ZZ or row 999,999" in str(refused.problems[0])
    assert far.read_bytes() == before


@pytest.mark.parametrize("split", [False, True], ids=["one reader", "two halves"])
def test_a_part_the_reader_cannot_parse_is_reported_not_raised(tmp_path, monkeypatch, split, capsys):
    """A shared-string index out of range (the zip is sound, its checksums match): calamine fails in the
    reading child; the user gets one plain problem and exit 1, and nothing is written."""
    import re

    import remanxl.workbook.io

    if split:
        monkeypatch.setattr(remanxl.workbook.io, "SPLIT_BYTES", 0)
        monkeypatch.setattr(remanxl.workbook.io, "ROWS_BACK_BYTES", 0)
    part = table_sheet_parts(EXAMPLE)["energy"]

    def first_text_to_a_missing_shared_string(entries):
        entries[part] = re.sub(rb'<c r="([A-Z]+\d+)"([^>]*) t="inlineStr"><is><t[^>]*>[^<]*</t></is></c>',
                               rb'<c r="\1"\2 t="s"><v>9999999</v></c>', entries[part], count=1)

    path = rewrite_zip(EXAMPLE, tmp_path / "bad_string.xlsx", first_text_to_a_missing_shared_string)
    before = path.read_bytes()
    outcome = evaluate_workbook(path)
    assert not outcome.ok and "cannot read the workbook" in str(outcome.problems[0])
    assert main(["evaluate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "1 problem(s); nothing was written" in err and "Traceback" not in err
    assert path.read_bytes() == before


def test_reading_problems_of_both_halves_come_in_one_readings_order(tmp_path, split_always):
    """An unknown setting and a renamed ledger header: read in two halves, the problems are listed as one
    reading of every table lists them (tables first, then settings)."""
    from remanxl.sheet.reader import read_tables
    from remanxl.workbook.io import read_blocks

    where = table_sheet_parts(EXAMPLE)
    header = b"Qty per product"
    with zipfile.ZipFile(EXAMPLE) as zf:
        table_part = next(n for n in zf.namelist() if n.startswith("xl/tables/")
                          and b'name="Parts"' in zf.read(n)[:4096])
    path = replaced(EXAMPLE, tmp_path / "two_faults.xlsx", {
        where["settings"]: [(b">gwp_set<", b">gwp_sett<")],
        where["parts"]: [(header, b"Quantity? per")],
        table_part: [(header, b"Quantity? per")],
    })
    split = [str(p) for p in evaluate_workbook(path, write=False).problems]
    one_pass = read_tables(read_blocks(path)).problems
    assert split == [str(p) for p in one_pass]
    assert "header(s) renamed or removed" in split[0] and "unknown setting 'gwp_sett'" in split[1]


def test_relationships_of_a_missing_sheet_do_not_crash_the_reading(tmp_path, split_always):
    """A stray relationships part naming a table (here a copy of the ledger's, renamed) for a sheet the
    file lacks: the table is not placed on that sheet, and the file reads as before."""
    import re


    ledger = table_sheet_parts(EXAMPLE)["parts"]
    ledger_rels = ledger.replace("worksheets/", "worksheets/_rels/") + ".rels"

    def stray(entries):
        table = next(n for n in entries if n.startswith("xl/tables/") and b'name="Parts"' in entries[n][:4096])
        entries["xl/tables/stray.xml"] = re.sub(rb'(name|displayName)="Parts"', rb'\1="Stray"', entries[table])
        entries["xl/worksheets/_rels/sheet99.xml.rels"] = re.sub(
            rb'Target="[^"]*"', b'Target="../tables/stray.xml"', entries[ledger_rels], count=1)

    path = rewrite_zip(EXAMPLE, tmp_path / "stray.xlsx", stray)
    found = table_sheet_parts(path)
    assert found["parts"] == ledger and "stray" not in found
    outcome = evaluate_workbook(path, write=False)
    assert outcome.ok, outcome.problems


def test_a_batch_exit_code_says_invalid_and_a_named_roll_up_is_not_read_back(tmp_path, capsys):
    """Exit 3 when a workbook of the batch is invalid (and no other failed); a roll-up written under a
    name of the user's choice inside the folder is not taken for a product workbook on the next run."""
    folder = tmp_path / "plant"
    folder.mkdir()
    vector_workbook(folder / "a.xlsx", t4_input())
    invalid = t4_input()
    invalid["settings"]["remanufacturer_type"] = "independent"
    for r in invalid["water"]:
        if r["side"] == "original":
            r["provenance"] = "estimated"
    vector_workbook(folder / "b_invalid.xlsx", invalid)
    for _ in range(2):
        code = main(["evaluate", str(folder), "--no-progress", "--rollup", str(folder / "summary_2026")])
        err = capsys.readouterr().err
        assert code == 3, err
        assert "2 of 2 workbook(s) evaluated" in err and "INVALID" in err and "estimation note" in err
    assert (folder / "summary_2026.xlsx").exists()


def test_a_json_evaluation_saved_with_a_byte_order_mark_is_read(tmp_path, capsys):
    path = tmp_path / "t4.json"
    path.write_text(json.dumps(t4_input()), encoding="utf-8-sig")
    assert main(["evaluate", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["indicators"]["SW"]["value"] == pytest.approx(
        vector("T4")["expected"]["SW"], abs=TOL)

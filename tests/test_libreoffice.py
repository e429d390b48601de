"""Workbooks recalculated in LibreOffice headless compute what remanxl's Python computes.

One soffice serves the whole run (the ``lo`` fixture in conftest.py).  Without LibreOffice these
tests skip, except on CI (CI=true), where a missing LibreOffice is a failure.
"""
import ast
import hashlib
import math
import re

import openpyxl
import pytest
import xlsxwriter
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table

from remanxl.functions import REGISTRY
from remanxl.testing import lo_forward, lo_profile
from remanxl.testing.libreoffice import LibreOffice, missing_reason

pytestmark = pytest.mark.libreoffice

SW = 1 - 1200 / 6500  # 0.8153846153846154
WATER = [["Side", "Stream", "Quantity", "Unit"],
         ["reman", "fresh_water", 1200, "m3"],
         ["original", "fresh_water", 6500, "m3"]]




def book(tmp_path, cells, name="book.xlsx", sheet="S"):
    """An openpyxl workbook (no cached values) with ``cells`` {"A1": value or formula}."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for ref, value in cells.items():
        ws[ref] = value
    path = tmp_path / name
    wb.save(path)
    return path


def close(actual, expected):
    return isinstance(actual, float) and math.isclose(actual, expected, rel_tol=1e-12)


# ---------------------------------------------------------------- REMAN_* through the Basic shims


def test_scalar_and_range_arguments(lo, tmp_path):
    path = book(tmp_path, {"A1": 1200, "B1": 6500, "A2": 10, "B2": 20, "B3": 30,  # A3 stays empty
                           "C1": "=REMAN_SW(A1,B1)", "C2": "=REMAN_SW(A1:A3,B1:B3)",
                           "C3": "=REMAN_SW(A1:B1,B1)", "C4": "=REMAN_SW(1200,6500)*100"})
    c = lo.recalculate(path)["S"]
    assert close(c["C1"], 0.815384615384615)
    assert close(c["C2"], 1 - 1210 / 6550)  # ranges are summed, the empty cell skipped
    assert c["C3"] == REGISTRY["REMAN_SW"].func([[1200.0, 6500.0]], 6500.0)
    assert close(c["C4"], SW * 100)


def test_optional_arguments(lo, tmp_path):
    path = book(tmp_path, {"C1": '=REMAN_TCE(1,"electricity","MWh")',
                           "C2": '=REMAN_TCE(1000,"electricity")',  # unit omitted: the factor's unit (kWh)
                           "C3": '=REMAN_TCE(1,"electricity","MWh",0.3007)',  # equal-value coal rate given
                           "C4": '=REMAN_TCE(1,"electricity","","equivalent")',
                           "C5": '=REMAN_FACTOR("energy_conversion","electricity","unit")'})
    c = lo.recalculate(path)["S"]
    assert close(c["C1"], 122.9)
    assert close(c["C2"], 122.9)
    assert close(c["C3"], 300.7)
    assert close(c["C4"], 0.1229)  # "" stands for an omitted argument
    assert c["C5"] == REGISTRY["REMAN_FACTOR"].func("energy_conversion", "electricity", "unit")


def test_omitted_middle_argument_arrives_as_zero(lo, tmp_path):
    """A LibreOffice limit: Calc passes an empty argument between commas as 0 to Basic."""
    path = book(tmp_path, {"C1": '=REMAN_TCE(1,"electricity",,"equivalent")'})
    got = lo.recalculate(path)["S"]["C1"]
    assert got == REGISTRY["REMAN_TCE"].func(1.0, "electricity", 0.0, "equivalent")
    assert got.startswith("#VALUE!")


def test_error_texts(lo, tmp_path):
    path = book(tmp_path, {"C1": "=REMAN_SW(10,0)", "C2": "=REMAN_SW(-1,10)", "C3": '=REMAN_SW("abc",10)',
                           "C4": "=REMAN_SW(A9,10)", "C5": "=REMAN_SW(1)",
                           "C6": '=IFERROR(REMAN_SW(10,0),"fallback")', "C7": "=REMAN_SW(1/0,10)"})
    c = lo.recalculate(path)["S"]
    assert c["C1"].startswith("#DIV/0!")
    assert c["C2"].startswith("#VALUE!") and "cwr" in c["C2"]
    assert c["C3"].startswith("#VALUE!") and "abc" in c["C3"]
    assert c["C4"].startswith("#VALUE!") and "empty cell" in c["C4"]  # A9 is empty
    assert c["C5"] == "#VALUE! REMAN_SW: missing argument cwm"
    assert c["C6"] == c["C1"]  # the error text is text, so IFERROR keeps it (as in Excel with xlwings)
    assert c["C7"] == "#DIV/0!"  # an error argument never reaches Python: Calc propagates it


def test_array_results(lo, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for row in WATER:
        ws.append(row)
    ws["F1"] = ArrayFormula("F1:O16", "=REMAN_EVALUATE(A1:D3)")  # exactly the header + 14 rows + status
    ws["F20"] = ArrayFormula("F20:P37", "=REMAN_EVALUATE(A1:D3)")  # one column and two rows too many
    ws["F40"] = "=REMAN_EVALUATE(A1:D3)"  # not an array formula: no spill in LibreOffice 7.4
    ws["A50"] = ArrayFormula("A50:A52", '=REMAN_TCE(B50:B52,"electricity","kWh","",TRUE)')
    for i, q in enumerate((1000, 2000, 3000)):
        ws.cell(50 + i, 2, q)
    wb.save(tmp_path / "array.xlsx")
    c = lo.recalculate(tmp_path / "array.xlsx")["S"]

    expected = REGISTRY["REMAN_EVALUATE"].func([list(row) for row in WATER])
    assert len(expected) == 16 and len(expected[0]) == 10
    for r, row in enumerate(expected):
        for k, want in enumerate(row):
            got = c[f"{'FGHIJKLMNO'[k]}{r + 1}"]
            assert close(got, want) if isinstance(want, float) else got == want, (r, k, got, want)
    sw_row = next(r for r in range(1, 16) if c[f"F{r}"] == "SW")
    assert close(c[f"I{sw_row}"], 0.815384615384615)
    assert c["P20"] == "#N/A" and c["F37"] == "#N/A"  # cells beyond the result, as in Excel
    assert c["F40"] == expected[0][0] and "G40" not in c
    assert [c["A50"], c["A51"], c["A52"]] == pytest.approx([122.9, 245.8, 368.7], rel=1e-12)


def test_xlsxwriter_dynamic_array_formula(lo, tmp_path):
    """A dynamic array is computed over the range its file records; LibreOffice 7.4 does not spill."""
    path = tmp_path / "dynamic.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("S")
    for r, row in enumerate(WATER):
        ws.write_row(r, 0, row)
    ws.write_dynamic_array_formula("F1:O15", "=REMAN_EVALUATE(A1:D3)")
    ws.write_dynamic_array_formula("F20:F20", "=REMAN_EVALUATE(A1:D3)")  # as a one-cell spill anchor
    wb.close()
    c = lo.recalculate(path)["S"]
    sw_row = next(r for r in range(1, 16) if c[f"F{r}"] == "SW")
    assert close(c[f"I{sw_row}"], 0.815384615384615)
    assert c["F20"] == "Symbol 符号" and "F21" not in c


ENERGY = [["Side", "Energy type", "Quantity", "Unit"],
          ["reman", "电力", 1, "MWh"],
          ["original", "electricity", 4000, "度"]]


def test_varargs_take_several_blocks(lo, tmp_path):
    """REMAN_EVALUATE(*tables): each block with its own header row, up to 24 of them."""
    cells = {}
    for r, row in enumerate([*WATER, [], *ENERGY], start=1):
        cells.update({f"{'ABCD'[k]}{r}": v for k, v in enumerate(row)})
    cells["F1"] = ArrayFormula("F1:O16", "=REMAN_EVALUATE(A1:D3,A5:D7)")
    c = lo.recalculate(book(tmp_path, cells))["S"]
    expected = REGISTRY["REMAN_EVALUATE"].func([list(r) for r in WATER], [list(r) for r in ENERGY])
    sw_row = next(r for r in range(1, 17) if c[f"F{r}"] == "SW")
    se_row = next(r for r in range(1, 17) if c[f"F{r}"] == "SE")
    assert close(c[f"I{sw_row}"], 0.815384615384615) and close(c[f"I{se_row}"], 0.75)
    assert c[f"I{sw_row}"] == expected[sw_row - 1][3] and c[f"I{se_row}"] == expected[se_row - 1][3]


def test_every_registry_function_resolves(lo, tmp_path):
    """Each REMAN_* example computes in LibreOffice exactly what its Python function returns."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for r, row in enumerate(WATER, start=1):
        for k, v in enumerate(row, start=1):
            ws.cell(r, k, v)
    expected = {}
    for row, (name, udf) in enumerate(sorted(REGISTRY.items()), start=10):
        formula, args = example_call(name, udf.example)
        ws.cell(row, 6, formula)
        expected[f"F{row}"] = (name, udf.func(*args))
    wb.save(tmp_path / "all.xlsx")
    c = lo.recalculate(tmp_path / "all.xlsx")["S"]
    for ref, (name, want) in expected.items():
        got = c[ref]
        if isinstance(want, list):
            want = want[0][0]  # a single cell holds the top-left value of an array
        assert not str(got).startswith(("#NAME?", "#VALUE! LibreOffice")), (name, got)
        assert close(got, want) if isinstance(want, float) else got == want, (name, got, want)


def example_call(name, example):
    """(formula, Python arguments) for a registry example such as '=REMAN_SW(1200, 6500)'."""
    m = re.fullmatch(rf"={name}\((.*)\)", example)
    assert m, example
    try:
        args = ast.literal_eval(f"({m.group(1)},)") if m.group(1) else ()
    except (ValueError, SyntaxError):
        # The example points at workbook ranges (REMAN_EVALUATE's tables): keep the leading plain
        # arguments (REMAN_UNCERTAINTY's draws and seed) and use the water table for the ranges.
        literals = []
        for part in m.group(1).split(","):
            try:
                literals.append(ast.literal_eval(part.strip()))
            except (ValueError, SyntaxError):
                break
        formula = f"={name}({', '.join([*map(repr, literals), 'A1:D3'])})"
        return formula, (*(float(a) if isinstance(a, int) else a for a in literals), [list(r) for r in WATER])
    args = tuple(float(a) if isinstance(a, int) else a for a in args)  # Calc passes numbers as doubles
    return example, args


# ---------------------------------------------------------------- native formulas


def test_structured_references_and_sumifs(lo, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Water"
    ws.append(["Side", "Stream", "Quantity", "Unit", "Double"])
    for r, row in enumerate(WATER[1:] + [["reman", "fresh_water", 300, "m3"]], start=2):
        ws.append(row + ["=Table1[[#This Row],[Quantity]]*2"])
    ws.add_table(Table(displayName="Table1", ref="A1:E4"))
    ws["G1"] = "=SUM(Table1[Quantity])"
    ws["G2"] = '=SUMIFS(Table1[Quantity],Table1[Side],"reman")'
    ws["G3"] = ('=REMAN_SW(SUMIFS(Table1[Quantity],Table1[Side],"reman"),'
                'SUMIFS(Table1[Quantity],Table1[Side],"original"))')
    wb.save(tmp_path / "table.xlsx")
    c = lo.recalculate(tmp_path / "table.xlsx")["Water"]
    assert [c["E2"], c["E3"], c["E4"]] == [2400.0, 13000.0, 600.0]
    assert c["G1"] == 8000.0
    assert c["G2"] == 1500.0
    assert close(c["G3"], 1 - 1500 / 6500)


def test_xlsxwriter_cached_values_are_recalculated(lo, tmp_path):
    path = tmp_path / "cached.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("S")
    ws.write_row("A1", [1200, 6500])
    ws.write_formula("C1", "=REMAN_SW(A1,B1)", None, 999)  # deliberately wrong cached values
    ws.write_formula("C2", "=A1+B1", None, 999)
    ws.write_formula("C3", "=A1/0")
    wb.close()
    c = lo.recalculate(path)["S"]
    assert close(c["C1"], SW)
    assert c["C2"] == 7700.0
    assert c["C3"] == "#DIV/0!"


def test_error_cells_are_spelled_as_in_excel(lo, tmp_path):
    cells = {"A1": "=1/0", "A2": "=NA()", "A3": "=NOSUCHFUNCTION(1)", "A4": '="a"+1', "A5": "=SQRT(-1)"}
    cells.update({f"B{r}": f"=1/(A{r}*0)" for r in range(1, 301)})  # many error cells in one sheet
    c = lo.recalculate(book(tmp_path, cells, sheet="结果 1"))["结果 1"]
    assert [c[f"A{r}"] for r in range(1, 6)] == ["#DIV/0!", "#N/A", "#NAME?", "#VALUE!", "Err:502"]
    assert {c[f"B{r}"] for r in range(1, 301)} <= {"#DIV/0!", "#N/A", "#NAME?", "#VALUE!", "Err:502"}
    assert len([r for r in range(1, 301) if f"B{r}" in c]) == 300


# ---------------------------------------------------------------- the harness itself


def test_save_copy_and_input_untouched(lo, tmp_path):
    path = book(tmp_path, {"A1": 1200, "B1": 6500, "C1": "=REMAN_SW(A1,B1)"})
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    out = tmp_path / "out" / "book-lo.xlsx"
    cells = lo.recalculate_and_save(path, out)
    assert close(cells["S"]["C1"], SW)
    saved = openpyxl.load_workbook(out, data_only=True)["S"]["C1"].value
    assert saved == pytest.approx(SW, rel=1e-14)  # xlsx stores 15 significant digits
    assert openpyxl.load_workbook(out)["S"]["C1"].value == "=REMAN_SW(A1,B1)"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "out"]  # no lock file left behind
    with pytest.raises(ValueError):
        lo.recalculate_and_save(path, path)
    with pytest.raises(FileNotFoundError):
        lo.recalculate(tmp_path / "missing.xlsx")


def test_timeout_stops_libreoffice(tmp_path):
    if missing_reason():
        pytest.skip(missing_reason())
    path = book(tmp_path, {"A1": "=REMAN_SW(1,2)"})
    office = LibreOffice(timeout=0.001)
    with office:
        helper, soffice = office._helper, office._soffice
        with pytest.raises(TimeoutError):
            office.recalculate(path)
        # a helper in an unknown state is never reused: both processes are gone
        assert helper.poll() is not None and soffice.poll() is not None
        with pytest.raises(RuntimeError, match="not running"):
            office.recalculate(path)


def test_forwarder_arguments_without_libreoffice():
    """The conversions inside LibreOffice's Python, checked directly."""
    call = lo_forward.call
    assert call("REMAN_SW", "11", (1200, 6500.0)) == REGISTRY["REMAN_SW"].func(1200.0, 6500.0)
    rng = ((1200, None), ("", 10.0))
    assert call("REMAN_SW", "11", (rng, 6500.0)) == REGISTRY["REMAN_SW"].func([[1200.0, None], [None, 10.0]], 6500.0)
    assert call("REMAN_TCE", "11000", (1.0, "electricity", None, None, None)) == pytest.approx(0.1229)
    assert call("REMAN_SW", "10", (1.0, None)) == "#VALUE! REMAN_SW: missing argument cwm"
    assert call("NOPE", "", ()).startswith("#NAME?")
    table = tuple(tuple(r) for r in WATER)
    result = call("REMAN_EVALUATE", "1" + "0" * 15, (table,) + (None,) * 15)
    assert isinstance(result, tuple) and len({len(r) for r in result}) == 1  # rectangular for Calc
    assert call("REMAN_SW", "11", (object(), 1.0)).startswith("#VALUE!")  # never raises


def test_basic_module_has_one_shim_per_function():
    source = lo_profile.basic_module(REGISTRY)
    for name, udf in REGISTRY.items():
        header = re.search(rf"^Function {name}\((.*)\) As Variant$", source, re.M)
        assert header, name
        n = len(re.findall(r"Optional a\d+ As Variant", header.group(1)))
        assert n == (udf.max_args if udf.max_args is not None else len(udf.args) - 1 + lo_profile.VARARGS)

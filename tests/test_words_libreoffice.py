"""Every word remanxl accepts gives the numbers of the canonical spelling — through the file path, and
through LibreOffice's native recalculation of the Summary and ``REMAN_EVALUATE`` on the Live sheet —
and the Summary says so when an input changes after remanxl computed.

The aliased workbook holds the example's rows with each choice (side, provenance, category …) spelled
a different accepted way on each row, plus one row per shipped alias of a unit, an energy type, a
greenhouse-gas source and a pollutant; the canonical workbook holds the same rows spelled by key.
"""
import itertools
import math

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from remanxl import evaluate, load_example
from remanxl.method.factors import default_factors
from remanxl.method.inputs import TABLES, EvaluationInput
from remanxl.method.values import fold
from remanxl.method.vocabulary import choice_words, shipped_aliases
from remanxl.sheet.layout import SUMMARY_AUDIT_ROW, SUMMARY_COL, SUMMARY_FIRST_ROW, SUMMARY_SHEET
from remanxl.workbook.io import evaluate_workbook
from workbook_fixtures import vector_workbook

pytestmark = pytest.mark.libreoffice

#: Choice columns of the input tables: (table, column) -> vocabulary field.
CHOICE_COLUMNS = {(t, c.key): c.choices for t, schema in TABLES.items() for c in schema.columns
                  if getattr(c, "choices", None) and c.choices in choice_words().choices}


def spellings(field: str, key: str) -> list[str]:
    """Every accepted spelling of ``key`` in ``field`` (folded words as the vocabulary holds them)."""
    words = choice_words()
    choice = words.choices[field][key]
    out = [choice.caption, choice.name_zh, choice.name_en.upper(), f"  {key}  "]
    out += [w for w, k in words.spelled(field) if k == key]
    return [w for w in dict.fromkeys(out) if w and words.key(field, w) == key]


def alias_rows() -> list[tuple[str, dict, dict]]:
    """(table, canonical row, aliased row) for every shipped alias of a unit, energy type, GHG source or
    pollutant, each on a row where the word makes sense."""
    f = default_factors()
    units, conv = f["units"].rows, f["energy_conversion"].rows
    out = []
    for a in shipped_aliases():
        field, alias, key = a["field"], a["alias"], a["key"]
        if field == "unit":
            dim = units[key]["dimension"]
            if dim == "energy":
                row = {"side": "reman", "energy_type": "electricity", "quantity": 3, "unit": key}
                out.append(("energy", row, {**row, "unit": alias}))
            elif dim == "mass":
                row = {"side": "reman", "material": "steel", "category": "raw_material", "quantity": 2, "unit": key}
                out.append(("materials", row, {**row, "unit": alias}))
            elif dim == "volume" and key in ("m3", "L", "kL"):
                row = {"side": "reman", "stream": "fresh_water", "quantity": 1.5, "unit": key}
                out.append(("water", row, {**row, "unit": alias}))
            elif dim == "volume":  # normal cubic metres: a gas fuel
                row = {"side": "reman", "energy_type": "natural_gas_gasfield", "quantity": 4, "unit": key}
                out.append(("energy", row, {**row, "unit": alias}))
        elif field == "energy_type" and key in conv:
            row = {"side": "reman", "energy_type": key, "quantity": 5, "unit": conv[key]["unit"]}
            out.append(("energy", row, {**row, "energy_type": alias}))
        elif field == "ghg_source":
            unit = {"electricity": "kWh", "heat": "GJ"}.get(key, "kg")
            row = {"side": "reman", "source": key, "quantity": 0.5, "unit": unit}
            out.append(("ghg", row, {**row, "source": alias}))
        elif field == "pollutant":
            medium = next(r["medium"] for t in ("pollution_equivalents", "lumped_pollutants")
                          for k, r in f[t].rows.items() if k == key)
            table = "air" if medium == "air" else "water_pollutants"
            row = {"side": "reman", "pollutant": key, "quantity": 0.25, "unit": "kg"}
            out.append((table, row, {**row, "pollutant": alias}))
    # the words of the users' own bills that started this: 千瓦时, 度, kwh, 吨 or t of water, 电力, Reman
    for table, row, column, word in (
            ("energy", {"side": "reman", "energy_type": "electricity", "quantity": 7, "unit": "kWh"}, "unit", "千瓦时"),
            ("energy", {"side": "reman", "energy_type": "electricity", "quantity": 7, "unit": "kWh"}, "unit", "度"),
            ("energy", {"side": "reman", "energy_type": "electricity", "quantity": 7, "unit": "kWh"}, "unit", "kwh"),
            ("energy", {"side": "reman", "energy_type": "electricity", "quantity": 7, "unit": "kWh"}, "unit", "KWH"),
            ("energy", {"side": "reman", "energy_type": "electricity", "quantity": 7, "unit": "kWh"},
             "energy_type", "电力"),
            ("energy", {"side": "reman", "energy_type": "electricity", "quantity": 7, "unit": "kWh"}, "side", "Reman"),
            ("water", {"side": "reman", "stream": "fresh_water", "quantity": 2, "unit": "m3"}, "unit", "吨"),
            ("water", {"side": "reman", "stream": "fresh_water", "quantity": 2, "unit": "m3"}, "unit", "t")):
        out.append((table, row, {**row, column: word}))
    return out


def build_inputs() -> tuple[dict, dict]:
    canonical = load_example().to_dict()
    canonical["settings"]["ghg_from_energy"] = False  # GHG-sheet rows for electricity and heat are words too
    canonical["settings"]["estimation_note"] = canonical["settings"].get("estimation_note") or "test"
    aliased = {k: ([dict(r) for r in v] if isinstance(v, list) else v) for k, v in canonical.items()}
    aliased["settings"] = dict(canonical["settings"])
    cycles = {}
    for (table, column), field in CHOICE_COLUMNS.items():
        for row in aliased.get(table, []):
            key = row.get(column)
            if isinstance(key, str) and key in choice_words().choices[field]:
                words = cycles.setdefault((field, key), itertools.cycle(spellings(field, key)))
                row[column] = next(words)
    for table, row, spelled in alias_rows():
        canonical.setdefault(table, []).append(row)
        aliased.setdefault(table, []).append(spelled)
    return canonical, aliased


@pytest.fixture(scope="module")
def books(lo, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("words")
    canonical, aliased = build_inputs()
    out = {}
    for name, inp in (("canonical", canonical), ("aliased", aliased)):
        path = vector_workbook(tmp / f"{name}.xlsx", inp)
        outcome = evaluate_workbook(path)
        assert outcome.ok, [p.render("en") for p in outcome.problems[:5]]
        out[name] = (path, outcome.evaluation, lo.recalculate(path))
    return out


def test_every_alias_is_in_the_aliased_workbook():
    canonical, aliased = build_inputs()
    typed = {fold(str(r.get(c))) for t in aliased if isinstance(aliased[t], list) for r in aliased[t]
             for c in r if isinstance(r.get(c), str)}
    missing = [a["alias"] for a in shipped_aliases() if fold(a["alias"]) not in typed]
    assert not missing
    assert len(alias_rows()) >= 40


def test_aliases_give_the_canonical_numbers_through_the_file(books):
    _, canonical, _ = books["canonical"]
    _, aliased, _ = books["aliased"]
    for symbol, r in canonical.indicators.items():
        assert aliased[symbol].value == r.value, symbol
        assert aliased[symbol].numerator == r.numerator and aliased[symbol].denominator == r.denominator


def test_aliases_give_the_canonical_numbers_natively_and_in_reman_evaluate(books):
    canonical_inp, _ = build_inputs()
    expected = evaluate(EvaluationInput.from_dict(canonical_inp))
    c = {k: get_column_letter(v + 1) for k, v in SUMMARY_COL.items()}
    for name in ("canonical", "aliased"):
        _, _, cells = books[name]
        summary = cells[SUMMARY_SHEET]
        for k, (symbol, r) in enumerate(expected.indicators.items()):
            row = SUMMARY_FIRST_ROW + k
            for col, want in (("numerator", r.numerator), ("denominator", r.denominator), ("value", r.value),
                              ("live", r.value)):
                got = summary.get(f"{c[col]}{row}")
                if want is None:
                    continue
                assert isinstance(got, float) and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12), \
                    (name, symbol, col, got, want)


def test_an_input_edited_after_recompute_marks_the_audit_out_of_date(books, lo, tmp_path):
    path, ev, cells = books["canonical"]
    audit = cells[SUMMARY_SHEET][f"A{SUMMARY_AUDIT_ROW}"]
    assert audit.startswith("Audit current")
    wb = openpyxl.load_workbook(path)
    ws = wb["Energy 能源"]
    ws["D5"] = ws["D5"].value * 2  # the first energy row, doubled after remanxl computed
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    after = lo.recalculate(edited)[SUMMARY_SHEET]
    assert after[f"A{SUMMARY_AUDIT_ROW}"].startswith("OUT OF DATE")
    se = after[f"{get_column_letter(SUMMARY_COL['value'] + 1)}{SUMMARY_FIRST_ROW}"]
    assert isinstance(se, float) and not math.isclose(se, ev["SE"].value)  # the value followed the edit


def test_a_unit_row_added_on_the_factors_sheet_extends_the_units_and_keeps_kwh(lo, tmp_path):
    """The Guide's own advice: add a unit row to Factors › Units.  kcal becomes a unit, kWh stays one
    (it once vanished), in the file path and in LibreOffice's native formulas."""
    inp = load_example().to_dict()
    path = vector_workbook(tmp_path / "kcal.xlsx", inp)
    wb = openpyxl.load_workbook(path)
    ws = wb["Factors 系数"]
    units = ws.tables["Units"]
    (c1, r1), (c2, r2) = (openpyxl.utils.cell.coordinate_from_string(x) for x in units.ref.split(":"))
    headers = [ws.cell(r1, j).value for j in range(1, openpyxl.utils.column_index_from_string(c2) + 1)]
    blank = next(r for r in range(r1 + 1, r2 + 1) if ws.cell(r, 1).value in (None, ""))
    row = {"unit": "kcal", "dimension": "energy", "to_base": 0.0041868, "base": "MJ", "name_zh": "千卡",
           "name_en": "kilocalorie", "source": "IT calorie, ISO 80000-5"}
    for j, h in enumerate(headers, start=1):
        ws.cell(blank, j, row.get(h))
    energy = wb["Energy 能源"]
    first_blank = next(r for r in range(5, 200) if energy.cell(r, 1).value in (None, ""))
    for col, value in zip("ACDE", ("reman", "electricity", 1_000_000, "kcal")):
        energy[f"{col}{first_blank}"] = value
    edited = tmp_path / "kcal-edited.xlsx"
    wb.save(edited)
    outcome = evaluate_workbook(edited, write=False)
    assert outcome.ok, [p.render("en") for p in outcome.problems[:5]]
    kwh_lines = [li for li in outcome.evaluation.breakdowns["lines"]["energy"] if li["unit"] in ("kWh", "MWh")]
    kcal = [li for li in outcome.evaluation.breakdowns["lines"]["energy"] if li["unit"] == "kcal"]
    assert kwh_lines and len(kcal) == 1
    scale = inp["settings"]["functional_unit_quantity"] / inp["settings"]["reman_data_quantity"]
    assert math.isclose(kcal[0]["value"], 1_000_000 * 0.0041868 / 3.6 * 0.1229 * scale, rel_tol=1e-9)  # kgce
    summary = lo.recalculate(edited)[SUMMARY_SHEET]
    se = summary[f"{get_column_letter(SUMMARY_COL['numerator'] + 1)}{SUMMARY_FIRST_ROW}"]
    assert math.isclose(se, outcome.evaluation["SE"].numerator, rel_tol=1e-9)  # natively the same

"""Every error rule of the specification, at every entry point (library, UDF, CLI)."""
import json

import pytest

from remanxl import InputError, UndefinedRateError, evaluate, indicators as ind, udfs
from remanxl.cli import main

SYMBOLS = ind.SYMBOLS


def cli(tmp_path, inp, capsys, fmt="json"):
    path = tmp_path / "e.json"
    path.write_text(json.dumps(inp), encoding="utf-8")
    code = main(["evaluate", str(path), "--format", fmt])
    return code, capsys.readouterr()


@pytest.mark.parametrize("symbol", SYMBOLS)
def test_zero_denominator_is_undefined_everywhere(symbol):
    with pytest.raises(UndefinedRateError):
        ind.FUNCTIONS[symbol](0, 0)
    out = getattr(udfs, f"REMAN_{symbol}")(0, 0)
    assert isinstance(out, str) and out.startswith("#DIV/0!")


@pytest.mark.parametrize("symbol", SYMBOLS)
def test_negative_and_text_are_errors_everywhere(symbol):
    fn = ind.FUNCTIONS[symbol]
    with pytest.raises(InputError, match="≥ 0"):
        fn(-1, 10)
    with pytest.raises(InputError, match="number"):
        fn("abc", 10)
    with pytest.raises(InputError):
        fn(True, 10)
    udf = getattr(udfs, f"REMAN_{symbol}")
    for bad in (-1, "abc", True, None, [[None]]):
        out = udf(bad, 10)
        assert isinstance(out, str) and out.startswith("#VALUE!"), (bad, out)


@pytest.mark.parametrize("symbol", [s for s in SYMBOLS if ind.BY_SYMBOL[s].group == "implementation"])
def test_share_larger_than_its_whole_names_both_values(symbol):
    with pytest.raises(InputError) as exc:
        ind.FUNCTIONS[symbol](12, 10)
    assert "12" in str(exc.value) and "10" in str(exc.value)
    out = getattr(udfs, f"REMAN_{symbol}")(12, 10)
    assert out.startswith("#VALUE!") and "12" in out and "10" in out


def test_udf_error_codes_from_excel_cells_propagate():
    assert udfs.REMAN_SW(-2146826281, 10).startswith("#DIV/0!")  # a #DIV/0! cell as xlwings passes it


def test_undefined_indicator_in_evaluation_has_a_reason_not_zero(tmp_path, capsys):
    inp = {"water": [{"side": "reman", "stream": "fresh_water", "quantity": 10, "unit": "m3"},
                     {"side": "original", "stream": "fresh_water", "quantity": 0, "unit": "m3"}]}
    ev = evaluate(inp)
    assert ev["SW"].value is None and "undefined" in ev["SW"].reason
    assert ev["SE"].value is None and "no original-side rows" in ev["SE"].reason
    code, out = cli(tmp_path, inp, capsys)
    assert code == 0
    assert json.loads(out.out)["indicators"]["SW"]["value"] is None
    code, out = cli(tmp_path, inp, capsys, "table")
    assert "n/a" in out.out and "undefined" in out.out


BAD_ROWS = [
    ({"energy": [{"side": "reman", "energy_type": "electricity", "quantity": -5, "unit": "kWh"}]},
     ("energy", 0, "quantity"), "≥ 0"),
    ({"energy": [{"side": "reman", "energy_type": "electricity", "quantity": "lots", "unit": "kWh"}]},
     ("energy", 0, "quantity"), "expected a number"),
    ({"energy": [{"side": "reman", "energy_type": "unobtainium", "quantity": 1, "unit": "kWh"}]},
     ("energy", 0, "energy_type"), "'unobtainium'"),
    ({"energy": [{"side": "reman", "energy_type": "electricity", "quantity": 1, "unit": "kg"}]},
     ("energy", 0, "unit"), "mass unit"),
    ({"energy": [{"side": "reman", "energy_type": "electricity", "quantity": 1, "unit": "furlong"}]},
     ("energy", 0, "unit"), "unknown unit"),
    ({"air": [{"side": "reman", "pollutant": "kryptonite", "quantity": 1, "unit": "kg"}]},
     ("air", 0, "pollutant"), "'kryptonite'"),
    ({"air": [{"side": "reman", "pollutant": "cod", "quantity": 1, "unit": "kg"}]},
     ("air", 0, "pollutant"), "water pollutant"),
    ({"ghg": [{"side": "reman", "source": "moonshine", "quantity": 1, "unit": "kg"}]},
     ("ghg", 0, "source"), "unknown GHG source"),
    ({"ghg": [{"side": "reman", "source": "NF3", "quantity": 1, "unit": "kg"}], "settings": {"gwp_set": "SAR"}},
     ("ghg", 0, "source"), "no GWP"),
    ({"water": [{"side": "sideways", "stream": "fresh_water", "quantity": 1, "unit": "m3"}]},
     ("water", 0, "side"), "expected one of reman 再制造; original 原制造"),
    ({"water": [{"side": "reman", "stream": "fresh_water", "quantity": 1, "unit": "kWh"}]},
     ("water", 0, "unit"), "energy unit"),
    ({"parts": [{"name": "Piston", "quantity": 6, "unit_mass_kg": 3, "fate": "replaced"}]},
     ("parts", 0, "old_part_treatment"), "required for a replaced part"),
    ({"parts": [{"name": "Rod", "quantity": 6, "unit_mass_kg": 3, "fate": "reused", "intact_count": 7}]},
     ("parts", 0, "intact_count"), "more than the quantity"),
    ({"settings": {"gwp_set": "AR9"}}, ("settings", None, "gwp_set"), "expected one of SAR"),
    ({"settings": {"functional_unit_quantity": 0}}, ("settings", None, "functional_unit_quantity"), "> 0"),
    ({"settings": {"electricity_basis": "equal"}}, ("settings", None, "electricity_equal_value_kgce_per_kwh"),
     "coal rate"),
    ({"settings": {"colour": "red"}}, ("settings", None, "colour"), "unknown setting"),
]


@pytest.mark.parametrize("inp, where, text", BAD_ROWS, ids=[f"{w[1][0]}:{w[1][2]}:{i}" for i, w in enumerate(BAD_ROWS)])
def test_bad_input_names_table_row_and_column(tmp_path, capsys, inp, where, text):
    with pytest.raises(InputError) as exc:
        evaluate(inp)
    hits = [p for p in exc.value.problems if (p.table, p.row, p.column) == where]
    assert hits, exc.value.problems
    assert text in hits[0].message
    code, out = cli(tmp_path, inp, capsys)
    assert code == 1 and out.out == ""
    assert text in out.err


def test_all_problems_are_reported_at_once():
    inp = {"energy": [{"side": "reman", "energy_type": "nope", "quantity": 1, "unit": "kWh"},
                      {"side": "original", "energy_type": "electricity", "quantity": 1, "unit": "kg"}],
           "settings": {"gwp_set": "AR9"}}
    with pytest.raises(InputError) as exc:
        evaluate(inp)
    assert len(exc.value.problems) == 3


def test_species_on_one_side_only_warns():
    ev = evaluate({"air": [{"side": "reman", "pollutant": "so2", "quantity": 1, "unit": "kg"},
                           {"side": "original", "pollutant": "so2", "quantity": 2, "unit": "kg"},
                           {"side": "original", "pollutant": "nox", "quantity": 2, "unit": "kg"}]})
    assert any("nox" in w and "original side only" in w for w in ev.warnings)
    assert ev.breakdowns["air"]["nox"]["reman_kg"] == 0


def test_rr_plus_rrp_check_against_measured_product_mass():
    parts = [{"name": "Block", "quantity": 1, "unit_mass_kg": 300, "fate": "remanufactured"},
             {"name": "Piston", "quantity": 6, "unit_mass_kg": 3, "fate": "replaced", "old_part_treatment": "recycled"}]
    ev = evaluate({"parts": parts, "settings": {"product_mass_kg": 400}})
    assert any("RR + RRP" in w for w in ev["RR"].warnings)
    assert ev["RR"].denominator == 400
    assert not evaluate({"parts": parts, "settings": {"product_mass_kg": 318}})["RR"].warnings


def test_implied_co2_per_kgce_far_outside_the_factors_warns():
    energy = [{"side": s, "energy_type": "electricity", "quantity": q, "unit": "kWh"}
              for s, q in (("reman", 100), ("original", 400))]
    ghg = [{"side": "reman", "source": "electricity", "quantity": 100, "unit": "kWh"},
           {"side": "original", "source": "electricity", "quantity": 400, "unit": "MWh"}]  # unit slip
    ev = evaluate({"energy": energy, "ghg": ghg, "settings": {"ghg_from_energy": False}})
    assert any(w.startswith("original side: energy-related GHG") for w in ev.warnings)
    assert not any(w.startswith("remanufacturing side: energy-related") for w in ev.warnings)


def test_vocs_kept_out_of_the_equivalent_sum_with_a_warning():
    rows = [{"side": s, "pollutant": p, "quantity": q, "unit": "kg"}
            for s, p, q in (("reman", "so2", 1), ("original", "so2", 2), ("reman", "vocs", 50), ("original", "vocs", 10))]
    ev = evaluate({"air": rows})
    assert ev["RAP"].value == pytest.approx(0.5)
    assert any("vocs" in w for w in ev["RAP"].warnings)
    assert ev.breakdowns["air"]["vocs"]["rate"] == pytest.approx(-4.0)
    assert ev.breakdowns["air"]["vocs"]["counted"] is False


def test_numbers_with_commas_are_thousands_only():
    ok = {"water": [{"side": "reman", "stream": "fresh_water", "quantity": "1,500", "unit": "m3"},
                    {"side": "original", "stream": "fresh_water", "quantity": "3,000", "unit": "m3"}]}
    assert evaluate(ok)["SW"].value == pytest.approx(0.5)
    bad = {"water": [{"side": "reman", "stream": "fresh_water", "quantity": "1,5", "unit": "m3"}]}
    with pytest.raises(InputError, match="expected a number"):
        evaluate(bad)


def test_user_factor_rows_are_validated():
    inp = {"factors": {"pollution_equivalents": [{"key": "so2", "kg_per_equivalent": 0}],
                       "energy_conversion": [{"key": "diesel", "kgce_per_unit": "lots"}]}}
    with pytest.raises(InputError) as exc:
        evaluate(inp)
    messages = [str(p) for p in exc.value.problems]
    assert any("kg_per_equivalent" in m and "> 0" in m for m in messages)
    assert any("kgce_per_unit" in m and "'lots'" in m for m in messages)


def test_unspecified_provenance_is_a_warning_not_a_dodge_of_the_rule():
    """Blank provenance is reported (it is not "estimated", so the estimation-note rule does not apply)."""
    inp = {"water": [{"side": "reman", "stream": "fresh_water", "quantity": 1, "unit": "m3"},
                     {"side": "original", "stream": "fresh_water", "quantity": 2, "unit": "m3"}]}
    ev = evaluate(inp)
    assert ev.valid and any("no provenance" in w for w in ev.warnings)
    assert ev.provenance["by_provenance"] == {"unspecified": 1}


@pytest.mark.parametrize("value", ["inf", float("inf"), float("nan"), 10 ** 400])
def test_infinite_settings_are_refused(value):
    with pytest.raises(InputError, match="functional_unit_quantity: expected a"):
        evaluate({"settings": {"functional_unit_quantity": value}})


def test_coefficients_typed_into_udfs_must_be_positive():
    assert udfs.REMAN_TCE(1, "electricity", "kWh", 0).startswith("#VALUE! electricity_basis")
    assert udfs.REMAN_CO2E(1, "electricity", "kWh", None, 0).startswith("#VALUE! grid_factor")
    assert udfs.REMAN_TCE(1000, "electricity", "kWh", 0.3) == 300.0


def test_cells_that_do_not_parse_come_before_what_the_sums_find():
    """Whatever the order of the steps inside, problems are listed as one pass reads them: settings,
    factor rows, every table's unparsable cells (the ledger last), then the faults the sums find."""
    from remanxl import evaluate
    from remanxl.method.errors import InputError

    inp = {"settings": {"gwp_set": "AR9"},
           "energy": [{"side": "reman", "energy_type": "diesel", "quantity": 3, "unit": "m3"},
                      {"side": "original", "energy_type": "diesel", "quantity": "lots", "unit": "kg"}],
           "parts": [{"name": "Block", "quantity": "two", "unit_mass_kg": 1, "fate": "reused"},
                     {"name": "Head", "quantity": 1, "unit_mass_kg": 1, "fate": "reused", "intact_count": 2}]}
    with pytest.raises(InputError) as exc:
        evaluate(inp)
    where = [(p.table, p.row, p.column) for p in exc.value.problems]
    assert where == [("settings", None, "gwp_set"), ("energy", 1, "quantity"), ("parts", 0, "quantity"),
                     ("energy", 0, "unit"), ("parts", 1, "intact_count")]


def test_a_factor_block_row_without_its_key_is_reported_at_its_row():
    """REMAN_EVALUATE reads factor rows as the workbook reader does: a value typed without its key is
    reported at its own row, not dropped (which would shift every later row's number)."""
    from remanxl.functions.evaluate_grid import RangeProblems, evaluate_grids
    from remanxl.method.factors import default_factors

    cols = default_factors()["grid_emission_factors"].columns
    row = {c: None for c in cols}
    energy = [["Side", "Energy type", "Quantity", "Unit"], ["original", "electricity", 10, "kWh"],
              ["reman", "electricity", 4, "kWh"]]
    factors = [cols, [*{**row, "kgco2_per_kwh": 0.4}.values()], [*{**row, "key": "mine", "kgco2_per_kwh": -1}.values()]]
    with pytest.raises(RangeProblems) as exc:
        evaluate_grids([energy, factors])
    where = [(p.sheet, p.cell) for p in exc.value.located]  # the factor range's rows 2 and 3 (under its header)
    assert where[0] == ("argument 2 (GridFactors)", "A2") and ("argument 2 (GridFactors)", "D3") in where


def test_a_block_whose_headers_fit_two_tables_is_not_guessed():
    """Air and water pollutants share their column keys: a block headed by bare keys is refused rather
    than read as whichever table comes first; the template's headers tell them apart."""
    from remanxl.method.inputs import TABLES
    from remanxl.sheet.reader import identify

    row = ["reman", None, "cod", 1.0, "kg", None, None]
    blocks, problems = identify([[[c.key for c in TABLES["water_pollutants"].columns], row]])
    assert not blocks and "fit two alike" in problems[0].message
    blocks, problems = identify([[[c.header for c in TABLES["water_pollutants"].columns], row]])
    assert list(blocks) == ["WaterPollutants"] and not problems and blocks["WaterPollutants"].rows[0][2] == "cod"


@pytest.mark.parametrize("word, value", [("是", True), ("t", True), ("✓", True), ("x", True), ("假", False),
                                         ("f", False), ("否", False)])
def test_one_reading_of_yes_and_no_for_settings_and_cells(word, value):
    """A setting and a table cell read the same words as TRUE or FALSE."""
    from remanxl.method.inputs import TABLES, parse_value
    from remanxl.method.settings import Settings

    consumable = TABLES["parts"].column("consumable")
    assert parse_value(consumable, word) is value
    assert Settings.from_mapping({"rnd_exclude_consumables": word}).rnd_exclude_consumables is value

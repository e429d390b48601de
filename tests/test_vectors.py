"""Every acceptance vector of the specification, through every entry point that can compute it:
the core API, the ``remanxl.udfs`` functions and ``remanxl evaluate --format json``."""
import json
import math

import pytest

from remanxl.method.errors import InputError

from remanxl import evaluate, udfs
from remanxl.cli import main
from spec_vectors import t1_input, t2_energy_input, t2_input, t3_input, t4_input, t5_input, vector

TOL = 1e-4  # the specification's tolerance on fractions


def approx(x, rel=1e-6):
    return pytest.approx(x, rel=rel)


def run_cli_json(tmp_path, capsys, inp):
    path = tmp_path / "evaluation.json"
    path.write_text(json.dumps(inp), encoding="utf-8")
    assert main(["evaluate", str(path), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------- T1 energy


@pytest.mark.parametrize("equal", [False, True])
def test_t1_core(equal):
    exp = vector("T1")["variant_equal_value" if equal else "expected"]
    exp = exp["expected"] if equal else exp
    ev = evaluate(t1_input(equal))
    assert ev["SE"].numerator == approx(exp["CER_kgce"], 1e-12)
    assert ev["SE"].denominator == approx(exp["CEM_kgce"], 1e-12)
    assert ev["SE"].value == pytest.approx(exp["SE"], abs=TOL)
    assert ev["SE"].unit == "kgce"


def test_t1_udfs():
    v = vector("T1")
    rows = {s: [r for r in v["energy"] if r["side"] == s] for s in ("reman", "original")}

    def tce(side, basis=None):
        q = [[r["quantity"]] for r in rows[side]]
        k = [[r["energy_type"]] for r in rows[side]]
        u = [[r["unit"]] for r in rows[side]]
        return udfs.REMAN_TCE(q, k, u, basis)

    cer, cem = tce("reman"), tce("original")
    assert cer == approx(v["expected"]["CER_kgce"], 1e-12)
    assert cem == approx(v["expected"]["CEM_kgce"], 1e-12)
    assert udfs.REMAN_SE(cer, cem) == pytest.approx(v["expected"]["SE"], abs=TOL)
    exp = v["variant_equal_value"]["expected"]
    cer, cem = tce("reman", 0.3007), tce("original", 0.3007)
    assert cer == approx(exp["CER_kgce"], 1e-12) and cem == approx(exp["CEM_kgce"], 1e-12)
    assert udfs.REMAN_SE(cer, cem) == pytest.approx(exp["SE"], abs=1e-6)


@pytest.mark.parametrize("equal", [False, True])
def test_t1_cli(tmp_path, capsys, equal):
    v = vector("T1")
    exp = v["variant_equal_value"]["expected"] if equal else v["expected"]
    out = run_cli_json(tmp_path, capsys, t1_input(equal))
    se = out["indicators"]["SE"]
    assert se["numerator"] == approx(exp["CER_kgce"], 1e-12)
    assert se["denominator"] == approx(exp["CEM_kgce"], 1e-12)
    assert se["value"] == pytest.approx(exp["SE"], abs=TOL)


# ---------------------------------------------------------------- T2 GHG


def test_t2_core_derived_factors():
    """Default: fuel factors derived from NCV x CC x OF x 44/12 (the vector's factors are these, rounded)."""
    exp = vector("T2")["expected"]
    ev = evaluate(t2_input())
    assert ev["RGHG"].value == pytest.approx(exp["RGHG"], abs=TOL)
    assert ev["RGHG"].numerator == approx(exp["EGR_kgco2e"], 1e-5)
    assert ev["RGHG"].denominator == approx(exp["EGM_kgco2e"], 1e-5)
    used = ev.factors_used["fuel_emission_factors"]
    for key, ef in vector("T2")["emission_factors_used_kgco2_per_unit"].items():
        if key == "electricity":
            assert ev.factors_used["grid_emission_factors"]["user value"]["value"] == ef
        else:
            assert round(used[key]["value"], 4) == ef, key


def test_t2_core_with_the_vectors_exact_factors():
    """With the vector's printed factors as user rows, the totals match to the last digit."""
    v = vector("T2")
    efs = v["emission_factors_used_kgco2_per_unit"]
    inp = t2_input()
    inp["settings"]["fuel_factor_method"] = "tabulated"
    inp["factors"] = {"fuel_emission_factors": [{"key": k, "kgco2_per_unit": x} for k, x in efs.items()
                                                  if k != "electricity"]}
    ev = evaluate(inp)
    assert ev["RGHG"].numerator == approx(v["expected"]["EGR_kgco2e"], 1e-12)
    assert ev["RGHG"].denominator == approx(v["expected"]["EGM_kgco2e"], 1e-12)
    assert ev["RGHG"].value == pytest.approx(v["expected"]["RGHG"], abs=1e-6)


@pytest.mark.parametrize("method", ["derived", "tabulated"])
def test_t2_typed_once_on_the_energy_sheet_gives_the_same_totals(method):
    """Fuels and electricity typed once, on the Energy sheet, give exactly the emissions that typing them
    again on the GHG sheet gave (setting ghg_from_energy)."""
    exp = vector("T2")["expected"]
    twice, once = t2_input(), t2_energy_input()
    for inp in (twice, once):
        inp["settings"]["fuel_factor_method"] = method
    a, b = evaluate(twice)["RGHG"], evaluate(once)["RGHG"]
    assert (b.numerator, b.denominator, b.value) == (a.numerator, a.denominator, a.value)
    if method == "derived":
        assert b.numerator == approx(exp["EGR_kgco2e"], 1e-5) and b.denominator == approx(exp["EGM_kgco2e"], 1e-5)
    lines = evaluate(once).breakdowns["lines"]["ghg"]
    assert {li["table"] for li in lines} == {"energy", "ghg"}
    assert sorted(li["key"] for li in lines if li["table"] == "ghg") == ["co2_shielding_gas", "co2_shielding_gas"]


def test_a_source_the_energy_sheet_gives_is_refused_on_the_ghg_sheet():
    """Never counted twice: with ghg_from_energy (the default), electricity typed on the GHG sheet is refused
    at its row, with what to do."""
    inp = t2_energy_input()
    inp["ghg"].append({"side": "reman", "source": "电力", "quantity": 10, "unit": "kWh"})
    with pytest.raises(InputError) as err:
        evaluate(inp)
    (p,) = err.value.problems
    assert (p.table, p.row, p.column) == ("ghg", 2, "source")
    assert "Energy sheet" in p.message and "ghg_from_energy" in p.message


def test_t2_udfs():
    v = vector("T2")
    grid = v["settings"]["grid_factor_kgco2_per_kwh"]

    def co2e(side):
        rows = [r for r in v["sources"] if r["side"] == side]
        return udfs.REMAN_CO2E([[r["quantity"]] for r in rows], [[r["source"]] for r in rows],
                               [[r["unit"]] for r in rows], "AR5", grid)

    egr, egm = co2e("reman"), co2e("original")
    assert egr == approx(v["expected"]["EGR_kgco2e"], 1e-5)
    assert udfs.REMAN_RGHG(egr, egm) == pytest.approx(v["expected"]["RGHG"], abs=TOL)


@pytest.mark.parametrize("gwp_set", ["SAR", "AR5", "AR6"])
def test_t2_gwp_check(gwp_set):
    check = vector("T2")["gwp_check"]
    expected = check["expected_kgco2e"][gwp_set]
    assert udfs.REMAN_CO2E(check["SF6_kg"], "SF6", "kg", gwp_set) == approx(expected, 1e-12)
    ev = evaluate({"settings": {"gwp_set": gwp_set},
                   "ghg": [{"side": "reman", "source": "SF6", "quantity": check["SF6_kg"], "unit": "kg"},
                           {"side": "original", "source": "SF6", "quantity": 1, "unit": "kg"}]})
    assert ev["RGHG"].numerator == approx(expected, 1e-12)


def test_t2_cli(tmp_path, capsys):
    exp = vector("T2")["expected"]
    out = run_cli_json(tmp_path, capsys, t2_input())
    assert out["indicators"]["RGHG"]["value"] == pytest.approx(exp["RGHG"], abs=TOL)


# ---------------------------------------------------------------- T3 air


def test_t3_core():
    exp = vector("T3")["expected"]
    ev = evaluate(t3_input())
    assert ev["RAP"].numerator == approx(exp["EAR_equivalents"], 1e-5)
    assert ev["RAP"].denominator == approx(exp["EAM_equivalents"], 1e-5)
    assert ev["RAP"].value == pytest.approx(exp["RAP"], abs=TOL)
    for species, rate in exp["per_species"].items():
        assert ev.breakdowns["air"][species]["rate"] == pytest.approx(rate, abs=TOL)
    assert evaluate(t3_input("mass"))["RAP"].value == pytest.approx(exp["RAP_mass_basis"], abs=TOL)


def test_t3_udfs():
    v = vector("T3")
    exp = v["expected"]
    sides = {s: [r for r in v["air_emissions_kg"] if r["side"] == s] for s in ("reman", "original")}
    ear, eam = (udfs.REMAN_PEQ([[r["mass_kg"]] for r in sides[s]], [[r["pollutant"]] for r in sides[s]])
                for s in ("reman", "original"))
    assert ear == approx(exp["EAR_equivalents"], 1e-5) and eam == approx(exp["EAM_equivalents"], 1e-5)
    assert udfs.REMAN_RAP(ear, eam) == pytest.approx(exp["RAP"], abs=TOL)
    masses = {s: [[r["mass_kg"]] for r in sides[s]] for s in sides}
    assert udfs.REMAN_RAP(masses["reman"], masses["original"]) == pytest.approx(exp["RAP_mass_basis"], abs=TOL)


def test_t3_cli(tmp_path, capsys):
    exp = vector("T3")["expected"]
    out = run_cli_json(tmp_path, capsys, t3_input())
    assert out["indicators"]["RAP"]["value"] == pytest.approx(exp["RAP"], abs=TOL)
    assert out["breakdowns"]["air"]["toluene"]["rate"] == pytest.approx(exp["per_species"]["toluene"], abs=TOL)


# ---------------------------------------------------------------- T4 water, effluent, waste, material


def _t4_check(get, exp):
    assert get("SW") == pytest.approx(exp["SW"], abs=TOL)
    assert get("REF") == pytest.approx(exp["REF_volume"], abs=TOL)
    assert get("RSW") == pytest.approx(exp["RSW"], abs=TOL)
    assert get("SM") == pytest.approx(exp["SM"], abs=TOL)


def test_t4_core():
    exp = vector("T4")["expected"]
    ev = evaluate(t4_input())
    _t4_check(lambda s: ev[s].value, exp)
    pe = evaluate(t4_input("pollution_equivalent"))
    assert pe["REF"].value == pytest.approx(exp["REF_pollution_equivalent"], abs=TOL)
    assert pe["REF"].numerator == approx(exp["EWR_equivalents"], 1e-12)
    assert pe["REF"].denominator == approx(exp["EWM_equivalents"], 1e-12)
    assert pe["REF"].unit == "PE"


def test_t4_udfs():
    i, exp = vector("T4")["inputs"], vector("T4")["expected"]
    assert udfs.REMAN_SW(i["fresh_water_m3"]["reman"], i["fresh_water_m3"]["original"]) == pytest.approx(exp["SW"], abs=TOL)
    assert udfs.REMAN_REF(i["wastewater_m3"]["reman"], i["wastewater_m3"]["original"]) == pytest.approx(exp["REF_volume"], abs=TOL)
    assert udfs.REMAN_RSW(i["solid_waste_kg"]["reman"], i["solid_waste_kg"]["original"]) == pytest.approx(exp["RSW"], abs=TOL)
    assert udfs.REMAN_SM(i["materials_kg"]["reman"], i["materials_kg"]["original"]) == pytest.approx(exp["SM"], abs=TOL)
    ewr, ewm = (udfs.REMAN_PEQ(list(i["water_pollutants_kg"][s].values()), list(i["water_pollutants_kg"][s]))
                for s in ("reman", "original"))
    assert (ewr, ewm) == (approx(exp["EWR_equivalents"], 1e-12), approx(exp["EWM_equivalents"], 1e-12))
    assert udfs.REMAN_REF(ewr, ewm) == pytest.approx(exp["REF_pollution_equivalent"], abs=TOL)


def test_t4_cli(tmp_path, capsys):
    out = run_cli_json(tmp_path, capsys, t4_input())
    _t4_check(lambda s: out["indicators"][s]["value"], vector("T4")["expected"])


# ---------------------------------------------------------------- T5 parts ledger


T5_MASS = {"RR": "RR_mass", "RRP": "RRP_mass", "RUP": "RUP_mass", "RNR": "RNR_mass", "RDH": "RDH_mass"}


def test_t5_core_default_bases():
    exp = vector("T5")["expected"]
    ev = evaluate(t5_input())
    for symbol, key in T5_MASS.items():
        assert ev[symbol].value == pytest.approx(exp[key], abs=TOL), symbol
        assert ev[symbol].basis.startswith("mass")
    assert ev["RND"].value == pytest.approx(exp["RND_count"], abs=TOL)
    parts = ev.breakdowns["parts"]
    assert parts["removed"] == {"count": exp["parts_removed_count"], "mass_kg": approx(exp["parts_removed_kg"], 1e-12)}
    assert parts["core_derived"]["count"] == exp["core_derived_count"]
    assert parts["core_derived"]["mass_kg"] == approx(exp["core_derived_kg"], 1e-12)
    assert parts["new"] == {"count": exp["new_count"], "mass_kg": approx(exp["new_kg"], 1e-12)}
    assert ev["RR"].value + ev["RRP"].value == pytest.approx(1.0, abs=1e-12)


def test_t5_core_count_bases_and_options():
    exp = vector("T5")["expected"]
    ev = evaluate(t5_input(basis_rrp="count", basis_rup="count", rnd_exclude_consumables=True))
    assert ev["RRP"].value == pytest.approx(exp["RRP_count"], abs=TOL)
    assert ev["RUP"].value == pytest.approx(exp["RUP_count"], abs=TOL)
    assert ev["RND"].value == pytest.approx(exp["RND_count_excluding_consumables"], abs=TOL)
    assert ev["RRP"].unit == "parts" and ev["RRP"].basis.startswith("count")


def test_t5_udfs():
    exp = vector("T5")["expected"]
    assert udfs.REMAN_RR(exp["core_derived_kg"], exp["parts_removed_kg"]) == pytest.approx(exp["RR_mass"], abs=TOL)
    assert udfs.REMAN_RRP(exp["new_kg"], exp["parts_removed_kg"]) == pytest.approx(exp["RRP_mass"], abs=TOL)
    assert udfs.REMAN_RRP(exp["new_count"], exp["parts_removed_count"]) == pytest.approx(exp["RRP_count"], abs=TOL)
    assert udfs.REMAN_RUP(exp["core_derived_count"], exp["parts_removed_count"]) == pytest.approx(exp["RUP_count"], abs=TOL)
    ev = evaluate(t5_input())
    for symbol in ("RND", "RNR", "RDH"):
        r = ev[symbol]
        assert getattr(udfs, f"REMAN_{symbol}")(r.numerator, r.denominator) == pytest.approx(r.value, rel=1e-12)


def test_t5_cli(tmp_path, capsys):
    exp = vector("T5")["expected"]
    out = run_cli_json(tmp_path, capsys, t5_input())
    for symbol, key in T5_MASS.items():
        assert out["indicators"][symbol]["value"] == pytest.approx(exp[key], abs=TOL)
    assert out["breakdowns"]["parts_both_bases"]["RRP"]["count"] == pytest.approx(exp["RRP_count"], abs=TOL)


# ---------------------------------------------------------------- T6 edge cases


T6_CALLS = {
    'REMAN_SW(1300, 1000)': lambda: udfs.REMAN_SW(1300, 1000),
    'REMAN_SW(10, 0)': lambda: udfs.REMAN_SW(10, 0),
    'REMAN_SW(-1, 10)': lambda: udfs.REMAN_SW(-1, 10),
    'REMAN_SW("abc", 10)': lambda: udfs.REMAN_SW("abc", 10),
    'REMAN_TCE(1, "unobtainium")': lambda: udfs.REMAN_TCE(1, "unobtainium"),
    'REMAN_TCE(1, "electricity", "MWh")': lambda: udfs.REMAN_TCE(1, "electricity", "MWh"),
    'REMAN_TCE(1, "electricity", "kg")': lambda: udfs.REMAN_TCE(1, "electricity", "kg"),
}


@pytest.mark.parametrize("case", [c for c in vector("T6")["cases"] if c["call"].startswith("REMAN_")],
                         ids=lambda c: c["call"])
def test_t6_udfs(case):
    result = T6_CALLS[case["call"]]()
    if case["expected"] == "error":
        assert isinstance(result, str) and result.startswith("#"), result
    else:
        assert result == case["expected"]  # exact: results are rounded to the 15 digits a cell holds


def test_t6_error_texts_name_the_argument_and_the_key():
    assert "cwm" in udfs.REMAN_SW(10, 0).lower() and "undefined" in udfs.REMAN_SW(10, 0)
    assert "cwr" in udfs.REMAN_SW(-1, 10)
    assert "'abc'" in udfs.REMAN_SW("abc", 10)
    assert "'unobtainium'" in udfs.REMAN_TCE(1, "unobtainium")
    assert "'kg' is a mass unit" in udfs.REMAN_TCE(1, "electricity", "kg")


def test_t6_estimation_note_rule_core_and_cli(tmp_path, capsys):
    inp = t4_input()
    inp["settings"]["remanufacturer_type"] = "independent"
    inp["water"][1]["provenance"] = "estimated"
    ev = evaluate(inp)
    assert not ev.valid
    assert "estimation note" in ev.invalid_reasons[0]
    assert ev["SW"].value is None and "estimation note" in ev["SW"].reason
    path = tmp_path / "e.json"
    path.write_text(json.dumps(inp))
    assert main(["evaluate", str(path), "--format", "json"]) == 3
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is False and "estimation note" in out["invalid_reasons"][0]
    inp["settings"]["estimation_note"] = "scaled from the OEM's environmental report"
    assert evaluate(inp).valid
    inp["settings"].update(remanufacturer_type="oem", estimation_note="")
    assert evaluate(inp).valid


def test_negative_rate_is_shown_not_clipped():
    ev = evaluate({"water": [{"side": "reman", "stream": "fresh_water", "quantity": 1300, "unit": "m3"},
                             {"side": "original", "stream": "fresh_water", "quantity": 1000, "unit": "m3"}]})
    assert ev["SW"].value == pytest.approx(-0.3, abs=1e-15)
    assert any("negative" in w for w in ev["SW"].warnings)
    assert not math.isnan(ev["SW"].value)


def test_breakdowns_carry_their_own_rates():
    """The core computes every rate the Summary shows; the workbook layer only lays them out."""
    ev = evaluate(t1_input())
    assert ev.breakdowns["energy"]["by_type"]["electricity"]["rate"] == pytest.approx(1 - 95000 / 310000)
    assert ev.breakdowns["energy"]["by_type"]["coke"]["rate"] == 1.0  # used by the original side only
    assert ev.breakdowns["energy"]["total_kgce"]["rate"] == pytest.approx(ev["SE"].value)
    w = evaluate(t4_input()).breakdowns["water"]
    assert w["fresh_water_m3"]["rate"] == pytest.approx(vector("T4")["expected"]["SW"], abs=TOL)


@pytest.mark.parametrize("source, unit", [("electricity", "kWh"), ("电力", "MWh"), ("grid electricity", "kWh"),
                                          ("diesel", "t"), ("natural_gas", "m3"), ("SF6", "g")])
def test_reman_co2e_reads_a_source_as_the_evaluation_does(source, unit):
    """Every spelling the GHG table accepts, REMAN_CO2E accepts, with the same kgCO2e."""
    ev = evaluate({"settings": {"ghg_from_energy": False},
                   "ghg": [{"side": "original", "source": source, "quantity": 3.0, "unit": unit},
                           {"side": "reman", "source": source, "quantity": 1.0, "unit": unit}]})
    assert udfs.REMAN_CO2E(3.0, source, unit) == pytest.approx(ev["RGHG"].denominator, rel=1e-12)

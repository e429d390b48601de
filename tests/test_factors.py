"""The shipped coefficient tables: each one well formed and sourced, holding the published values the
acceptance vectors are built on, and behaving as documented."""
import csv
import math
from importlib import resources

import pytest

from remanxl import default_factors
from remanxl.method.factors import UnknownKeyError, table_files
from remanxl.method.units import UnitError
from spec_vectors import vector

#: Each table's columns, in order: a renamed or dropped column would break the workbook's Factors sheet
#: (its native formulas name them) and the readers of edited factor rows.
SCHEMAS = {
    "energy_conversion": ["key", "name_zh", "name_en", "unit", "kgce_per_unit", "kind", "source", "note"],
    "fuel_emission_factors": ["key", "unit", "kgco2_per_unit", "ncv", "ncv_unit", "carbon_content_tc_per_tj",
                              "oxidation_rate", "source"],
    "grid_emission_factors": ["key", "region", "year", "kgco2_per_kwh", "scope", "source"],
    "gwp": ["gas", "SAR", "AR4", "AR5", "AR6", "source"],
    "pollution_equivalents": ["medium", "key", "name_zh", "name_en", "kg_per_equivalent", "source"],
    "lumped_pollutants": ["medium", "key", "name_zh", "name_en", "note", "source"],
    "units": ["unit", "dimension", "to_base", "base", "name_zh", "name_en", "source"],
    "ncv_units": ["ncv_unit", "energy_unit", "amount", "per_unit", "note", "source"],
    "energy_ghg_sources": ["energy_type", "ghg_source", "note", "source"],
    "densities": ["substance", "kg_per_m3", "note", "source"],
    "provenance_uncertainty": ["provenance", "gsd2", "reliability", "completeness", "temporal", "geographical",
                               "technological", "basic_gsd2", "note", "source"],
    "factor_uncertainty": ["coefficient", "gsd2", "note", "source"],
}


def test_every_energy_type_with_a_ghg_source_names_a_row_remanxl_has():
    """energy_ghg_sources maps rows of energy_conversion to sources of fuel_emission_factors (or grid
    electricity): a key missing on either side would silently drop emissions."""
    f = default_factors()
    for energy_type, row in f["energy_ghg_sources"].rows.items():
        assert energy_type in f["energy_conversion"].rows
        assert row["ghg_source"] == "electricity" or row["ghg_source"] in f["fuel_emission_factors"].rows


def raw_rows(name):
    """The CSV as text, read without remanxl's loader (which keys rows by a dict and so hides duplicates)."""
    text = resources.files("remanxl.method").joinpath("data", table_files()[name]).read_text(encoding="utf-8")
    reader = csv.reader(text.splitlines())
    return next(reader), list(reader)


def test_every_table_is_listed_with_its_schema():
    assert set(table_files()) == set(SCHEMAS)


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_table_schema_keys_and_sources(name):
    header, rows = raw_rows(name)
    assert header == SCHEMAS[name]
    table = default_factors()[name]
    key = header.index(table.key)
    keys = [r[key] for r in rows]
    assert all(len(r) == len(header) for r in rows), "a row with a missing or extra cell"
    assert all(k.strip() == k and k for k in keys)
    assert len(keys) == len(set(keys)), "duplicate keys: " + ", ".join(sorted({k for k in keys if keys.count(k) > 1}))
    source = header.index("source")
    assert [r[key] for r in rows if not r[source].strip()] == [], "rows without a source"
    if table.value_column:
        values = [table.rows[k][table.value_column] for k in keys]
        assert all(isinstance(v, float) and math.isfinite(v) and v > 0 for v in values)


def test_grid_factors_carry_their_year_and_2023_covers_every_region_of_2022():
    grid = default_factors()["grid_emission_factors"]
    for key, row in grid.rows.items():
        assert isinstance(row["year"], float), key
    keys_2022 = {k[: -len("_2022")] for k in grid.rows if k.endswith("_2022")}
    keys_2023 = {k[: -len("_2023")] for k in grid.rows if k.endswith("_2023")}
    assert keys_2022 <= keys_2023, "a region whose newest factor is a year behind the national default"


def test_names_shared_by_air_and_water_resolve_in_their_medium():
    pe = default_factors()["pollution_equivalents"]
    assert pe.resolve("苯", where={"medium": "water"}) == "benzene_water"
    assert pe.resolve("苯", where={"medium": "air"}) == "benzene"
    assert pe.resolve("氟化物", where={"medium": "water"}) == "fluoride"
    assert pe.value(pe.resolve("三氯乙烯", where={"medium": "water"})) == 0.04


def test_energy_factors_give_vector_t1():
    """T1's expected totals follow from its rows and the shipped coefficients, by plain arithmetic."""
    v, f = vector("T1"), default_factors()
    for basis, settings, expected in (("equivalent", {}, v["expected"]),
                                      ("equal", v["variant_equal_value"]["settings"],
                                       v["variant_equal_value"]["expected"])):
        for side, total in (("reman", "CER_kgce"), ("original", "CEM_kgce")):
            kgce = 0.0
            for r in v["energy"]:
                if r["side"] != side:
                    continue
                factor = (settings["electricity_equal_value_kgce_per_kwh"]
                          if basis == "equal" and r["energy_type"] == "electricity"
                          else f.value("energy_conversion", r["energy_type"]))
                assert r["unit"] == f["energy_conversion"].row(r["energy_type"])["unit"]
                kgce += r["quantity"] * factor
            assert kgce / v["settings"]["functional_unit_quantity"] * 100 == pytest.approx(expected[total], abs=0.005)


def test_pollution_equivalents_give_vectors_t3_and_t4():
    f = default_factors()
    t3 = vector("T3")
    for side, total in (("reman", "EAR_equivalents"), ("original", "EAM_equivalents")):
        pe = sum(r["mass_kg"] / f.value("pollution_equivalents", r["pollutant"])
                 for r in t3["air_emissions_kg"] if r["side"] == side)
        assert pe == pytest.approx(t3["expected"][total], abs=5e-5)
    t4 = vector("T4")
    for side, total in (("reman", "EWR_equivalents"), ("original", "EWM_equivalents")):
        kg = t4["inputs"]["water_pollutants_kg"][side]
        assert sum(m / f.value("pollution_equivalents", k) for k, m in kg.items()) == pytest.approx(
            t4["expected"][total], abs=5e-4)


def test_emission_factors_give_vector_t2():
    from remanxl.method.inventory import Context, derived_emission_factor
    from remanxl.method.settings import Settings

    f = default_factors()
    ctx = Context(f, Settings())
    for key, ef in vector("T2")["emission_factors_used_kgco2_per_unit"].items():
        if key == "electricity":
            continue  # the vector gives its grid factor as a setting
        row = f["fuel_emission_factors"].row(key)
        got = derived_emission_factor(row, ctx) or row["kgco2_per_unit"]
        assert got == pytest.approx(ef, abs=5e-5), key


def test_corrected_coefficients():
    """The corrections of 2026.2 against GB/T 2589-2008 Appendix B, which gives energy-carrying media in
    kcal (1 kgce = 7000 kcal): fresh water 600 kcal/t (2.51 MJ/t), not 1800; nitrogen 2800 kcal/m3 as a
    by-product and 4700 kcal/m3 as the main product."""
    f = default_factors()
    for key, kcal in (("fresh_water", 600), ("nitrogen", 2800), ("nitrogen_main_product", 4700)):
        assert f.value("energy_conversion", key) == round(kcal / 7000, 4), key
    assert f.value("grid_emission_factors", "cn_national_2023") == 0.5306


def test_lookup_by_chinese_and_english_names():
    t = default_factors()["energy_conversion"]
    assert t.resolve("电力") == "electricity"
    assert t.resolve("Diesel") == "diesel"
    with pytest.raises(UnknownKeyError, match="did you mean 'diesel'"):
        t.resolve("diesle")


def test_user_rows_override_and_extend_without_touching_the_defaults():
    f = default_factors()
    g = f.with_rows("grid_emission_factors", [{"key": "cn_national_2023", "kgco2_per_kwh": 0.5},
                                              {"key": "supplier_green", "kgco2_per_kwh": 0.05, "source": "PPA 2025"}])
    assert g.value("grid_emission_factors", "cn_national_2023") == 0.5
    assert g["grid_emission_factors"].row("supplier_green")["source"] == "PPA 2025"
    assert f.value("grid_emission_factors", "cn_national_2023") == 0.5306


def test_a_table_whose_rows_equal_its_own_is_kept_and_the_set_reports_the_edit():
    f = default_factors()
    shipped = [dict(r) for r in f["gwp"].rows.values()]
    g, problems = f.with_tables({"gwp": shipped}, origin="user-edited")
    assert problems == []
    assert g["gwp"] is f["gwp"] and g.units is f.units  # nothing rebuilt
    assert g.origin == "user-edited" and f.origin == "remanxl defaults"


def test_several_tables_at_once_equal_one_table_after_the_other():
    f = default_factors()
    edits = {"grid_emission_factors": [{"key": "supplier_green", "kgco2_per_kwh": 0.05, "source": "PPA 2025"}],
             "factor_uncertainty": [{"coefficient": "grid_emission_factors:supplier_green", "gsd2": 1.2}],
             "gwp": [{"gas": "SF6", "AR6": "text"}]}
    g, problems = f.with_tables(edits, origin="user-edited")
    h = f.with_rows("grid_emission_factors", edits["grid_emission_factors"], origin="user-edited")
    h = h.with_rows("factor_uncertainty", edits["factor_uncertainty"])
    for name in f.tables:
        assert g[name].rows == h[name].rows, name
    # the uncertainty row names the grid row added before it; the text in gwp leaves that table out
    assert [(p.table, p.column) for p in problems] == [("factors:gwp", "AR6")]
    assert g.value("gwp", "SF6", "AR6") == 25200.0
    assert g.value("grid_emission_factors", "supplier_green") == 0.05


def test_units_normalise_and_refuse_other_dimensions():
    u = default_factors().units
    assert u.factor("MWh", "kWh") == 1000
    assert u.factor("t", "kg") == 1000
    assert u.factor("L", "m3") == 0.001
    assert u.factor("GJ", "MJ") == 1000
    assert u.factor("m³", "m3") == 1
    assert u.factor("万kWh", "kWh") == 10000
    with pytest.raises(UnitError, match="mass unit; expected an energy unit"):
        u.factor("kg", "kWh")
    with pytest.raises(UnitError, match="unknown unit"):
        u.factor("furlong", "m3")


def test_derived_fuel_factors_round_to_the_tabulated_ones():
    from remanxl.method.inventory import Context, derived_emission_factor
    from remanxl.method.settings import Settings

    f = default_factors()
    ctx = Context(f, Settings())
    for key, row in f["fuel_emission_factors"].rows.items():
        derived = derived_emission_factor(row, ctx)
        if derived is not None:
            assert round(derived, 3) == row["kgco2_per_unit"], key

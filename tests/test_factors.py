"""The shipped coefficient tables are the specification's, and behave as documented."""
import csv

import pytest

from remanxl import default_factors
from remanxl.method.factors import UnknownKeyError, table_files
from remanxl.method.units import UnitError
from spec_vectors import SPEC
from importlib import resources


@pytest.mark.parametrize("name", ["energy_conversion", "fuel_emission_factors", "grid_emission_factors", "gwp",
                                  "pollution_equivalents"])
def test_shipped_tables_equal_the_spec(name):
    shipped = resources.files("remanxl.method").joinpath("data", table_files()[name]).read_bytes()
    assert shipped == (SPEC / "factors" / f"{name}.csv").read_bytes()


def test_every_row_keeps_its_source():
    f = default_factors()
    for name in ("energy_conversion", "fuel_emission_factors", "grid_emission_factors", "pollution_equivalents"):
        for key, row in f[name].rows.items():
            assert row.get("source"), (name, key)
    for key, row in f["grid_emission_factors"].rows.items():
        assert isinstance(row["year"], float), key


def test_loaded_values_match_the_csv_text():
    f = default_factors()
    with open(SPEC / "factors" / "energy_conversion.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            assert f.value("energy_conversion", row["key"]) == float(row["kgce_per_unit"])


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

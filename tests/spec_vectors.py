"""The method specification's acceptance vectors, turned into remanxl evaluation inputs.

The vectors T1-T6 are kept in ``tests/data/vectors`` (copies of the method contract's, so that a
clone of this repository tests itself).  Each ``tN_input`` function builds the JSON evaluation format
from a vector's raw rows; the tests then run it through every entry point.
"""
from __future__ import annotations

import json
from pathlib import Path

VECTORS = Path(__file__).resolve().parent / "data" / "vectors"


def vector(name: str) -> dict:
    return json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))


def t1_input(equal_value: bool = False) -> dict:
    v = vector("T1")
    settings = dict(v["settings"])
    if equal_value:
        settings.update(v["variant_equal_value"]["settings"])
    return {"settings": settings, "energy": [dict(r, provenance="measured") for r in v["energy"]]}


def t2_input() -> dict:
    """T2 as the vector gives it: every source on the GHG sheet (setting ghg_from_energy = FALSE)."""
    v = vector("T2")
    return {"settings": {**v["settings"], "ghg_from_energy": False},
            "ghg": [dict(r, provenance="measured") for r in v["sources"]]}


#: The Energy sheet's energy type for each of T2's fuel and electricity sources.
T2_ENERGY_TYPES = {"electricity": "electricity", "natural_gas": "natural_gas_gasfield", "diesel": "diesel",
                   "coke": "coke"}


def t2_energy_input() -> dict:
    """T2 typed once: fuels and electricity on the Energy sheet (which gives their emissions), the shielding
    gas on the GHG sheet."""
    v = vector("T2")
    energy = [{"side": r["side"], "energy_type": T2_ENERGY_TYPES[r["source"]], "quantity": r["quantity"],
               "unit": r["unit"], "provenance": "measured"} for r in v["sources"] if r["source"] in T2_ENERGY_TYPES]
    ghg = [dict(r, provenance="measured") for r in v["sources"] if r["source"] not in T2_ENERGY_TYPES]
    return {"settings": dict(v["settings"]), "energy": energy, "ghg": ghg}


def t3_input(aggregation: str = "pollution_equivalent") -> dict:
    v = vector("T3")
    rows = [{"side": r["side"], "pollutant": r["pollutant"], "quantity": r["mass_kg"], "unit": "kg",
             "provenance": "measured"} for r in v["air_emissions_kg"]]
    return {"settings": {"air_aggregation": aggregation}, "air": rows}


def t4_input(effluent_basis: str = "volume") -> dict:
    i = vector("T4")["inputs"]
    sides = ("reman", "original")
    water = [{"side": s, "stream": "fresh_water", "quantity": i["fresh_water_m3"][s], "unit": "m3"} for s in sides]
    water += [{"side": s, "stream": "wastewater", "quantity": i["wastewater_m3"][s], "unit": "m3"} for s in sides]
    pollutants = [{"side": s, "pollutant": k, "quantity": kg, "unit": "kg"}
                  for s in sides for k, kg in i["water_pollutants_kg"][s].items()]
    waste = [{"side": s, "category": "general", "quantity": i["solid_waste_kg"][s], "unit": "kg"} for s in sides]
    materials = [{"side": s, "material": "all", "quantity": i["materials_kg"][s], "unit": "kg"} for s in sides]
    inp = {"settings": {"effluent_basis": effluent_basis}, "water": water, "water_pollutants": pollutants,
           "solid_waste": waste, "materials": materials}
    for table in ("water", "water_pollutants", "solid_waste", "materials"):
        for r in inp[table]:
            r["provenance"] = "measured"
    return inp


T5_COLUMNS = ("name", "quantity", "unit_mass_kg", "fate", "intact_count", "old_part_treatment", "consumable")


def t5_input(**settings) -> dict:
    v = vector("T5")
    return {"settings": {**v["settings"], **settings},
            "parts": [{k: p[k] for k in T5_COLUMNS} for p in v["parts"]]}

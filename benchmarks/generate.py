"""Realistic generated workbooks for the benchmarks, cached under ``benchmarks/out/``.

Two kinds of input:

* :func:`plant_input` — a plant-scale evaluation: a parts ledger of tens of
  thousands of part types (mixed fates, counts, consumables, treatments) and
  tens of thousands of inventory rows spread over the energy, GHG, air, water,
  water-pollutant, materials and solid-waste tables, on both sides, with
  provenance, processes and units a plant would type (MWh next to kWh, t next
  to kg, Chinese unit symbols now and then).
* :func:`product_input` — an ordinary single-product evaluation, the size of
  the bundled example, varied per product so a folder of them is not 200 copies.

Workbooks are written with the template builder (:func:`remanxl.workbook.template.build_template`),
so they are exactly what a user fills in.  Files are cached by size and seed.

Run ``python benchmarks/generate.py`` to build the default set and print where it is.
"""
from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from remanxl.method.inputs import EvaluationInput, load_example

OUT = Path(__file__).resolve().parent / "out"

#: How the inventory rows of a plant are split over the tables (fractions of the total).
INVENTORY_SPLIT = {"energy": 0.35, "ghg": 0.30, "air": 0.10, "water_pollutants": 0.08, "water": 0.07,
                   "materials": 0.06, "solid_waste": 0.04}

PROCESSES = ("disassembly", "cleaning", "shot blasting", "inspection", "machining", "laser cladding",
             "thermal spraying", "assembly", "testing", "painting", "paint drying", "plant total",
             "casting", "forging", "heat treatment", "compressed air station", "boiler house")
PROVENANCE = ("measured", "oem_data", "estimated", "literature")

# (energy type, [(unit, typical quantity)]) — quantities per row as a plant logs them.
ENERGY = (("electricity", (("kWh", 2e4), ("MWh", 20.0), ("度", 1.5e4))),
          ("natural_gas_gasfield", (("m3", 3e3), ("Nm3", 2.5e3), ("万m3", 0.3))),
          ("diesel", (("kg", 800.0), ("t", 0.8))),
          ("gasoline", (("kg", 200.0),)),
          ("steam_low_pressure", (("kg", 5e3), ("t", 5.0))),
          ("compressed_air", (("m3", 2e4),)),
          ("fresh_water", (("t", 400.0),)),
          ("heat", (("GJ", 30.0), ("MJ", 3e4))),
          ("coke", (("t", 2.0), ("kg", 2e3))),
          ("oxygen", (("m3", 300.0),)),
          ("acetylene", (("m3", 40.0),)))
# Fuels, electricity and heat give their emissions from the Energy sheet: the GHG sheet holds the rest.
GHG = (("co2_shielding_gas", (("kg", 60.0),)),
       ("HFC-134a", (("kg", 2.0), ("g", 500.0))),
       ("SF6", (("kg", 0.1),)),
       ("CH4", (("kg", 5.0),)))
AIR = ("so2", "nox", "co", "general_dust", "soot", "hcl", "benzene", "toluene", "xylene", "formaldehyde",
       "sulfuric_acid_mist", "fluorides", "nickel", "vocs", "nmhc")
WATER_POLLUTANTS = ("cod", "bod5", "ss", "petroleum", "ammonia_nitrogen", "total_phosphorus", "las",
                    "total_zinc", "total_chromium", "hexavalent_chromium", "total_nickel", "fluoride")
MATERIALS = (("Laser cladding powder", "repair_material"), ("Thermal spray wire", "repair_material"),
             ("Cleaning agent", "auxiliary_material"), ("Paint", "auxiliary_material"),
             ("Steel shot", "auxiliary_material"), ("Engine oil", "auxiliary_material"),
             ("Grey iron castings", "casting"), ("Forged steel blanks", "blank"), ("Bar stock 42CrMo", "bar_stock"),
             ("Bearings", "purchased_part"), ("Gasket set", "replacement_part"), ("Pig iron", "raw_material"),
             ("Used engine cores", "core"))
WASTE = (("Packaging waste", "general"), ("Grinding swarf", "general"), ("Scrap metal", "general"),
         ("Shot-blast dust", "general"), ("Waste paint residue", "hazardous"), ("Oily sludge", "hazardous"),
         ("Spent cleaning fluid", "hazardous"), ("Used filters", "hazardous"))
PARTS = ("Cylinder block", "Cylinder head", "Crankshaft", "Camshaft", "Connecting rod", "Piston", "Piston ring set",
         "Cylinder liner", "Flywheel", "Flywheel housing", "Oil pan", "Timing gear", "Valve", "Valve spring",
         "Rocker arm", "Push rod", "Oil pump", "Water pump", "Fuel injector", "High-pressure fuel pump",
         "Turbocharger", "Intake manifold", "Exhaust manifold", "Starter motor", "Alternator", "Oil cooler",
         "Main bearing shell", "Head gasket", "O-ring", "Lock washer", "Bolt M12", "Seal kit", "Hose clamp",
         "Fan hub", "Vibration damper", "ECU bracket", "Gear housing", "Thermostat", "Sensor harness")
CONSUMABLES = {"Head gasket", "O-ring", "Lock washer", "Seal kit", "Piston ring set", "Main bearing shell"}


def _side_provenance(rng: random.Random) -> tuple[str, str | None]:
    side = "reman" if rng.random() < 0.5 else "original"
    if side == "original":
        return side, rng.choices(PROVENANCE, (5, 3, 3, 1))[0]
    return side, "measured" if rng.random() < 0.9 else None  # provenance is optional on the reman side


def _qty(rng: random.Random, typical: float) -> float:
    return round(typical * rng.uniform(0.2, 1.8), 3)


def _inventory_rows(table: str, n: int, rng: random.Random) -> list[dict]:
    rows = []
    for i in range(n):
        side, prov = _side_provenance(rng)
        row = {"side": side, "provenance": prov}
        if table in ("energy", "ghg"):
            key, units = rng.choice(ENERGY if table == "energy" else GHG)
            unit, typical = rng.choice(units)
            row.update({"process": rng.choice(PROCESSES), "quantity": _qty(rng, typical), "unit": unit})
            row["energy_type" if table == "energy" else "source"] = key
            if side == "reman" and key == "electricity" and rng.random() < 0.02:
                row["flow"] = "exported"  # a little solar surplus fed back
                row["quantity"] = round(row["quantity"] * 0.05, 3)
        elif table in ("air", "water_pollutants"):
            key = rng.choice(AIR if table == "air" else WATER_POLLUTANTS)
            unit, typical = rng.choice((("kg", 20.0), ("kg", 5.0), ("g", 800.0), ("t", 0.02)))
            row.update({"process": rng.choice(PROCESSES), "pollutant": key, "quantity": _qty(rng, typical),
                        "unit": unit})
        elif table == "water":
            stream = "fresh_water" if rng.random() < 0.55 else "wastewater"
            unit, typical = rng.choice((("m3", 150.0), ("L", 1.5e5), ("立方米", 150.0)))
            row.update({"process": rng.choice(PROCESSES), "stream": stream, "quantity": _qty(rng, typical),
                        "unit": unit})
        elif table == "materials":
            name, category = rng.choice(MATERIALS)
            unit, typical = rng.choice((("kg", 300.0), ("t", 0.3), ("吨", 0.3)))
            row.update({"material": name, "category": category, "quantity": _qty(rng, typical), "unit": unit})
        elif table == "solid_waste":
            name, category = rng.choice(WASTE)
            unit, typical = rng.choice((("kg", 400.0), ("t", 0.4)))
            row.update({"stream": name, "category": category, "quantity": _qty(rng, typical), "unit": unit})
        if rng.random() < 0.05:
            row["note"] = f"meter log {rng.randint(1, 12):02d}/{2025}, line {i % 40 + 1}"
        rows.append({k: v for k, v in row.items() if v is not None})
    # Every comparison needs both sides; a tiny table could draw only one.
    if rows and len({r["side"] for r in rows}) == 1:
        rows[0]["side"] = "original" if rows[0]["side"] == "reman" else "reman"
        rows[0].setdefault("provenance", "measured")
    return rows


def _parts_rows(n: int, rng: random.Random) -> list[dict]:
    rows = []
    for i in range(n):
        name = rng.choice(PARTS)
        consumable = name in CONSUMABLES
        q = rng.choice((1, 1, 1, 2, 4, 6, 8, 12, 24)) if not consumable else rng.choice((6, 12, 24, 48))
        mass = round(rng.lognormvariate(0.5, 1.6), 3) if not consumable else round(rng.uniform(0.005, 0.3), 3)
        fate = "replaced" if consumable else rng.choices(("reused", "remanufactured", "replaced"), (40, 35, 25))[0]
        intact = q if rng.random() < 0.8 else rng.randint(0, q)
        washable = min(intact, q) if rng.random() < 0.9 else rng.randint(0, q)
        row = {"part_id": f"P{i + 1:06d}", "name": f"{name} #{i % 97 + 1}", "quantity": q, "unit_mass_kg": mass,
               "fate": fate, "intact_count": intact, "washable_count": washable, "cleaned_count": q,
               "consumable": consumable}
        if fate == "replaced":
            row["old_part_treatment"] = rng.choices(("recycled", "harmless_disposal", "other"), (70, 25, 5))[0]
            if rng.random() < 0.3:
                row["new_unit_mass_kg"] = round(mass * rng.uniform(0.9, 1.1), 3)
        rows.append(row)
    return rows


def plant_input(parts: int = 50_000, inventory: int = 20_000, seed: int = 41350) -> EvaluationInput:
    """A plant-scale evaluation: ``parts`` ledger rows and ``inventory`` rows over the other seven tables."""
    rng = random.Random(seed)
    tables = {}
    left = inventory
    for k, (table, share) in enumerate(INVENTORY_SPLIT.items()):
        n = left if k == len(INVENTORY_SPLIT) - 1 else max(2, round(inventory * share))
        n = min(n, left)
        tables[table] = _inventory_rows(table, n, rng)
        left -= n
    tables["parts"] = _parts_rows(parts, rng)
    settings = {"product": "Remanufactured heavy-duty diesel engines (plant, all lines)",
                "model": "HD-12L / HD-9L / MD-7L", "remanufacturer": "Benchmark Remanufacturing Co., Ltd.",
                "reporting_period": "2025", "remanufacturer_type": "independent",
                "functional_unit_quantity": 1, "reman_data_quantity": 12000, "original_data_quantity": 3000,
                "estimation_note": "Original-side data from the OEM's plant reports, scaled per engine.",
                "electricity_basis": "equivalent", "gwp_set": "AR5", "grid_factor": "cn_national_2023"}
    return EvaluationInput(settings=settings, tables=tables, source=f"plant_{parts}_{inventory}")


def product_input(index: int) -> EvaluationInput:
    """An ordinary product evaluation: the bundled example with quantities varied per product."""
    rng = random.Random(index)
    base = load_example()
    tables = {}
    for name, rows in base.tables.items():
        out = []
        for r in rows:
            r = dict(r)
            if isinstance(r.get("quantity"), (int, float)) and name != "parts":
                r["quantity"] = round(r["quantity"] * rng.uniform(0.8, 1.2), 3)
            out.append(r)
        tables[name] = out
    settings = dict(base.settings, product=f"Remanufactured product {index + 1:03d}",
                    model=f"M-{rng.randint(100, 999)}")
    return EvaluationInput(settings=settings, tables=tables, factors=dict(base.factors), source=f"product_{index}")


def template_stamp() -> str:
    """A short hash of the code that decides what a generated workbook holds, so the cache follows it."""
    import hashlib

    import remanxl

    digest = hashlib.sha1()
    root = Path(remanxl.__file__).parent
    for name in ("workbook/template.py", "workbook/styles.py", "sheet/layout.py", "sheet/formulas.py",
                 "workbook/sharedformulas.py"):
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:8]


def large_workbook(parts: int = 50_000, inventory: int = 20_000, seed: int = 41350, out: Path = OUT,
                   per_row_formulas: bool = False) -> Path:
    """The plant-scale workbook, built once per template version and cached.

    With ``per_row_formulas``, the computed columns are written out in every row, as the template did
    before it stored them as shared formulas: the "before" of ``bench_libreoffice.py``.
    """
    from remanxl.workbook import template

    layout = "_perrow" if per_row_formulas else ""
    path = Path(out) / f"plant_{parts}p_{inventory}i_s{seed}_{template_stamp()}{layout}.xlsx"
    if not path.exists():
        tmp = path.with_suffix(".tmp.xlsx")
        share = template._share_formulas
        if per_row_formulas:
            template._share_formulas = lambda *args: None
        try:
            template.build_template(tmp, plant_input(parts, inventory, seed))
        finally:
            template._share_formulas = share
        tmp.replace(path)
    return path


def product_folder(count: int = 200, out: Path = OUT) -> Path:
    """A folder of ``count`` product workbooks, built once per template version and cached."""
    from remanxl.workbook.template import build_template

    folder = Path(out) / f"products_{count}_{template_stamp()}"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        path = folder / f"product_{i + 1:03d}.xlsx"
        if not path.exists():
            tmp = folder / f".tmp_{i + 1:03d}.xlsx"
            build_template(tmp, product_input(i))
            tmp.replace(path)
    return folder


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--parts", type=int, default=50_000)
    p.add_argument("--inventory", type=int, default=20_000)
    p.add_argument("--books", type=int, default=200)
    p.add_argument("--out", type=Path, default=OUT)
    a = p.parse_args(argv)
    t = time.perf_counter()
    print(f"large workbook: {large_workbook(a.parts, a.inventory, out=a.out)} ({time.perf_counter() - t:.1f} s)")
    t = time.perf_counter()
    print(f"product folder: {product_folder(a.books, out=a.out)} ({time.perf_counter() - t:.1f} s)")


if __name__ == "__main__":
    main()

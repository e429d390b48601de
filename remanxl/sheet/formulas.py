"""Native worksheet formulas of the template, as stored in the file (OOXML formula text).

These let a workbook show row-level kgce, CO2e and pollution equivalents and the
per-side subtotals with no Python at all.  They mirror the core's arithmetic
operation for operation, so a spreadsheet engine agrees with the core to the
last few bits (the tests check 1e-9).  Structured references are written in
file form (``Energy[[#This Row],[Quantity 数量]]``), which Excel shows as
``[@[Quantity 数量]]``.
"""
from __future__ import annotations

from remanxl.method.inputs import TABLES
from remanxl.sheet.layout import BY_TABLE, COMPUTED, setting_name

_ESCAPE = str.maketrans({"[": "'[", "]": "']", "#": "'#", "'": "''"})


def _header(table: str, key: str) -> str:
    for k, h in COMPUTED.get(table, ()):
        if k == key:
            return h
    return TABLES[table].column(key).header


def col(table: str, key: str) -> str:
    """Whole data column of an input table: ``Energy[kgce 折标煤]``."""
    return f"{BY_TABLE[table].excel_table}[{_header(table, key).translate(_ESCAPE)}]"


def this(table: str, key: str) -> str:
    """The current row's cell of a column: ``Energy[[#This Row],[Quantity 数量]]``."""
    return f"{BY_TABLE[table].excel_table}[[#This Row],[{_header(table, key).translate(_ESCAPE)}]]"


def s(key: str) -> str:
    """A setting's named cell."""
    return setting_name(key)


def uconv(unit: str, to_unit: str) -> str:
    """Multiplier from ``unit`` to ``to_unit`` through the Units factor table (same as the core)."""
    return (f"(INDEX(Units[to_base],MATCH({unit},Units[unit],0))"
            f"/INDEX(Units[to_base],MATCH({to_unit},Units[unit],0)))")


def _scale(t: str) -> str:
    return f"IF({this(t, 'side')}=\"reman\",{s('scale_reman')},{s('scale_original')})"


def _lookup(table: str, column: str, key: str, key_column: str = "key") -> str:
    return f"INDEX({table}[{column}],MATCH({key},{table}[{key_column}],0))"


def computed_column_formulas(table: str) -> dict[str, str]:
    """Formula of each computed column of an input table (without the leading ``=``)."""
    t = table
    q = this(t, "quantity")
    u = this(t, "unit") if t != "parts" else None
    if t == "energy":
        e = this(t, "energy_type")
        return {
            "factor_unit": f"IF({e}=\"\",\"\",{_lookup('EnergyConversion', 'unit', e)})",
            "factor": (f"IF({e}=\"\",\"\",IF(AND({e}=\"electricity\",{s('electricity_basis')}=\"equal\"),"
                       f"{s('electricity_equal_value_kgce_per_kwh')},{_lookup('EnergyConversion', 'kgce_per_unit', e)}))"),
            "kgce": (f"IF(OR({q}=\"\",{e}=\"\"),\"\",IF({this(t, 'flow')}=\"exported\",-1,1)*"
                     f"({q}*{uconv(u, this(t, 'factor_unit'))})*{this(t, 'factor')}*{_scale(t)})"),
        }
    if t == "ghg":
        src = this(t, "source")
        fuel = f"ISNUMBER(MATCH({src},FuelFactors[key],0))"
        gwp_index = f"MATCH({src},GWP[gas],0)"
        gwp = (f"CHOOSE(MATCH({s('gwp_set')},{{\"SAR\",\"AR4\",\"AR5\",\"AR6\"}},0),INDEX(GWP[SAR],{gwp_index}),"
               f"INDEX(GWP[AR4],{gwp_index}),INDEX(GWP[AR5],{gwp_index}),INDEX(GWP[AR6],{gwp_index}))")
        derived = _lookup("FuelFactors", "kgco2_per_unit_derived", src)
        fuel_factor = (f"IF(AND({s('fuel_factor_method')}=\"derived\",{derived}<>\"\"),{derived},"
                       f"{_lookup('FuelFactors', 'kgco2_per_unit', src)})")
        return {
            "factor_unit": (f"IF({src}=\"\",\"\",IF({src}=\"electricity\",\"kWh\","
                            f"IF({fuel},{_lookup('FuelFactors', 'unit', src)},\"kg\")))"),
            "factor": f"IF({src}=\"\",\"\",IF({src}=\"electricity\",{s('grid_in_use')},IF({fuel},{fuel_factor},{gwp})))",
            "kgco2e": (f"IF(OR({q}=\"\",{src}=\"\"),\"\",IF({this(t, 'flow')}=\"exported\",-1,1)*"
                       f"({q}*{uconv(u, this(t, 'factor_unit'))})*{this(t, 'factor')}*{_scale(t)})"),
        }
    if t in ("air", "water_pollutants"):
        p = this(t, "pollutant")
        skip = f"ISNUMBER(MATCH({p},LumpedPollutants[key],0))"
        if t == "water_pollutants":
            od = s("oxygen_demand_parameter")
            skip = f"AND(OR({p}=\"cod\",{p}=\"bod5\",{p}=\"toc\"),{p}<>{od})"
        return {
            "kg": f"IF(OR({q}=\"\",{p}=\"\"),\"\",IF({skip},\"\",({q}*{uconv(u, chr(34) + 'kg' + chr(34))})*{_scale(t)}))",
            "pe": (f"IF({this(t, 'kg')}=\"\",\"\",({q}*{uconv(u, chr(34) + 'kg' + chr(34))})"
                   f"*(1/{_lookup('PollutionEquivalents', 'kg_per_equivalent', p)})*{_scale(t)})"),
        }
    if t == "water":
        return {"m3": f"IF({q}=\"\",\"\",({q}*{uconv(u, chr(34) + 'm3' + chr(34))})*{_scale(t)})"}
    if t == "materials":
        return {"kg": (f"IF({q}=\"\",\"\",IF({this(t, 'category')}=\"core\",0,"
                       f"({q}*{uconv(u, chr(34) + 'kg' + chr(34))})*{_scale(t)}))")}
    if t == "solid_waste":
        return {"kg": f"IF({q}=\"\",\"\",({q}*{uconv(u, chr(34) + 'kg' + chr(34))})*{_scale(t)})"}
    if t == "parts":
        m, fate, treat = this(t, "unit_mass_kg"), this(t, "fate"), this(t, "old_part_treatment")
        blank = f"IF({q}=\"\",\"\","
        return {
            "removed_kg": f"{blank}{q}*{m})",
            "core_qty": f"{blank}IF(OR({fate}=\"reused\",{fate}=\"remanufactured\"),{q},0))",
            "new_qty": f"{blank}IF({fate}=\"replaced\",{q},0))",
            "new_kg": f"{blank}{this(t, 'new_qty')}*IF({this(t, 'new_unit_mass_kg')}=\"\",{m},{this(t, 'new_unit_mass_kg')}))",
            "discarded_kg": f"{blank}{this(t, 'new_qty')}*{m})",
            "harmless_qty": (f"{blank}IF(AND({fate}=\"replaced\",OR({treat}=\"recycled\","
                             f"{treat}=\"harmless_disposal\")),{q},0))"),
            "recycled_qty": f"{blank}IF(AND({fate}=\"replaced\",{treat}=\"recycled\"),{q},0))",
        }
    return {}


def derived_fuel_factor_formula() -> str:
    """FuelFactors[kgco2_per_unit_derived]: NCV × CC × OF × 44/12 per the row's unit (as the core)."""
    r = "FuelFactors[[#This Row],[{}]]".format
    spec = "NcvUnits[{}],MATCH(" + r("ncv_unit") + ",NcvUnits[ncv_unit],0)"
    energy_unit = "INDEX(" + spec.format("energy_unit") + ")"
    amount = "INDEX(" + spec.format("amount") + ")"
    per_unit = "INDEX(" + spec.format("per_unit") + ")"
    return (f"IF(OR({r('ncv')}=\"\",{r('carbon_content_tc_per_tj')}=\"\",{r('oxidation_rate')}=\"\"),\"\","
            f"{r('ncv')}*{uconv(energy_unit, chr(34) + 'GJ' + chr(34))}/({amount}*{uconv(per_unit, r('unit'))})"
            f"*{r('carbon_content_tc_per_tj')}*{r('oxidation_rate')}*(44/12))")


def _sumifs(table: str, key: str, side: str, extra: str = "") -> str:
    return f"SUMIFS({col(table, key)},{col(table, 'side')},\"{side}\"{extra})"


def native_terms(symbol: str, settings) -> tuple[str, str] | None:
    """Native formulas for an indicator's numerator and denominator under ``settings``."""
    n = s("functional_unit_quantity")
    if symbol in ("SE", "SM", "SW", "RGHG", "RAP", "REF", "RSW"):
        def both(table, key, extra=""):
            return _sumifs(table, key, "reman", extra), _sumifs(table, key, "original", extra)
        if symbol == "SE":
            return both("energy", "kgce")
        if symbol == "SM":
            r, m = both("materials", "kg")
            if settings.materials_include_ledger_new_parts:
                r = f"{r}+SUM({col('parts', 'new_kg')})*{n}"
            return r, m
        if symbol == "SW":
            return both("water", "m3", f",{col('water', 'stream')},\"fresh_water\"")
        if symbol == "RGHG":
            return both("ghg", "kgco2e")
        if symbol == "RAP":
            return both("air", "pe" if settings.air_aggregation == "pollution_equivalent" else "kg")
        if symbol == "REF":
            if settings.effluent_basis == "pollution_equivalent":
                return both("water_pollutants", "pe")
            return both("water", "m3", f",{col('water', 'stream')},\"wastewater\"")
        return both("solid_waste", "kg")
    mass = col("parts", "unit_mass_kg")
    qty = col("parts", "quantity")

    def amount(count_col: str, basis: str, not_consumable: bool = False) -> str:
        c = col("parts", count_col) if count_col != "quantity" else qty
        if not_consumable:
            flag = f"({col('parts', 'consumable')}<>TRUE)"
            expr = (f"SUMPRODUCT({c},{mass},--{flag})*{n}" if basis == "mass"
                    else f"SUMPRODUCT({c},--{flag})*{n}")
        else:
            expr = f"SUMPRODUCT({c},{mass})*{n}" if basis == "mass" else f"SUM({c})*{n}"
        if count_col in ("intact_count", "washable_count", "cleaned_count"):
            # an optional ledger column left blank everywhere: not available (the core says so), never 0 %
            expr = f"IF(COUNT({c})=0,NA(),{expr})"
        return expr

    st = settings
    if symbol == "RUP":
        return amount("core_qty", st.basis_rup), amount("quantity", st.basis_rup)
    if symbol == "RND":
        ex = st.rnd_exclude_consumables
        return amount("intact_count", st.basis_rnd, ex), amount("quantity", st.basis_rnd, ex)
    if symbol == "RWP":
        den = "cleaned_count" if st.rwp_denominator == "cleaned" else "quantity"
        return amount("washable_count", st.basis_rwp), amount(den, st.basis_rwp)
    if symbol in ("RR", "RRP"):
        basis = getattr(st, f"basis_{symbol.lower()}")
        if basis == "mass":
            core, new = amount("core_qty", "mass"), f"SUM({col('parts', 'new_kg')})*{n}"
            whole = f"{s('product_mass_kg')}*{n}" if st.product_mass_kg is not None else f"{core}+{new}"
        else:
            core, new = amount("core_qty", "count"), amount("new_qty", "count")
            whole = f"{core}+{new}"
        return (core if symbol == "RR" else new), whole
    if symbol == "RDH":
        whole = f"SUM({col('parts', 'discarded_kg')})*{n}" if st.basis_rdh == "mass" else amount("new_qty", "count")
        return amount("harmless_qty", st.basis_rdh), whole
    if symbol == "RNR":
        whole = f"SUM({col('parts', 'discarded_kg')})*{n}" if st.basis_rnr == "mass" else amount("new_qty", "count")
        return amount("recycled_qty", st.basis_rnr), whole
    return None
